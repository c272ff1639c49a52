package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/policy"
)

// The front door verdict joins each door that reaches a function with the
// function's own resource policy (does it let the door's service invoke this
// function or alias?), the door's authentication, its network restrictions
// and, for API Gateway REST APIs, the API's resource policy for
// execute-api:Invoke. The two front door rules read it; it lives here so both
// judge a door the same way.

// awsDoorJudgement is the verdict on one door reaching the function under check.
type awsDoorJudgement struct {
	door   *audit.FrontDoor
	target audit.DoorTarget
	// admitted is false when the function's resource policy (of the target's
	// qualifier) does not let the door's service invoke it: the door's calls
	// fail, so it does not reach the function. admitEvidence quotes what
	// admits it.
	admitted      bool
	admitEvidence []audit.Evidence
	// anonymous is the API policy's answer for callers without credentials;
	// anyAccount whether it lets every AWS principal in (for IAM doors).
	anonymous  awsPolicyAnswer
	anyAccount awsPolicyAnswer
	// narrowedTo lists the networks the door is limited to by its security
	// groups, restrictions or policy; nil when it is not limited.
	narrowedTo []string
	narrowEv   []audit.Evidence
	closed     bool // a restriction admits no network at all
}

// awsPolicyAnswer is what a door's resource policy says about one kind of caller.
type awsPolicyAnswer struct {
	// state: "none" (the door has no policy), "open", "narrowed" or "closed".
	state      string
	narrowedTo []string
	evidence   []audit.Evidence
	err        error
}

// awsDoorJudgements judges every AWS door that reaches the function under check.
func awsDoorJudgements(pass *audit.Pass) []awsDoorJudgement {
	fn := pass.Function
	var out []awsDoorJudgement
	for _, d := range awsDoorsOf(pass) {
		for _, t := range d.Targets {
			if t.Resolution != "" || t.Function != fn.ID {
				continue
			}
			j := awsDoorJudgement{door: d, target: t}
			j.admitted, j.admitEvidence = awsDoorAdmitted(fn, d, t)
			doc, err := awsParseDoorPolicy(d)
			j.anonymous = awsDoorPolicy(d, doc, err, false)
			j.anyAccount = awsDoorPolicy(d, doc, err, true)
			j.narrowedTo, j.narrowEv, j.closed = awsDoorNetworks(d)
			out = append(out, j)
		}
	}
	return out
}

// awsDoorsOf returns the AWS doors whose targets name the function under
// check, from an index built once per rule and analysis (the analyzer's memo),
// so an estate of thousands of doors and functions is not scanned per function.
func awsDoorsOf(pass *audit.Pass) []*audit.FrontDoor {
	idx := pass.Memo("\x00front-door-index", func() any {
		m := map[string][]*audit.FrontDoor{}
		inv := pass.Inventory
		for i := range inv.FrontDoors {
			d := &inv.FrontDoors[i]
			if d.Provider != audit.AWS {
				continue
			}
			seen := map[string]bool{}
			for _, t := range d.Targets {
				if t.Resolution == "" && !seen[t.Function] {
					seen[t.Function] = true
					m[t.Function] = append(m[t.Function], d)
				}
			}
		}
		return m
	}).(map[string][]*audit.FrontDoor)
	return idx[pass.Function.ID]
}

// awsDoorService returns the service principal a door invokes the function as
// and the Lambda action it needs.
func awsDoorService(d *audit.FrontDoor) (service, action string) {
	switch d.Kind {
	case audit.DoorLoadBalancerRule:
		return "elasticloadbalancing.amazonaws.com", policy.ActionInvokeFunction
	case audit.DoorCDNOrigin:
		return "cloudfront.amazonaws.com", policy.ActionInvokeFunctionURL
	case audit.DoorGraphQLAPI:
		return "appsync.amazonaws.com", policy.ActionInvokeFunction
	}
	return "apigateway.amazonaws.com", policy.ActionInvokeFunction
}

// awsDoorAdmitted reports whether the function's resource policy of the
// target's qualifier lets the door's service invoke it, with the statement
// that does. A door that invokes with its own role (integration credentials)
// is admitted by that role. Only Allow statements are read: a Deny that
// removes a door's grant is rare and would only hide a finding.
func awsDoorAdmitted(fn *audit.Function, d *audit.FrontDoor, t audit.DoorTarget) (bool, []audit.Evidence) {
	if t.Role != "" {
		return true, []audit.Evidence{{Source: t.Source, Path: "credentials", Fragment: t.Role}}
	}
	if fn.AWS == nil {
		return false, nil
	}
	service, action := awsDoorService(d)
	sourceARN := ""
	if d.AWS != nil {
		sourceARN = d.AWS.SourceARN
	}
	arn := unqualifiedARN(fn.ID)
	if t.Qualifier != "" {
		arn += ":" + t.Qualifier
	}
	for i := range fn.AWS.Policies {
		rp := &fn.AWS.Policies[i]
		if rp.Qualifier != t.Qualifier {
			continue
		}
		doc, err := policy.Parse(rp.Document)
		if err != nil {
			continue
		}
		for k := range doc.Statements {
			st := &doc.Statements[k]
			if st.Effect != policy.EffectAllow || !st.MatchesAction(action) {
				continue
			}
			if !st.Principal.Anyone() && !awsHasService(st.Principal, service) {
				continue
			}
			if len(st.Resource) > 0 && !st.MatchesResource(arn) && !st.MatchesResource(unqualifiedARN(fn.ID)) {
				continue
			}
			if !awsSourceHolds(st, sourceARN, d.Account) {
				continue
			}
			return true, []audit.Evidence{awsStatementQuote(rp.Source, st)}
		}
	}
	return false, nil
}

func awsHasService(p *policy.Principals, service string) bool {
	if p == nil {
		return false
	}
	for _, s := range p.Service {
		if strings.EqualFold(s, service) {
			return true
		}
	}
	return false
}

// awsSourceHolds reports whether a statement's aws:SourceArn and
// aws:SourceAccount conditions admit the door. Other conditions are taken to
// hold: the door's requests may satisfy them, and assuming so can only report
// a door, never hide one. A door whose source ARN is unknown satisfies every
// source condition for the same reason.
func awsSourceHolds(st *policy.Statement, sourceARN, account string) bool {
	for i := range st.Conditions {
		c := &st.Conditions[i]
		var actual string
		switch {
		case c.KeyIs("aws:SourceArn"):
			actual = sourceARN
		case c.KeyIs("aws:SourceAccount"):
			actual = account
		default:
			continue
		}
		if actual == "" {
			continue
		}
		matched := false
		for _, v := range c.Values {
			if policy.MatchPattern(v, actual) {
				matched = true
			}
		}
		if matched == c.Op.Negated() {
			return false
		}
	}
	return true
}

// awsStatementQuote quotes one policy statement as evidence.
func awsStatementQuote(src audit.Source, st *policy.Statement) audit.Evidence {
	path := "Statement[" + strconv.Itoa(st.Index) + "]"
	if st.Sid != "" {
		path = "Statement[Sid=" + st.Sid + "]"
	}
	frag := string(st.Raw)
	var b bytes.Buffer
	if json.Compact(&b, st.Raw) == nil {
		frag = b.String()
	}
	return audit.Evidence{Source: src, Path: path, Fragment: frag}
}

// awsExecuteAPIResource expands API Gateway's shorthand "execute-api:/stage/GET/path"
// resource to the ARN it stands for in the door's API.
func awsExecuteAPIResource(pattern, sourceARN string) string {
	rest, ok := strings.CutPrefix(pattern, "execute-api:/")
	if !ok {
		return pattern
	}
	api, _, found := strings.Cut(sourceARN, "/")
	if !found {
		return pattern
	}
	return api + "/" + rest
}

func awsStatementCoversDoor(st *policy.Statement, sourceARN string) bool {
	if !st.MatchesAction("execute-api:Invoke") {
		return false
	}
	if sourceARN == "" || (st.Resource == nil && st.NotResource == nil) {
		return true
	}
	if st.NotResource != nil {
		for _, p := range st.NotResource {
			if policy.MatchPattern(awsExecuteAPIResource(p, sourceARN), sourceARN) {
				return false
			}
		}
		return true
	}
	for _, p := range st.Resource {
		if policy.MatchPattern(awsExecuteAPIResource(p, sourceARN), sourceARN) {
			return true
		}
	}
	return false
}

// awsDoorPolicy judges a door's resource policy (execute-api:Invoke on the
// door's method) for callers without credentials (signed=false) or for any
// AWS principal signing with its own account (signed=true). An Allow to
// "*" opens the door unless a condition limits it to named networks
// (aws:SourceIp ranges narrower than /8, aws:SourceVpce, aws:SourceVpc:
// "narrowed") or names the principal (aws:PrincipalOrgID, aws:PrincipalAccount,
// aws:PrincipalArn: "closed" to those callers). A Deny to "*" without
// conditions closes it; with NotIpAddress aws:SourceIp, or StringNotEquals
// aws:SourceVpce / aws:SourceVpc, it narrows it to those networks.
func awsDoorPolicy(d *audit.FrontDoor, doc *policy.Document, err error, signed bool) awsPolicyAnswer {
	if len(d.Policy) == 0 {
		return awsPolicyAnswer{state: "none"}
	}
	if err != nil {
		return awsPolicyAnswer{state: "closed", err: err}
	}
	sourceARN := ""
	if d.AWS != nil {
		sourceARN = d.AWS.SourceARN
	}
	ans := awsPolicyAnswer{state: "closed"}
	var narrowed []string
	var denyNarrow []string
	for k := range doc.Statements {
		st := &doc.Statements[k]
		if !st.Principal.Anyone() || !awsStatementCoversDoor(st, sourceARN) {
			continue
		}
		nets, principalPinned, otherCond := awsClassifyConditions(st, st.Effect == policy.EffectDeny)
		switch st.Effect {
		case policy.EffectAllow:
			if principalPinned && !signed {
				continue // anonymous callers carry no principal keys
			}
			if principalPinned {
				continue // a named principal: not "any account"
			}
			ans.evidence = append(ans.evidence, awsStatementQuote(d.PolicySource, st))
			if len(nets) > 0 {
				narrowed = append(narrowed, nets...)
				if ans.state == "closed" {
					ans.state = "narrowed"
				}
				continue
			}
			ans.state = "open"
		case policy.EffectDeny:
			switch {
			case len(st.Conditions) == 0:
				return awsPolicyAnswer{state: "closed", evidence: []audit.Evidence{awsStatementQuote(d.PolicySource, st)}}
			case len(nets) > 0 && !otherCond:
				denyNarrow = append(denyNarrow, nets...)
				ans.evidence = append(ans.evidence, awsStatementQuote(d.PolicySource, st))
			}
		}
	}
	if ans.state == "closed" {
		return awsPolicyAnswer{state: "closed", evidence: ans.evidence}
	}
	if len(denyNarrow) > 0 {
		ans.state = "narrowed"
		narrowed = denyNarrow
	}
	if ans.state == "narrowed" {
		ans.narrowedTo = dedupe(narrowed)
	}
	return ans
}

// awsParseDoorPolicy parses the door's resource policy, if it has one.
func awsParseDoorPolicy(d *audit.FrontDoor) (*policy.Document, error) {
	if len(d.Policy) == 0 {
		return nil, nil
	}
	return policy.Parse(d.Policy)
}

// awsClassifyConditions sorts a statement's conditions. For an Allow it
// returns the named networks a positive condition limits callers to; for a
// Deny (deny=true) the networks a negated condition exempts, i.e. the only
// ones left. principalPinned is true when an Allow names its principals by
// account, organization or ARN; other is true when a Deny has a condition
// that is not about networks (the Deny is then not trusted to narrow).
func awsClassifyConditions(st *policy.Statement, deny bool) (nets []string, principalPinned, other bool) {
	for i := range st.Conditions {
		c := &st.Conditions[i]
		network := c.KeyIs("aws:SourceIp") || c.KeyIs("aws:VpcSourceIp") || c.KeyIs("aws:SourceVpce") || c.KeyIs("aws:SourceVpc")
		switch {
		case network && c.Op.Negated() == deny && !c.IfExists:
			for _, v := range c.Values {
				if c.Op.Family() == policy.FamilyIP && !awsNarrowCIDR(v) {
					return nil, principalPinned, other
				}
				if c.Op.Family() != policy.FamilyIP && !policy.ConcreteValue(c.Key, v) {
					return nil, principalPinned, other
				}
			}
			nets = append(nets, c.Values...)
		case !deny && !c.Op.Negated() && (c.KeyIs("aws:PrincipalOrgID") || c.KeyIs("aws:PrincipalAccount") || c.KeyIs("aws:PrincipalArn")):
			principalPinned = true
		default:
			other = true
		}
	}
	return nets, principalPinned, other
}

// awsNarrowCIDR reports whether a CIDR (or address) names a network rather
// than most of the internet: at least /8 for IPv4, /16 for IPv6.
func awsNarrowCIDR(v string) bool {
	if a, err := netip.ParseAddr(v); err == nil {
		return a.IsValid()
	}
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return false
	}
	if p.Addr().Is4() {
		return p.Bits() >= 8
	}
	return p.Bits() >= 16
}

// awsDoorNetworks reads the door's network restrictions: the networks it is
// limited to (security groups' ingress on the listener port, IP allow-lists,
// VPC endpoints and VPCs), or nil when any restriction lets the internet in
// or there is none. Security groups are unioned, as AWS does; closed is true
// when a security group admits nothing on the port.
func awsDoorNetworks(d *audit.FrontDoor) (nets []string, ev []audit.Evidence, closed bool) {
	limited, open := false, false
	for _, r := range d.Restrictions {
		switch r.Kind {
		case audit.RestrictSecurityGroup, audit.RestrictIPAllow:
			limited = true
			for _, v := range r.Values {
				if !awsNarrowCIDR(v) {
					open = true
				}
			}
		case audit.RestrictVPCEndpoint, audit.RestrictVPC:
			limited = true
		default:
			continue
		}
		nets = append(nets, r.Values...)
		frag := r.ID
		if len(r.Values) > 0 {
			frag = strings.TrimSpace(r.ID + " " + strings.Join(r.Values, ", "))
		}
		if r.Port != 0 {
			frag += " on port " + strconv.Itoa(r.Port)
		}
		ev = append(ev, audit.Evidence{Source: r.Source, Path: string(r.Kind), Fragment: frag})
	}
	if !limited || open {
		return nil, nil, false
	}
	nets = dedupe(nets)
	return nets, ev, len(nets) == 0
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// awsDoorAuth summarizes a door's authentication: the steps that
// authenticate, whether an API key is required, and whether it was read.
func awsDoorAuth(d *audit.FrontDoor) (auth []audit.DoorAuth, apiKey, unknown bool) {
	if len(d.Auth) == 0 {
		return nil, false, true
	}
	for _, a := range d.Auth {
		switch {
		case a.Type.Authenticates():
			auth = append(auth, a)
		case a.Type == audit.DoorAuthAPIKey:
			apiKey = true
		case a.Type == audit.DoorAuthUnknown:
			unknown = true
		}
	}
	return auth, apiKey, unknown && len(auth) == 0
}

// awsDoorLabel names the door and what it reaches: "GET https://... reaches
// orders-api (alias live)".
func awsDoorLabel(j *awsDoorJudgement, fn *audit.Function) string {
	s := j.door.Address() + " reaches " + fn.Name
	if j.target.Qualifier != "" {
		s += " (alias/version " + j.target.Qualifier + ")"
	}
	return s
}

// awsDoorWhat describes the door's kind and parent: "REST API orders, stage prod".
func awsDoorWhat(d *audit.FrontDoor) string {
	kind := map[audit.FrontDoorKind]string{
		audit.DoorRESTMethod: "REST API", audit.DoorHTTPRoute: "HTTP API", audit.DoorWebSocketRoute: "WebSocket API",
		audit.DoorLoadBalancerRule: "load balancer", audit.DoorCDNOrigin: "distribution", audit.DoorGraphQLAPI: "GraphQL API",
	}[d.Kind]
	if kind == "" {
		kind = string(d.Kind)
	}
	name := d.ParentName
	if name == "" {
		name = d.Parent
	}
	s := strings.TrimSpace(kind + " " + name)
	if d.Stage != "" {
		s += ", stage " + d.Stage
	}
	if d.Name != "" {
		s += ", " + d.Name
	}
	return s
}

// awsDoorEvidence quotes the door: the call that returned it, its deployed
// state, every address, its authentication and what admits it to the function.
func awsDoorEvidence(j *awsDoorJudgement) []audit.Evidence {
	d := j.door
	ev := []audit.Evidence{{Source: d.Source, Path: string(d.Kind), Fragment: d.ID}}
	if d.StateSource != (audit.Source{}) {
		ev = append(ev, audit.Evidence{Source: d.StateSource, Path: "state", Fragment: string(d.State)})
	}
	for _, a := range d.Addresses {
		if a.Disabled || a.Source == (audit.Source{}) {
			continue
		}
		ev = append(ev, audit.Evidence{Source: a.Source, Path: "address", Fragment: a.String()})
	}
	for _, a := range d.Auth {
		frag := string(a.Type)
		if a.AuthorizerName != "" || a.AuthorizerID != "" {
			frag += " " + strings.TrimSpace(a.AuthorizerName+" "+a.AuthorizerID)
		}
		if a.Route != "" {
			frag += " (on " + a.Route + ")"
		}
		if a.Detail != "" {
			frag += ": " + a.Detail
		}
		src := a.Source
		if src == (audit.Source{}) {
			src = d.Source
		}
		ev = append(ev, audit.Evidence{Source: src, Path: "auth", Fragment: frag})
	}
	if j.target.Source != (audit.Source{}) {
		frag := j.target.Integration
		if j.target.URI != "" {
			frag = strings.TrimSpace(frag + " " + j.target.URI)
		}
		ev = append(ev, audit.Evidence{Source: j.target.Source, Path: "integration", Fragment: frag})
	}
	return append(ev, j.admitEvidence...)
}

// awsDoorUnknown reports a door the rule cannot judge.
func awsDoorUnknown(pass *audit.Pass, j *awsDoorJudgement, why string) {
	pass.Report(audit.Result{
		Key:       j.door.ID,
		Status:    audit.StatusUnknown,
		Title:     "front door could not be judged",
		Detail:    fmt.Sprintf("%s (%s): %s.", awsDoorLabel(j, pass.Function), awsDoorWhat(j.door), why),
		Evidence:  awsDoorEvidence(j),
		FrontDoor: j.door.Ref(),
	})
}
