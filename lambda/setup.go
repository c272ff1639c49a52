package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/providers/awslambda"
)

// newHandlerFromEnv reads and checks the configuration and builds the AWS
// clients once per execution environment. Endpoints and credentials come from
// the SDK's standard chain (the function's role; AWS_ENDPOINT_URL* in tests).
func newHandlerFromEnv(ctx context.Context, getenv func(string) string) (*Handler, error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return nil, fmt.Errorf("configuration: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("aws: load configuration: %w", err)
	}
	h := &Handler{
		cfg:   cfg,
		rules: rules.All(),
		now:   time.Now,
		log:   slog.New(slog.NewJSONHandler(os.Stderr, nil)),
		// FNAUDIT_PART_FUNCTIONS, when set, replaces the deadline-based part size.
		partSize: cfg.PartFunctions,
		// Publish in the topic's own region, whatever the function's is.
		sns: sns.NewFromConfig(awsCfg, func(o *sns.Options) { o.Region = cfg.TopicRegion }),
	}
	if cfg.SuppressionsURI.Bucket != "" || cfg.ReportBucket != "" {
		// A custom endpoint (a local S3 in tests, MinIO, LocalStack) rarely
		// serves virtual-hosted bucket names.
		pathStyle := getenv("AWS_ENDPOINT_URL") != "" || getenv("AWS_ENDPOINT_URL_S3") != ""
		h.s3 = s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = pathStyle })
		h.sts = sts.NewFromConfig(awsCfg)
		// Organization scale's plan step (scale.go) needs a report bucket.
		h.org = awslambda.OrganizationsClient(awsCfg) // paced as the collector paces its own
		h.regions = account.NewFromConfig(awsCfg)
	}
	h.collectors = providerCollectors(cfg, secretsmanager.NewFromConfig(awsCfg))
	return h, nil
}
