package awsfrontdoor

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/fnaudit/fnaudit/audit"
)

// collectALB reads the region's Application Load Balancers whose rules
// forward to lambda target groups.
func collectALB(ctx context.Context, c *collector, elb elbAPI, ec ec2API, workers int) {
	tgs, err := pages(ctx, func(ctx context.Context, m *string) ([]elbtypes.TargetGroup, *string, error) {
		o, err := elb.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Marker: m})
		if err != nil {
			return nil, nil, err
		}
		return o.TargetGroups, o.NextMarker, nil
	})
	if err != nil {
		c.gap("", "elasticloadbalancing:DescribeTargetGroups", doorsWhat, err)
		return
	}
	tgs = unique(tgs, func(g elbtypes.TargetGroup) string { return aws.ToString(g.TargetGroupArn) })
	// Lambda target groups and their registered functions.
	fns := map[string][]string{}
	var lambdaTGs []elbtypes.TargetGroup
	for _, g := range tgs {
		if g.TargetType == elbtypes.TargetTypeEnumLambda && len(g.LoadBalancerArns) > 0 {
			lambdaTGs = append(lambdaTGs, g)
		}
	}
	if len(lambdaTGs) == 0 {
		return
	}
	for _, g := range lambdaTGs {
		o, err := elb.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: g.TargetGroupArn})
		if err != nil {
			c.gap(aws.ToString(g.TargetGroupArn), "elasticloadbalancing:DescribeTargetHealth", "front doors of target group "+aws.ToString(g.TargetGroupName), err)
			continue
		}
		for _, h := range o.TargetHealthDescriptions {
			if h.Target != nil {
				fns[aws.ToString(g.TargetGroupArn)] = append(fns[aws.ToString(g.TargetGroupArn)], aws.ToString(h.Target.Id))
			}
		}
	}
	lbs, err := pages(ctx, func(ctx context.Context, m *string) ([]elbtypes.LoadBalancer, *string, error) {
		o, err := elb.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Marker: m})
		if err != nil {
			return nil, nil, err
		}
		return o.LoadBalancers, o.NextMarker, nil
	})
	if err != nil {
		c.gap("", "elasticloadbalancing:DescribeLoadBalancers", doorsWhat, err)
		return
	}
	lbs = unique(lbs, func(lb elbtypes.LoadBalancer) string { return aws.ToString(lb.LoadBalancerArn) })
	wanted := map[string]bool{}
	for _, g := range lambdaTGs {
		for _, lb := range g.LoadBalancerArns {
			wanted[lb] = true
		}
	}
	var albs []elbtypes.LoadBalancer
	var sgIDs []string
	for _, lb := range lbs {
		if wanted[aws.ToString(lb.LoadBalancerArn)] {
			albs = append(albs, lb)
			sgIDs = append(sgIDs, lb.SecurityGroups...)
		}
	}
	sgs, sgErr := readSecurityGroups(ctx, ec, sgIDs)
	if sgErr != nil {
		c.gap("", "ec2:DescribeSecurityGroups", "security groups of the load balancers", sgErr)
	}
	forEach(albs, workers, func(lb elbtypes.LoadBalancer) { readALB(ctx, c, elb, lb, fns, sgs, sgErr == nil) })
}

// readSecurityGroups reads groups by id through the group-id filter, which
// (unlike GroupIds) pages and does not fail the call for a deleted group.
func readSecurityGroups(ctx context.Context, ec ec2API, ids []string) (map[string]ec2types.SecurityGroup, error) {
	out := map[string]ec2types.SecurityGroup{}
	sort.Strings(ids)
	ids = uniq(ids)
	for len(ids) > 0 {
		n := min(len(ids), 200)
		batch := ids[:n]
		ids = ids[n:]
		groups, err := pages(ctx, func(ctx context.Context, tok *string) ([]ec2types.SecurityGroup, *string, error) {
			o, err := ec.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{
				Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: batch}}, MaxResults: aws.Int32(1000), NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return o.SecurityGroups, o.NextToken, nil
		})
		if err != nil {
			return out, err
		}
		for _, g := range groups {
			out[aws.ToString(g.GroupId)] = g
		}
	}
	return out, nil
}

func uniq(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func readALB(ctx context.Context, c *collector, elb elbAPI, lb elbtypes.LoadBalancer, fns map[string][]string, sgs map[string]ec2types.SecurityGroup, sgsRead bool) {
	lbARN := aws.ToString(lb.LoadBalancerArn)
	what := "front doors of load balancer " + aws.ToString(lb.LoadBalancerName)
	listeners, err := pages(ctx, func(ctx context.Context, m *string) ([]elbtypes.Listener, *string, error) {
		o, err := elb.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn, Marker: m})
		if err != nil {
			return nil, nil, err
		}
		return o.Listeners, o.NextMarker, nil
	})
	if err != nil {
		c.gap(lbARN, "elasticloadbalancing:DescribeListeners", what, err)
		return
	}
	scope := audit.ScopeInternet
	if lb.Scheme == elbtypes.LoadBalancerSchemeEnumInternal {
		scope = audit.ScopeInternal
	}
	for _, l := range listeners {
		rules, err := pages(ctx, func(ctx context.Context, m *string) ([]elbtypes.Rule, *string, error) {
			o, err := elb.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: l.ListenerArn, Marker: m})
			if err != nil {
				return nil, nil, err
			}
			return o.Rules, o.NextMarker, nil
		})
		if err != nil {
			c.gap(aws.ToString(l.ListenerArn), "elasticloadbalancing:DescribeRules", what, err)
			continue
		}
		// Rules are evaluated in priority order, the default rule last.
		sort.SliceStable(rules, func(i, j int) bool { return rulePriority(rules[i]) < rulePriority(rules[j]) })
		port := int(aws.ToInt32(l.Port))
		var restrictions []audit.NetworkRestriction
		if sgsRead {
			restrictions = sgRestrictions(lb.SecurityGroups, sgs, port)
		}
		for _, r := range rules {
			d, ok := ruleDoor(c, lb, l, r, fns, scope)
			if !ok {
				continue
			}
			d.Restrictions = append(d.Restrictions, restrictions...)
			c.door(d)
		}
	}
}

func rulePriority(r elbtypes.Rule) int {
	if aws.ToBool(r.IsDefault) {
		return 1 << 30
	}
	n, err := strconv.Atoi(aws.ToString(r.Priority))
	if err != nil {
		return 1<<30 - 1
	}
	return n
}

// ruleDoor describes a rule whose actions forward to lambda target groups:
// the authenticate actions ordered before the forward are its authentication.
func ruleDoor(c *collector, lb elbtypes.LoadBalancer, l elbtypes.Listener, r elbtypes.Rule, fns map[string][]string, scope audit.NetworkScope) (audit.FrontDoor, bool) {
	ruleARN := aws.ToString(r.RuleArn)
	src := audit.Source{API: "elasticloadbalancing:DescribeRules", Ref: ruleARN}
	actions := append([]elbtypes.Action(nil), r.Actions...)
	sort.SliceStable(actions, func(i, j int) bool { return aws.ToInt32(actions[i].Order) < aws.ToInt32(actions[j].Order) })
	var auth []audit.DoorAuth
	var targets []audit.DoorTarget
	var firstTG string
	for _, a := range actions {
		switch a.Type {
		case elbtypes.ActionTypeEnumAuthenticateOidc:
			x := audit.DoorAuth{Type: audit.DoorAuthOIDC, Source: src}
			if a.AuthenticateOidcConfig != nil {
				x.Issuer = aws.ToString(a.AuthenticateOidcConfig.Issuer)
				if a.AuthenticateOidcConfig.OnUnauthenticatedRequest == elbtypes.AuthenticateOidcActionConditionalBehaviorEnumAllow {
					x = audit.DoorAuth{Type: audit.DoorAuthNone, Issuer: x.Issuer, Detail: "authenticate-oidc lets unauthenticated requests through (OnUnauthenticatedRequest=allow)", Source: src}
				}
			}
			auth = append(auth, x)
		case elbtypes.ActionTypeEnumAuthenticateCognito:
			x := audit.DoorAuth{Type: audit.DoorAuthCognito, Source: src}
			if a.AuthenticateCognitoConfig != nil {
				x.Issuer = aws.ToString(a.AuthenticateCognitoConfig.UserPoolArn)
				if a.AuthenticateCognitoConfig.OnUnauthenticatedRequest == elbtypes.AuthenticateCognitoActionConditionalBehaviorEnumAllow {
					x = audit.DoorAuth{Type: audit.DoorAuthNone, Issuer: x.Issuer, Detail: "authenticate-cognito lets unauthenticated requests through (OnUnauthenticatedRequest=allow)", Source: src}
				}
			}
			auth = append(auth, x)
		case elbtypes.ActionTypeEnumJwtValidation:
			auth = append(auth, audit.DoorAuth{Type: audit.DoorAuthJWT, Detail: "jwt-validation", Source: src})
		case elbtypes.ActionTypeEnumForward:
			var arns []string
			if a.TargetGroupArn != nil {
				arns = append(arns, aws.ToString(a.TargetGroupArn))
			}
			if a.ForwardConfig != nil {
				for _, t := range a.ForwardConfig.TargetGroups {
					if !slices.Contains(arns, aws.ToString(t.TargetGroupArn)) {
						arns = append(arns, aws.ToString(t.TargetGroupArn))
					}
				}
			}
			for _, tg := range arns {
				ids, ok := fns[tg]
				if !ok {
					continue
				}
				if firstTG == "" {
					firstTG = tg
				}
				for _, id := range ids {
					t := audit.DoorTarget{Integration: "lambda", URI: id, Via: tg,
						Source: audit.Source{API: "elasticloadbalancing:DescribeTargetHealth", Ref: tg}}
					if arn, q, ok := splitFunctionARN(id); ok {
						t.Function, t.Qualifier = arn, q
					} else {
						t.Resolution = audit.TargetUnresolved
					}
					targets = append(targets, t)
				}
			}
		}
		if a.Type == elbtypes.ActionTypeEnumForward {
			break // actions after the forward never run first
		}
	}
	if firstTG == "" {
		return audit.FrontDoor{}, false
	}
	if len(auth) == 0 {
		auth = []audit.DoorAuth{{Type: audit.DoorAuthNone, Source: src}}
	}
	proto := strings.ToLower(string(l.Protocol))
	host, path, method := aws.ToString(lb.DNSName), "/*", ""
	var conds []string
	var restrictions []audit.NetworkRestriction
	for _, cd := range r.Conditions {
		field := aws.ToString(cd.Field)
		vals := cd.Values
		switch {
		case cd.HostHeaderConfig != nil && len(cd.HostHeaderConfig.Values) > 0:
			vals = cd.HostHeaderConfig.Values
		case cd.PathPatternConfig != nil && len(cd.PathPatternConfig.Values) > 0:
			vals = cd.PathPatternConfig.Values
		case cd.HttpRequestMethodConfig != nil:
			vals = cd.HttpRequestMethodConfig.Values
		case cd.SourceIpConfig != nil:
			vals = cd.SourceIpConfig.Values
		}
		conds = append(conds, field+"="+strings.Join(vals, ","))
		switch field {
		case "host-header":
			if len(vals) > 0 {
				host = vals[0]
			}
		case "path-pattern":
			if len(vals) > 0 {
				path = vals[0]
			}
		case "http-request-method":
			method = strings.Join(vals, ",")
		case "source-ip":
			restrictions = append(restrictions, audit.NetworkRestriction{Kind: audit.RestrictIPAllow, Values: vals,
				Detail: "listener rule source-ip condition", Source: src})
		}
	}
	url := fmt.Sprintf("%s://%s", proto, host)
	if port := aws.ToInt32(l.Port); !(proto == "https" && port == 443) && !(proto == "http" && port == 80) {
		url += fmt.Sprintf(":%d", port)
	}
	url += path
	prio, _ := strconv.Atoi(aws.ToString(r.Priority))
	name := "rule " + aws.ToString(r.Priority)
	if aws.ToBool(r.IsDefault) {
		name = "default rule"
	}
	return audit.FrontDoor{
		Kind: audit.DoorLoadBalancerRule, Provider: audit.AWS, Account: c.account, Region: c.region,
		ID: ruleARN, Name: fmt.Sprintf("%s %s:%d", name, proto, aws.ToInt32(l.Port)), Parent: aws.ToString(lb.LoadBalancerArn), ParentName: aws.ToString(lb.LoadBalancerName),
		Addresses:    []audit.DoorAddress{{Method: method, URL: url, Source: audit.Source{API: "elasticloadbalancing:DescribeLoadBalancers", Ref: aws.ToString(lb.LoadBalancerArn)}}},
		State:        audit.DoorDeployed,
		Scope:        scope,
		Auth:         auth,
		Restrictions: restrictions,
		Targets:      targets,
		AWS: &audit.AWSFrontDoor{SourceARN: firstTG, Scheme: string(lb.Scheme), Listener: aws.ToString(l.ListenerArn), ListenerPort: int(aws.ToInt32(l.Port)),
			Priority: prio, Conditions: conds, SecurityGroups: lb.SecurityGroups},
		Source:      src,
		StateSource: audit.Source{API: "elasticloadbalancing:DescribeListeners", Ref: aws.ToString(l.ListenerArn)},
	}, true
}

// sgRestrictions lists, per security group of the load balancer, the sources
// its ingress admits on the listener's port. A group with no rule for the
// port admits nothing there.
func sgRestrictions(ids []string, sgs map[string]ec2types.SecurityGroup, port int) []audit.NetworkRestriction {
	var out []audit.NetworkRestriction
	for _, id := range ids {
		g, ok := sgs[id]
		if !ok {
			out = append(out, audit.NetworkRestriction{Kind: audit.RestrictOther, ID: id, Port: port,
				Detail: "security group not found", Source: audit.Source{API: "ec2:DescribeSecurityGroups", Ref: id}})
			continue
		}
		var vals []string
		for _, p := range g.IpPermissions {
			if aws.ToString(p.IpProtocol) != "-1" && aws.ToString(p.IpProtocol) != "tcp" && aws.ToString(p.IpProtocol) != "6" {
				continue
			}
			if aws.ToString(p.IpProtocol) != "-1" && (int(aws.ToInt32(p.FromPort)) > port || int(aws.ToInt32(p.ToPort)) < port) {
				continue
			}
			for _, r := range p.IpRanges {
				vals = append(vals, aws.ToString(r.CidrIp))
			}
			for _, r := range p.Ipv6Ranges {
				vals = append(vals, aws.ToString(r.CidrIpv6))
			}
			for _, r := range p.UserIdGroupPairs {
				vals = append(vals, aws.ToString(r.GroupId))
			}
			for _, r := range p.PrefixListIds {
				vals = append(vals, aws.ToString(r.PrefixListId))
			}
		}
		out = append(out, audit.NetworkRestriction{Kind: audit.RestrictSecurityGroup, ID: id, Values: vals, Port: port,
			Source: audit.Source{API: "ec2:DescribeSecurityGroups", Ref: id}})
	}
	return out
}
