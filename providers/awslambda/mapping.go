package awslambda

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
	"github.com/fnaudit/fnaudit/audit/policy"
	"github.com/fnaudit/fnaudit/audit/secrets"
)

// The functions in this file are pure: SDK types in, model types out.

const (
	apiListFunctions = "lambda:ListFunctions"
	apiGetPolicy     = "lambda:GetPolicy"
	apiListAliases   = "lambda:ListAliases"
	apiListURLs      = "lambda:ListFunctionUrlConfigs"
	apiListESMs      = "lambda:ListEventSourceMappings"
	apiAuthDetails   = "iam:GetAccountAuthorizationDetails"
	apiListRegions   = "account:ListRegions"
	apiListAccounts  = "organizations:ListAccounts"
	apiDescribeOrg   = "organizations:DescribeOrganization"
	apiAssumeRole    = "sts:AssumeRole"
)

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// mapFunction turns one ListFunctions entry into a Function. Environment values
// are inspected here and dropped: only names, verdicts and masked hints leave
// this function. A variable block Lambda could not decrypt is returned as a gap.
func mapFunction(account, region string, fc *lambdatypes.FunctionConfiguration) (audit.Function, *audit.Gap) {
	arn, name := deref(fc.FunctionArn), deref(fc.FunctionName)
	switch {
	case arn == "" && name != "":
		// FunctionArn is optional in the API model; the ARN is the listing's.
		arn = fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", catalog.AWSPartition(region), region, account, name)
	case name == "" && arn != "":
		u := unqualifiedARN(arn)
		name = u[strings.LastIndex(u, ":")+1:]
	}
	fn := audit.Function{
		Provider:    audit.AWS,
		Account:     account,
		Region:      region,
		Name:        name,
		ID:          arn,
		Runtime:     string(fc.Runtime),
		PackageType: string(fc.PackageType),
		Description: deref(fc.Description),
		AWS:         &audit.AWSFunction{Role: deref(fc.Role)},
		Source:      audit.Source{API: apiListFunctions, Ref: arn},
	}
	if fn.AWS.Role != "" {
		fn.Identities = []string{fn.AWS.Role}
	}
	for _, a := range fc.Architectures {
		fn.AWS.Architectures = append(fn.AWS.Architectures, string(a))
	}
	for _, l := range fc.Layers {
		fn.AWS.Layers = append(fn.AWS.Layers, deref(l.Arn))
	}
	var gap *audit.Gap
	if env := fc.Environment; env != nil {
		names := make([]string, 0, len(env.Variables))
		for k := range env.Variables {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fn.Environment = append(fn.Environment, secrets.Inspect(k, env.Variables[k]))
		}
		if env.Error != nil {
			reason := audit.GapError
			if strings.Contains(deref(env.Error.ErrorCode), "AccessDenied") {
				reason = audit.GapAccessDenied
			}
			gap = &audit.Gap{Provider: audit.AWS, Account: account, Region: region, Resource: arn,
				API: apiListFunctions, Data: audit.DataEnvironment, Reason: reason,
				Message: strings.Trim(deref(env.Error.ErrorCode)+": "+deref(env.Error.Message), ": ")}
		}
	}
	return fn, gap
}

// qualifiedRef is the ARN of a function's qualifier ("" = the function itself).
func qualifiedRef(fnARN, qualifier string) string {
	if qualifier == "" {
		return fnARN
	}
	return fnARN + ":" + qualifier
}

// policyFacts is what a resource policy tells the collector: the document as
// evidence, the access entries and triggers it implies, and whether any statement
// can allow lambda:InvokeFunctionUrl.
type policyFacts struct {
	Policy    audit.ResourcePolicy
	Access    []audit.Access
	Triggers  []audit.Trigger
	URLInvoke bool
}

// mapPolicy reads a Lambda resource policy document. A document that is not a
// valid policy is left out (an inventory carries only documents the policy
// engine can judge) and returned as an error, which the caller records as an
// invalid-data gap so the invocation rules report unknown for the function.
func mapPolicy(fnARN, qualifier, doc string) (policyFacts, error) {
	ref := qualifiedRef(fnARN, qualifier)
	src := audit.Source{API: apiGetPolicy, Ref: ref}
	parsed, err := policy.Parse([]byte(doc))
	if err != nil {
		// Unreadable: it cannot be shown that a URL does not matter.
		return policyFacts{URLInvoke: true}, fmt.Errorf("policy of %s: %w", ref, err)
	}
	facts := policyFacts{Policy: audit.ResourcePolicy{Qualifier: qualifier, Document: json.RawMessage(doc), Source: src}}
	for i := range parsed.Statements {
		st := &parsed.Statements[i]
		if st.Effect == policy.EffectAllow && st.MatchesAction("lambda:InvokeFunctionUrl") {
			facts.URLInvoke = true
		}
		facts.Access = append(facts.Access, statementAccess(st, src)...)
		if st.Effect == policy.EffectAllow {
			facts.Triggers = append(facts.Triggers, statementTriggers(st, src)...)
		}
	}
	return facts, nil
}

// rawCondition returns a statement's Condition block as JSON, or "".
func rawCondition(st *policy.Statement) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(st.Raw, &fields) != nil {
		return ""
	}
	for k, v := range fields {
		if strings.EqualFold(k, "Condition") {
			return string(v)
		}
	}
	return ""
}

func conditionValue(st *policy.Statement, keys ...string) string {
	for _, c := range st.Conditions {
		for _, k := range keys {
			if c.KeyIs(k) && len(c.Values) > 0 {
				return c.Values[0]
			}
		}
	}
	return ""
}

// statementAccess lists a statement's principals as access entries, for display;
// the verdict comes from the whole document.
func statementAccess(st *policy.Statement, src audit.Source) []audit.Access {
	p := st.Principal
	if p == nil {
		return nil
	}
	actions := st.Action
	if len(actions) == 0 {
		for _, a := range st.NotAction {
			actions = append(actions, "NotAction:"+a)
		}
	}
	base := audit.Access{
		Effect:    audit.Effect(st.Effect),
		Actions:   actions,
		Condition: rawCondition(st),
		Source:    src,
	}
	urlAuth := conditionValue(st, "lambda:FunctionUrlAuthType")
	var out []audit.Access
	add := func(kind audit.PrincipalKind, id string, auth audit.AuthKind) {
		a := base
		a.Principal = audit.Principal{Kind: kind, ID: id}
		a.Auth = auth
		out = append(out, a)
	}
	awsAuth := audit.AuthIAM
	if strings.EqualFold(urlAuth, "NONE") {
		awsAuth = audit.AuthNone
	}
	if p.Wildcard {
		add(anyoneKind(st), anyoneID(st), awsAuth)
	}
	for _, id := range p.AWS {
		if id == "*" {
			add(anyoneKind(st), anyoneID(st), awsAuth)
			continue
		}
		add(awsPrincipalKind(id), id, awsAuth)
	}
	for _, id := range p.Service {
		add(audit.PrincipalService, id, audit.AuthService)
	}
	for _, id := range p.Federated {
		add(audit.PrincipalSpecific, id, audit.AuthJWT)
	}
	for _, id := range p.CanonicalUser {
		add(audit.PrincipalSpecific, id, audit.AuthIAM)
	}
	return out
}

// anyoneKind classifies "*": narrowed to an organization by aws:PrincipalOrgID,
// otherwise public.
func anyoneKind(st *policy.Statement) audit.PrincipalKind {
	if conditionValue(st, "aws:PrincipalOrgID") != "" {
		return audit.PrincipalOrganization
	}
	return audit.PrincipalPublic
}

func anyoneID(st *policy.Statement) string {
	if org := conditionValue(st, "aws:PrincipalOrgID"); org != "" {
		return org
	}
	return "*"
}

// awsPrincipalKind classifies an AWS principal: an account id or account root
// ARN is a whole account; any other ARN is one principal.
func awsPrincipalKind(id string) audit.PrincipalKind {
	if isAccountID(id) || (strings.HasPrefix(id, "arn:") && strings.HasSuffix(id, ":root")) {
		return audit.PrincipalAccount
	}
	return audit.PrincipalSpecific
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// statementTriggers turns an Allow statement's service principals into
// triggers, with the source ARN its condition pins, when it pins one.
func statementTriggers(st *policy.Statement, src audit.Source) []audit.Trigger {
	if st.Principal == nil {
		return nil
	}
	source := conditionValue(st, "aws:SourceArn")
	var out []audit.Trigger
	for _, svc := range st.Principal.Service {
		out = append(out, audit.Trigger{
			Kind:     serviceTriggerKind(svc, source),
			Service:  svc,
			SourceID: source,
			Auth:     audit.AuthService,
			Name:     st.Sid,
			Source:   src,
		})
	}
	return out
}

// serviceTriggerKind classifies an invoking service principal.
func serviceTriggerKind(service, sourceARN string) audit.TriggerKind {
	name := strings.TrimSuffix(strings.TrimSuffix(service, ".amazonaws.com"), ".amazonaws.com.cn")
	switch name {
	case "apigateway":
		return audit.TriggerAPIGateway
	case "s3":
		return audit.TriggerStorage
	case "sns":
		return audit.TriggerPubSub
	case "sqs", "mq":
		return audit.TriggerQueue
	case "scheduler":
		return audit.TriggerSchedule
	case "events":
		return audit.TriggerEvent
	case "kinesis", "dynamodb", "logs", "kafka", "firehose":
		return audit.TriggerStream
	case "iot", "config", "ses", "codecommit", "cognito-idp", "cognito-sync", "cloudformation",
		"secretsmanager", "lex", "connect", "alexa-appkit", "alexa-connectedhome", "elasticloadbalancing",
		"bedrock", "cloudwatch", "lambda":
		return audit.TriggerService
	}
	if strings.HasPrefix(service, "lambda.alexa") {
		return audit.TriggerService
	}
	if name == service { // not an AWS service principal
		return audit.TriggerOther
	}
	return audit.TriggerService
}

// esmTrigger turns an event source mapping into a trigger.
func esmTrigger(m *lambdatypes.EventSourceMappingConfiguration) audit.Trigger {
	src := deref(m.EventSourceArn)
	kind, svc := audit.TriggerStream, ""
	if parts := strings.SplitN(src, ":", 6); len(parts) == 6 && parts[0] == "arn" {
		svc = parts[2] + ".amazonaws.com"
		switch parts[2] {
		case "sqs", "mq":
			kind = audit.TriggerQueue
		case "kinesis", "dynamodb", "kafka", "rds", "docdb":
			kind = audit.TriggerStream
		default:
			kind = audit.TriggerOther
		}
	} else if m.SelfManagedEventSource != nil {
		svc = "kafka"
		for _, eps := range m.SelfManagedEventSource.Endpoints {
			if len(eps) > 0 {
				src = strings.Join(eps, ",")
				break
			}
		}
	}
	ref := deref(m.EventSourceMappingArn)
	if ref == "" {
		ref = deref(m.UUID)
	}
	return audit.Trigger{
		Kind:     kind,
		Service:  svc,
		SourceID: src,
		Auth:     audit.AuthService,
		Name:     deref(m.UUID),
		Source:   audit.Source{API: apiListESMs, Ref: ref},
	}
}

// unqualifiedARN strips an alias or version from a function ARN.
func unqualifiedARN(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) > 7 {
		return strings.Join(parts[:7], ":")
	}
	return arn
}

// qualifierOf returns the alias or version of a qualified function ARN.
func qualifierOf(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) > 7 {
		return parts[7]
	}
	return ""
}

// mapURL turns a function URL configuration into the model's URL and trigger.
func mapURL(u *lambdatypes.FunctionUrlConfig) (audit.FunctionURL, audit.Trigger) {
	arn := deref(u.FunctionArn)
	src := audit.Source{API: apiListURLs, Ref: arn}
	fu := audit.FunctionURL{
		Qualifier:  qualifierOf(arn),
		URL:        deref(u.FunctionUrl),
		AuthType:   string(u.AuthType),
		InvokeMode: string(u.InvokeMode),
		Source:     src,
	}
	if u.Cors != nil {
		fu.CORSAllowOrigins = append([]string(nil), u.Cors.AllowOrigins...)
	}
	auth := audit.AuthIAM
	if u.AuthType == lambdatypes.FunctionUrlAuthTypeNone {
		auth = audit.AuthNone
	}
	return fu, audit.Trigger{Kind: audit.TriggerHTTPURL, Service: "lambda-url", SourceID: fu.URL, Auth: auth,
		Name: fu.Qualifier, Source: src}
}

// iamDetails is what one account's GetAccountAuthorizationDetails pages said.
type iamDetails struct {
	Roles    []iamtypes.RoleDetail
	Policies []iamtypes.ManagedPolicyDetail
	Users    []iamtypes.UserDetail
	Groups   []iamtypes.GroupDetail
}

// decodeDocument decodes an IAM policy document to JSON and checks that the
// policy engine can read it. IAM URL-encodes documents (RFC 3986: a space is
// %20, a plus %2B), so a literal '+' in the encoded text is a plus; some
// emulators encode a space as '+' instead, and some return the JSON as it is.
// A document that already is JSON (an encoded one starts with %7B) is taken
// as it is, so its '+' and '%' stay what they are.
func decodeDocument(s string) (json.RawMessage, error) {
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") {
		if _, err := policy.Parse([]byte(t)); err != nil {
			return nil, err
		}
		return json.RawMessage(t), nil
	}
	dec, err := url.PathUnescape(s)
	if err != nil {
		return nil, fmt.Errorf("decode policy document: %w", err)
	}
	if _, perr := policy.Parse([]byte(dec)); perr != nil {
		// Form encoding ('+' for a space) is the only other reading.
		if alt, aerr := url.QueryUnescape(s); aerr == nil && alt != dec {
			if _, err := policy.Parse([]byte(alt)); err == nil {
				return json.RawMessage(alt), nil
			}
		}
		return nil, perr
	}
	return json.RawMessage(dec), nil
}

// mapRoles turns the roles of an account into identities keyed by ARN, with
// their inline policies, attached managed policies (the default version's
// document) and permissions boundary. Problems (a document that does not
// decode, a managed policy the listing did not include) come back as gaps on
// the role.
func mapRoles(account string, d iamDetails) (map[string]audit.Identity, []audit.Gap) {
	managed := map[string]json.RawMessage{}
	var gaps []audit.Gap
	badManaged := map[string]string{}
	for _, p := range d.Policies {
		arn := deref(p.Arn)
		def := deref(p.DefaultVersionId)
		found := false
		for _, v := range p.PolicyVersionList {
			only := def == "" && len(p.PolicyVersionList) == 1
			if !v.IsDefaultVersion && !only && (def == "" || deref(v.VersionId) != def) {
				continue
			}
			found = true
			doc, err := decodeDocument(deref(v.Document))
			if err != nil {
				badManaged[arn] = err.Error()
				continue
			}
			managed[arn] = doc
		}
		if !found && def != "" {
			badManaged[arn] = "its default version " + def + " is not in its version list"
		}
	}
	out := map[string]audit.Identity{}
	for _, r := range d.Roles {
		arn := deref(r.Arn)
		src := audit.Source{API: apiAuthDetails, Ref: arn}
		id := audit.Identity{Provider: audit.AWS, Account: account, ID: arn, Name: deref(r.RoleName),
			Kind: "aws-role", Source: src}
		roleGap := func(reason audit.GapReason, msg string) {
			gaps = append(gaps, audit.Gap{Provider: audit.AWS, Account: account, Resource: arn, API: apiAuthDetails,
				Data: audit.DataIdentity, Reason: reason, Message: msg})
		}
		for _, p := range r.RolePolicyList {
			doc, err := decodeDocument(deref(p.PolicyDocument))
			if err != nil {
				roleGap(audit.GapInvalidData, fmt.Sprintf("inline policy %s: %v", deref(p.PolicyName), err))
				continue
			}
			id.Policies = append(id.Policies, audit.Policy{Kind: audit.PolicyInline, Name: deref(p.PolicyName),
				Document: doc, Source: src})
		}
		for _, ap := range r.AttachedManagedPolicies {
			parn := deref(ap.PolicyArn)
			pol := audit.Policy{Kind: managedKind(parn), Name: deref(ap.PolicyName), ID: parn,
				Document: managed[parn], Source: audit.Source{API: apiAuthDetails, Ref: parn}}
			if pol.Document == nil {
				roleGap(missingReason(badManaged, parn), missingMessage(badManaged, parn))
			}
			id.Policies = append(id.Policies, pol)
		}
		if b := r.PermissionsBoundary; b != nil && deref(b.PermissionsBoundaryArn) != "" {
			barn := deref(b.PermissionsBoundaryArn)
			id.Boundary = &audit.Policy{Kind: audit.PolicyBoundary, Name: barn[strings.LastIndex(barn, "/")+1:],
				ID: barn, Document: managed[barn], Source: audit.Source{API: apiAuthDetails, Ref: barn}}
			if id.Boundary.Document == nil {
				roleGap(missingReason(badManaged, barn), missingMessage(badManaged, barn))
			}
		}
		out[arn] = id
	}
	return out, gaps
}

func missingReason(bad map[string]string, arn string) audit.GapReason {
	if _, ok := bad[arn]; ok {
		return audit.GapInvalidData
	}
	return audit.GapNotFound
}

func missingMessage(bad map[string]string, arn string) string {
	if msg, ok := bad[arn]; ok {
		return "managed policy " + arn + ": " + msg
	}
	return "managed policy " + arn + " was not in the authorization details"
}

func managedKind(arn string) audit.PolicyKind {
	if strings.Contains(arn, ":iam::aws:policy/") {
		return audit.PolicyAWSManaged
	}
	return audit.PolicyManaged
}
