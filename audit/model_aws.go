package audit

import "encoding/json"

// AWSFunction holds the AWS Lambda facts the rules judge.
type AWSFunction struct {
	// Role is the execution role ARN (also listed in Function.Identities).
	Role          string   `json:"role,omitempty"`
	Architectures []string `json:"architectures,omitempty"`
	Layers        []string `json:"layers,omitempty"`
	// Policies are the resource-based policies of the function ($LATEST / unqualified)
	// and of each alias or version that has one.
	Policies []ResourcePolicy `json:"policies,omitempty"`
	// URLs are the function URL configurations of the function and its aliases.
	URLs []FunctionURL `json:"urls,omitempty"`
	// Aliases lists the function's aliases by name.
	Aliases []string `json:"aliases,omitempty"`
	// URLsChecked is true when the adapter read the URL configurations (or proved
	// from the policies that no URL can be callable, see providers/awslambda).
	URLsChecked bool `json:"urlsChecked,omitempty"`
}

// ResourcePolicy is a Lambda resource-based policy, kept as the document so the
// verdict can apply full IAM semantics and quote the statement.
type ResourcePolicy struct {
	// Qualifier is the alias or version the policy belongs to; empty for the
	// unqualified function.
	Qualifier string          `json:"qualifier,omitempty"`
	Document  json.RawMessage `json:"document"`
	Source    Source          `json:"source"`
}

// FunctionURL is a Lambda function URL configuration.
type FunctionURL struct {
	Qualifier string `json:"qualifier,omitempty"`
	URL       string `json:"url"`
	// AuthType is NONE or AWS_IAM.
	AuthType string `json:"authType"`
	// InvokeMode is BUFFERED or RESPONSE_STREAM.
	InvokeMode string `json:"invokeMode,omitempty"`
	// CORSAllowOrigins lists the CORS allowed origins, if any.
	CORSAllowOrigins []string `json:"corsAllowOrigins,omitempty"`
	Source           Source   `json:"source"`
}
