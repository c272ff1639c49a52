package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"google.golang.org/api/option"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/awslambda"
	"github.com/fnaudit/fnaudit/providers/azurefunctions"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions"
)

// secretsAPI reads the GCP and Azure credentials.
type secretsAPI interface {
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

var _ secretsAPI = (*secretsmanager.Client)(nil)

// providerCollectors is the CollectorFactory of the deployed function: the
// library's provider adapters, configured from the scope and, for GCP and
// Azure, with credentials read from Secrets Manager on every run (so a rotated
// secret applies at once; its value is handed to the SDK and never logged).
func providerCollectors(cfg Config, secrets secretsAPI) CollectorFactory {
	return func(ctx context.Context, s Scope) ([]audit.Collector, []audit.Gap) {
		var cols []audit.Collector
		var gaps []audit.Gap
		fail := func(p audit.Provider, reason audit.GapReason, err error) {
			gaps = append(gaps, audit.Gap{Provider: p, API: "setup", Data: audit.DataFunctions, Reason: reason, Message: err.Error()})
		}
		for _, p := range s.Providers {
			var c audit.Collector
			var err error
			reason := audit.GapError
			switch p {
			case audit.AWS:
				var ac *awslambda.Collector
				if ac, err = awslambda.New(ctx, awsOptions(cfg, s)); err == nil {
					c = closing{ac, ac}
				}
			case audit.GCP:
				var creds []byte
				if creds, reason, err = readSecret(ctx, secrets, cfg.GCPSecret); err == nil {
					var opt option.ClientOption
					if opt, err = gcpCredentials(creds); err == nil {
						var gc *gcpfunctions.Collector
						if gc, err = gcpfunctions.New(ctx, gcpfunctions.Options{Projects: s.GCPProjects,
							ClientOptions: []option.ClientOption{opt}}); err == nil {
							c = closing{gc, gc}
						}
					}
				}
			case audit.Azure:
				var creds []byte
				if creds, reason, err = readSecret(ctx, secrets, cfg.AzureSecret); err == nil {
					var cred *azidentity.ClientSecretCredential
					if cred, err = azureCredential(creds); err == nil {
						var zc *azurefunctions.Collector
						if zc, err = azurefunctions.New(ctx, azurefunctions.Options{Subscriptions: s.AzureSubscriptions, Credential: cred}); err == nil {
							c = closing{zc, zc}
						}
					}
				}
			default:
				err = fmt.Errorf("provider %s is not available in this build", p)
				reason = audit.GapNotAvailable
			}
			if err != nil {
				fail(p, reason, err)
				continue
			}
			cols = append(cols, c)
		}
		return cols, gaps
	}
}

// awsOptions is the AWS collector's configuration for a scope.
func awsOptions(cfg Config, s Scope) awslambda.Options {
	return awslambda.Options{Regions: s.Regions, Accounts: s.Accounts,
		OrgRole: cfg.OrgRole, ExternalID: cfg.ExternalID,
		Functions: s.Functions, Identities: s.Identities,
		StartMarker: s.StartMarker, MaxFunctions: s.MaxFunctions, OnStop: s.OnStop,
		Organization: s.Organization}
}

// closing closes a collector's clients once it has collected.
type closing struct {
	audit.Collector
	io.Closer
}

func (c closing) Collect(ctx context.Context) (*audit.Inventory, error) {
	defer c.Close()
	return c.Collector.Collect(ctx)
}

// readSecret returns a secret's string value. Errors name the secret, never
// its value.
func readSecret(ctx context.Context, api secretsAPI, id string) ([]byte, audit.GapReason, error) {
	out, err := api.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		return nil, audit.GapAccessDenied, fmt.Errorf("secretsmanager: get secret value %s: %w", id, err)
	}
	if out.SecretString == nil {
		return nil, audit.GapInvalidData, fmt.Errorf("secretsmanager: secret %s has no string value", id)
	}
	return []byte(aws.ToString(out.SecretString)), "", nil
}

// gcpCredentials accepts a Google credential JSON of the two kinds that fit a
// Lambda: an external account (workload identity federation, which can use the
// function's own AWS role) or a service account key. Anything else is refused
// rather than handed to the auth library unchecked.
func gcpCredentials(data []byte) (option.ClientOption, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, errors.New("gcp credentials secret is not JSON")
	}
	switch head.Type {
	case "external_account":
		return option.WithAuthCredentialsJSON(option.ExternalAccount, data), nil
	case "service_account":
		return option.WithAuthCredentialsJSON(option.ServiceAccount, data), nil
	}
	return nil, fmt.Errorf("gcp credentials secret has type %q (want external_account or service_account)", head.Type)
}

// azureCredential reads {"tenantId", "clientId", "clientSecret"}.
func azureCredential(data []byte) (*azidentity.ClientSecretCredential, error) {
	var s struct {
		TenantID     string `json:"tenantId"`
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, errors.New("azure credentials secret is not JSON")
	}
	if s.TenantID == "" || s.ClientID == "" || s.ClientSecret == "" {
		return nil, errors.New("azure credentials secret needs tenantId, clientId and clientSecret")
	}
	cred, err := azidentity.NewClientSecretCredential(s.TenantID, s.ClientID, s.ClientSecret, nil)
	if err != nil {
		return nil, fmt.Errorf("azure credential: %w", err)
	}
	return cred, nil
}
