package awstest

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// SecurityGroup is an EC2 security group with its ingress rules.
type SecurityGroup struct {
	ID, Name string
	Ingress  []SGRule
}

// SGRule is an ingress rule: protocol ("tcp", "-1" for all), port range and
// sources (IPv4 and IPv6 CIDRs, other groups, prefix lists).
type SGRule struct {
	Protocol           string
	FromPort, ToPort   int
	CIDRs, IPv6CIDRs   []string
	Groups, PrefixList []string
}

type ec2Service struct{ fd *FrontDoorEstate }

// ec2Error writes EC2's own error document (<Response><Errors><Error>), which
// differs from the other Query services' <ErrorResponse>.
func ec2Error(w http.ResponseWriter, status int, code, message, retryAfter string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>awstest</RequestID></Response>",
		xmlEscape(code), xmlEscape(message))
}

type ec2Items[T any] struct {
	Item []T `xml:"item"`
}

func (h ec2Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		ec2Error(w, http.StatusBadRequest, "MalformedQueryString", err.Error(), "")
		return
	}
	f := r.PostForm
	if op := f.Get("Action"); op != "DescribeSecurityGroups" {
		ec2Error(w, http.StatusBadRequest, "InvalidAction", "The action "+op+" is not valid for this web service.", "")
		return
	}
	if !h.fd.admit(w, r, ec2Error, http.StatusServiceUnavailable, "RequestLimitExceeded", "ec2:DescribeSecurityGroups") {
		return
	}
	c := Caller(r)
	d := h.fd.lookup(c.Account, c.Region)
	want := map[string]bool{}
	for k, v := range f {
		if strings.HasPrefix(k, "GroupId.") {
			want[v[0]] = true
		}
		if strings.HasPrefix(k, "Filter.") && strings.HasSuffix(k, ".Name") {
			if v[0] != "group-id" {
				ec2Error(w, http.StatusBadRequest, "InvalidParameterValue", "The filter '"+v[0]+"' is invalid", "")
				return
			}
			prefix := strings.TrimSuffix(k, "Name")
			for kk, vv := range f {
				if strings.HasPrefix(kk, prefix+"Value.") {
					want[vv[0]] = true
				}
			}
		}
	}
	_, byID := f["GroupId.1"]
	type perm struct {
		IPProtocol string `xml:"ipProtocol"`
		FromPort   *int   `xml:"fromPort,omitempty"`
		ToPort     *int   `xml:"toPort,omitempty"`
		Groups     ec2Items[struct {
			GroupID string `xml:"groupId"`
		}] `xml:"groups"`
		IPRanges ec2Items[struct {
			CIDR string `xml:"cidrIp"`
		}] `xml:"ipRanges"`
		IPv6Ranges ec2Items[struct {
			CIDR string `xml:"cidrIpv6"`
		}] `xml:"ipv6Ranges"`
		PrefixListIDs ec2Items[struct {
			ID string `xml:"prefixListId"`
		}] `xml:"prefixListIds"`
	}
	type group struct {
		GroupID     string         `xml:"groupId"`
		GroupName   string         `xml:"groupName"`
		OwnerID     string         `xml:"ownerId"`
		Permissions ec2Items[perm] `xml:"ipPermissions"`
	}
	var all []group
	found := map[string]bool{}
	for _, sg := range d.SecurityGroups {
		if len(want) > 0 && !want[sg.ID] {
			continue
		}
		found[sg.ID] = true
		g := group{GroupID: sg.ID, GroupName: sg.Name, OwnerID: c.Account}
		for _, rule := range sg.Ingress {
			p := perm{IPProtocol: rule.Protocol}
			if rule.Protocol != "-1" {
				from, to := rule.FromPort, rule.ToPort
				p.FromPort, p.ToPort = &from, &to
			}
			for _, x := range rule.CIDRs {
				p.IPRanges.Item = append(p.IPRanges.Item, struct {
					CIDR string `xml:"cidrIp"`
				}{x})
			}
			for _, x := range rule.IPv6CIDRs {
				p.IPv6Ranges.Item = append(p.IPv6Ranges.Item, struct {
					CIDR string `xml:"cidrIpv6"`
				}{x})
			}
			for _, x := range rule.Groups {
				p.Groups.Item = append(p.Groups.Item, struct {
					GroupID string `xml:"groupId"`
				}{x})
			}
			for _, x := range rule.PrefixList {
				p.PrefixListIDs.Item = append(p.PrefixListIDs.Item, struct {
					ID string `xml:"prefixListId"`
				}{x})
			}
			g.Permissions.Item = append(g.Permissions.Item, p)
		}
		all = append(all, g)
	}
	if byID {
		// Asked by id, EC2 fails the whole call when one id does not exist.
		for id := range want {
			if !found[id] {
				ec2Error(w, http.StatusBadRequest, "InvalidGroup.NotFound", "The security group '"+id+"' does not exist", "")
				return
			}
		}
	}
	size := len(all) + 1
	if n, err := strconv.Atoi(f.Get("MaxResults")); err == nil && n > 0 {
		if byID {
			ec2Error(w, http.StatusBadRequest, "InvalidParameterCombination", "The parameter groupIds cannot be used with the parameter maxResults", "")
			return
		}
		size = h.fd.s.pageSize("ec2", n)
	}
	page, next := pageOf(all, f.Get("NextToken"), size)
	type resp struct {
		XMLName   xml.Name        `xml:"DescribeSecurityGroupsResponse"`
		Xmlns     string          `xml:"xmlns,attr"`
		RequestID string          `xml:"requestId"`
		Groups    ec2Items[group] `xml:"securityGroupInfo"`
		NextToken string          `xml:"nextToken,omitempty"`
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(resp{Xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/", RequestID: "awstest", Groups: ec2Items[group]{page}, NextToken: next})
}
