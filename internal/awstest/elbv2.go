package awstest

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// LoadBalancer is an Elastic Load Balancing v2 load balancer.
type LoadBalancer struct {
	ARN, Name, DNSName string
	// Scheme is internet-facing or internal; Type application, network or gateway.
	Scheme, Type   string
	SecurityGroups []string
	Listeners      []*Listener
}

// Listener is a listener; DefaultActions become its default rule.
type Listener struct {
	ARN            string
	Port           int
	Protocol       string
	DefaultActions []LBAction
	Rules          []LBRule
}

// LBRule is a listener rule with its conditions and actions.
type LBRule struct {
	ARN, Priority string
	Conditions    []LBCondition
	Actions       []LBAction
}

// LBCondition is a rule condition: Field path-pattern, host-header,
// http-request-method or source-ip, with its values.
type LBCondition struct {
	Field  string
	Values []string
}

// LBAction is a rule action: forward (TargetGroupARN), authenticate-oidc
// (Issuer), authenticate-cognito (UserPoolARN), fixed-response or redirect.
type LBAction struct {
	Type                     string
	Order                    int
	TargetGroupARN           string
	Issuer, UserPoolARN      string
	OnUnauthenticatedRequest string
}

// TargetGroup is a target group; a lambda target group's Targets are function
// ARNs (possibly qualified with an alias or version).
type TargetGroup struct {
	ARN, Name, TargetType string
	LoadBalancerARNs      []string
	Targets               []string
}

type elbv2Service struct{ fd *FrontDoorEstate }

func queryError(w http.ResponseWriter, status int, code, message, retryAfter string) {
	WriteError(w, Query, status, code, message)
}

type xmlMembers[T any] struct {
	Member []T `xml:"member"`
}

type elbAction struct {
	Type           string `xml:"Type"`
	Order          int    `xml:"Order,omitempty"`
	TargetGroupArn string `xml:"TargetGroupArn,omitempty"`
	Oidc           *struct {
		Issuer                   string `xml:"Issuer"`
		OnUnauthenticatedRequest string `xml:"OnUnauthenticatedRequest,omitempty"`
	} `xml:"AuthenticateOidcConfig,omitempty"`
	Cognito *struct {
		UserPoolArn              string `xml:"UserPoolArn"`
		OnUnauthenticatedRequest string `xml:"OnUnauthenticatedRequest,omitempty"`
	} `xml:"AuthenticateCognitoConfig,omitempty"`
	Forward *struct {
		TargetGroups xmlMembers[struct {
			TargetGroupArn string `xml:"TargetGroupArn"`
		}] `xml:"TargetGroups"`
	} `xml:"ForwardConfig,omitempty"`
}

func elbActions(as []LBAction) xmlMembers[elbAction] {
	var out xmlMembers[elbAction]
	for i, a := range as {
		x := elbAction{Type: a.Type, Order: a.Order, TargetGroupArn: a.TargetGroupARN}
		if x.Order == 0 {
			x.Order = i + 1
		}
		switch a.Type {
		case "authenticate-oidc":
			x.Oidc = &struct {
				Issuer                   string `xml:"Issuer"`
				OnUnauthenticatedRequest string `xml:"OnUnauthenticatedRequest,omitempty"`
			}{a.Issuer, a.OnUnauthenticatedRequest}
		case "authenticate-cognito":
			x.Cognito = &struct {
				UserPoolArn              string `xml:"UserPoolArn"`
				OnUnauthenticatedRequest string `xml:"OnUnauthenticatedRequest,omitempty"`
			}{a.UserPoolARN, a.OnUnauthenticatedRequest}
		case "forward":
			x.Forward = &struct {
				TargetGroups xmlMembers[struct {
					TargetGroupArn string `xml:"TargetGroupArn"`
				}] `xml:"TargetGroups"`
			}{}
			x.Forward.TargetGroups.Member = append(x.Forward.TargetGroups.Member, struct {
				TargetGroupArn string `xml:"TargetGroupArn"`
			}{a.TargetGroupARN})
		}
		out.Member = append(out.Member, x)
	}
	return out
}

// writeQueryResult writes a Query protocol response: <OpResponse><OpResult>
// result</OpResult><ResponseMetadata/></OpResponse>.
func writeQueryResult(w http.ResponseWriter, op, ns string, result any) {
	type resp struct {
		XMLName  xml.Name
		Xmlns    string `xml:"xmlns,attr"`
		Result   any
		Metadata struct {
			RequestID string `xml:"RequestId"`
		} `xml:"ResponseMetadata"`
	}
	v := resp{XMLName: xml.Name{Local: op + "Response"}, Xmlns: ns, Result: result}
	v.Metadata.RequestID = "awstest"
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}

func (h elbv2Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		queryError(w, http.StatusBadRequest, "MalformedInput", err.Error(), "")
		return
	}
	op := r.PostForm.Get("Action")
	switch op {
	case "DescribeLoadBalancers", "DescribeListeners", "DescribeRules", "DescribeTargetGroups", "DescribeTargetHealth":
	default:
		queryError(w, http.StatusBadRequest, "InvalidAction", "unknown action "+op, "")
		return
	}
	if !h.fd.admit(w, r, queryError, http.StatusBadRequest, "ThrottlingException", "elasticloadbalancing:"+op) {
		return
	}
	c := Caller(r)
	d := h.fd.lookup(c.Account, c.Region)
	f := r.PostForm
	size := h.fd.s.pageSize("elasticloadbalancing", 400)
	if n, err := strconv.Atoi(f.Get("PageSize")); err == nil && n > 0 && n < size {
		size = n
	}
	const ns = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
	type result struct {
		XMLName xml.Name
		Inner   any
		Next    string `xml:"NextMarker,omitempty"`
	}
	write := func(inner any, next string) {
		writeQueryResult(w, op, ns, result{XMLName: xml.Name{Local: op + "Result"}, Inner: inner, Next: next})
	}
	switch op {
	case "DescribeLoadBalancers":
		type lb struct {
			LoadBalancerArn  string             `xml:"LoadBalancerArn"`
			LoadBalancerName string             `xml:"LoadBalancerName"`
			DNSName          string             `xml:"DNSName"`
			Scheme           string             `xml:"Scheme"`
			Type             string             `xml:"Type"`
			SecurityGroups   xmlMembers[string] `xml:"SecurityGroups"`
		}
		var all []lb
		for _, b := range d.LoadBalancers {
			t := b.Type
			if t == "" {
				t = "application"
			}
			all = append(all, lb{b.ARN, b.Name, b.DNSName, b.Scheme, t, xmlMembers[string]{b.SecurityGroups}})
		}
		page, next := pageOf(all, f.Get("Marker"), size)
		write(struct {
			XMLName xml.Name `xml:"LoadBalancers"`
			xmlMembers[lb]
		}{xmlMembers: xmlMembers[lb]{page}}, next)
	case "DescribeListeners":
		var lb *LoadBalancer
		for _, b := range d.LoadBalancers {
			if b.ARN == f.Get("LoadBalancerArn") {
				lb = b
			}
		}
		if lb == nil {
			queryError(w, http.StatusBadRequest, "LoadBalancerNotFound", "One or more load balancers not found", "")
			return
		}
		type listener struct {
			ListenerArn     string                `xml:"ListenerArn"`
			LoadBalancerArn string                `xml:"LoadBalancerArn"`
			Port            int                   `xml:"Port"`
			Protocol        string                `xml:"Protocol"`
			DefaultActions  xmlMembers[elbAction] `xml:"DefaultActions"`
		}
		var all []listener
		for _, l := range lb.Listeners {
			all = append(all, listener{l.ARN, lb.ARN, l.Port, l.Protocol, elbActions(l.DefaultActions)})
		}
		page, next := pageOf(all, f.Get("Marker"), size)
		write(struct {
			XMLName xml.Name `xml:"Listeners"`
			xmlMembers[listener]
		}{xmlMembers: xmlMembers[listener]{page}}, next)
	case "DescribeRules":
		var l *Listener
		for _, b := range d.LoadBalancers {
			for _, x := range b.Listeners {
				if x.ARN == f.Get("ListenerArn") {
					l = x
				}
			}
		}
		if l == nil {
			queryError(w, http.StatusBadRequest, "ListenerNotFound", "One or more listeners not found", "")
			return
		}
		type condition struct {
			Field          string             `xml:"Field"`
			Values         xmlMembers[string] `xml:"Values"`
			SourceIPConfig *struct {
				Values xmlMembers[string] `xml:"Values"`
			} `xml:"SourceIpConfig,omitempty"`
		}
		type rule struct {
			RuleArn    string                `xml:"RuleArn"`
			Priority   string                `xml:"Priority"`
			IsDefault  bool                  `xml:"IsDefault"`
			Conditions xmlMembers[condition] `xml:"Conditions"`
			Actions    xmlMembers[elbAction] `xml:"Actions"`
		}
		var all []rule
		for i, x := range l.Rules {
			arn := x.ARN
			if arn == "" {
				arn = fmt.Sprintf("%s/rule%d", l.ARN, i)
			}
			ru := rule{RuleArn: arn, Priority: x.Priority, Actions: elbActions(x.Actions)}
			for _, cd := range x.Conditions {
				cc := condition{Field: cd.Field}
				if cd.Field == "source-ip" {
					cc.SourceIPConfig = &struct {
						Values xmlMembers[string] `xml:"Values"`
					}{xmlMembers[string]{cd.Values}}
				} else {
					cc.Values = xmlMembers[string]{cd.Values}
				}
				ru.Conditions.Member = append(ru.Conditions.Member, cc)
			}
			all = append(all, ru)
		}
		all = append(all, rule{RuleArn: l.ARN + "/default", Priority: "default", IsDefault: true, Actions: elbActions(l.DefaultActions)})
		page, next := pageOf(all, f.Get("Marker"), size)
		write(struct {
			XMLName xml.Name `xml:"Rules"`
			xmlMembers[rule]
		}{xmlMembers: xmlMembers[rule]{page}}, next)
	case "DescribeTargetGroups":
		type tg struct {
			TargetGroupArn   string             `xml:"TargetGroupArn"`
			TargetGroupName  string             `xml:"TargetGroupName"`
			TargetType       string             `xml:"TargetType"`
			LoadBalancerArns xmlMembers[string] `xml:"LoadBalancerArns"`
		}
		var all []tg
		for _, g := range d.TargetGroups {
			if lb := f.Get("LoadBalancerArn"); lb != "" && !slices.Contains(g.LoadBalancerARNs, lb) {
				continue
			}
			all = append(all, tg{g.ARN, g.Name, g.TargetType, xmlMembers[string]{g.LoadBalancerARNs}})
		}
		page, next := pageOf(all, f.Get("Marker"), size)
		write(struct {
			XMLName xml.Name `xml:"TargetGroups"`
			xmlMembers[tg]
		}{xmlMembers: xmlMembers[tg]{page}}, next)
	case "DescribeTargetHealth":
		var g *TargetGroup
		for _, x := range d.TargetGroups {
			if x.ARN == f.Get("TargetGroupArn") {
				g = x
			}
		}
		if g == nil {
			queryError(w, http.StatusBadRequest, "TargetGroupNotFound", "One or more target groups not found", "")
			return
		}
		type desc struct {
			Target struct {
				ID string `xml:"Id"`
			} `xml:"Target"`
			TargetHealth struct {
				State string `xml:"State"`
			} `xml:"TargetHealth"`
		}
		var all []desc
		for _, t := range g.Targets {
			var x desc
			x.Target.ID = t
			x.TargetHealth.State = "unavailable"
			all = append(all, x)
		}
		write(struct {
			XMLName xml.Name `xml:"TargetHealthDescriptions"`
			xmlMembers[desc]
		}{xmlMembers: xmlMembers[desc]{all}}, "")
	}
}
