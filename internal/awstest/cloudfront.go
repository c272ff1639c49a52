package awstest

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
)

// Distribution is a CloudFront distribution: its origins and cache behaviours.
type Distribution struct {
	ID, DomainName string
	Aliases        []string
	Enabled        bool
	Origins        []CFOrigin
	// Default is the default cache behaviour; Behaviors the path-pattern ones.
	Default   CFBehavior
	Behaviors []CFBehavior
	WebACLID  string
}

// CFOrigin is an origin; a function URL origin has the domain
// ID.lambda-url.REGION.on.aws.
type CFOrigin struct {
	ID, DomainName, OACID string
}

// CFBehavior is a cache behaviour. TrustedKeyGroups or TrustedSigners make
// it require signed URLs or signed cookies.
type CFBehavior struct {
	PathPattern, TargetOriginID      string
	TrustedKeyGroups, TrustedSigners []string
}

// OriginAccessControl is an origin access control; OriginType lambda signs
// requests to function URLs.
type OriginAccessControl struct {
	ID, Name, OriginType, SigningBehavior string
}

type cloudfrontService struct{ fd *FrontDoorEstate }

type cfList[T any] struct {
	Quantity int `xml:"Quantity"`
	Items    *struct {
		Item []T `xml:",any"`
	} `xml:"Items,omitempty"`
}

func newCFList[T any](items []T) cfList[T] {
	l := cfList[T]{Quantity: len(items)}
	if len(items) > 0 {
		l.Items = &struct {
			Item []T `xml:",any"`
		}{items}
	}
	return l
}

type cfTrusted struct {
	Enabled  bool `xml:"Enabled"`
	Quantity int  `xml:"Quantity"`
	Items    *struct {
		Item []xmlText
	} `xml:"Items,omitempty"`
}

// xmlText is an element with a name chosen at run time and text content.
type xmlText struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

func texts(elem string, vs []string) []xmlText {
	var out []xmlText
	for _, v := range vs {
		out = append(out, xmlText{xml.Name{Local: elem}, v})
	}
	return out
}

func newTrusted(ids []string, elem string) cfTrusted {
	t := cfTrusted{Enabled: len(ids) > 0, Quantity: len(ids)}
	if len(ids) > 0 {
		t.Items = &struct{ Item []xmlText }{texts(elem, ids)}
	}
	return t
}

type cfBehavior struct {
	XMLName          xml.Name
	PathPattern      string `xml:"PathPattern,omitempty"`
	TargetOriginID   string `xml:"TargetOriginId"`
	TrustedSigners   cfTrusted
	TrustedKeyGroups cfTrusted
	ViewerProtocol   string `xml:"ViewerProtocolPolicy"`
}

func behavior(b CFBehavior, elem string) cfBehavior {
	ks := newTrusted(b.TrustedKeyGroups, "KeyGroup")
	ss := newTrusted(b.TrustedSigners, "AwsAccountNumber")
	return cfBehavior{XMLName: xml.Name{Local: elem}, PathPattern: b.PathPattern, TargetOriginID: b.TargetOriginID,
		TrustedSigners: ss, TrustedKeyGroups: ks, ViewerProtocol: "redirect-to-https"}
}

func (h cloudfrontService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var op string
	switch strings.TrimSuffix(r.URL.Path, "/") {
	case "/2020-05-31/distribution":
		op = "ListDistributions"
	case "/2020-05-31/origin-access-control":
		op = "ListOriginAccessControls"
	default:
		queryError(w, http.StatusNotFound, "NoSuchResource", "no such resource "+r.URL.Path, "")
		return
	}
	if r.Method != http.MethodGet {
		queryError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method, "")
		return
	}
	if !h.fd.admit(w, r, queryError, http.StatusBadRequest, "Throttling", "cloudfront:"+op) {
		return
	}
	c := Caller(r)
	g := h.fd.lookupGlobal(c.Account)
	maxItems := 100
	if n, err := strconv.Atoi(r.URL.Query().Get("MaxItems")); err == nil && n > 0 && n < maxItems {
		maxItems = n
	}
	maxItems = h.fd.s.pageSize("cloudfront", maxItems)
	marker := r.URL.Query().Get("Marker")
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(xml.Header))
	const ns = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
	switch op {
	case "ListDistributions":
		type origin struct {
			XMLName    xml.Name `xml:"Origin"`
			ID         string   `xml:"Id"`
			DomainName string   `xml:"DomainName"`
			OriginPath string   `xml:"OriginPath"`
			Custom     *struct {
				HTTPPort  int    `xml:"HTTPPort"`
				HTTPSPort int    `xml:"HTTPSPort"`
				Policy    string `xml:"OriginProtocolPolicy"`
			} `xml:"CustomOriginConfig,omitempty"`
			OACID string `xml:"OriginAccessControlId"`
		}
		type summary struct {
			XMLName        xml.Name           `xml:"DistributionSummary"`
			ID             string             `xml:"Id"`
			ARN            string             `xml:"ARN"`
			Status         string             `xml:"Status"`
			DomainName     string             `xml:"DomainName"`
			Aliases        cfList[xmlText]    `xml:"Aliases"`
			Origins        cfList[origin]     `xml:"Origins"`
			Default        cfBehavior         `xml:"DefaultCacheBehavior"`
			CacheBehaviors cfList[cfBehavior] `xml:"CacheBehaviors"`
			Enabled        bool               `xml:"Enabled"`
			WebACLID       string             `xml:"WebACLId"`
		}
		var all []summary
		for _, d := range g.Distributions {
			s := summary{ID: d.ID, ARN: "arn:aws:cloudfront::" + c.Account + ":distribution/" + d.ID, Status: "Deployed",
				DomainName: d.DomainName, Default: behavior(d.Default, "DefaultCacheBehavior"), Enabled: d.Enabled, WebACLID: d.WebACLID}
			s.Aliases = newCFList(texts("CNAME", d.Aliases))
			var os []origin
			for _, o := range d.Origins {
				x := origin{ID: o.ID, DomainName: o.DomainName, OACID: o.OACID}
				x.Custom = &struct {
					HTTPPort  int    `xml:"HTTPPort"`
					HTTPSPort int    `xml:"HTTPSPort"`
					Policy    string `xml:"OriginProtocolPolicy"`
				}{80, 443, "https-only"}
				os = append(os, x)
			}
			s.Origins = newCFList(os)
			var bs []cfBehavior
			for _, b := range d.Behaviors {
				bs = append(bs, behavior(b, "CacheBehavior"))
			}
			s.CacheBehaviors = newCFList(bs)
			all = append(all, s)
		}
		page, next := cfPage(all, marker, maxItems, func(s summary) string { return s.ID })
		type list struct {
			XMLName xml.Name `xml:"DistributionList"`
			Xmlns   string   `xml:"xmlns,attr"`
			Marker  string   `xml:"Marker"`
			Next    string   `xml:"NextMarker,omitempty"`
			Max     int      `xml:"MaxItems"`
			Trunc   bool     `xml:"IsTruncated"`
			cfList[summary]
		}
		_ = xml.NewEncoder(w).Encode(list{Xmlns: ns, Marker: marker, Next: next, Max: maxItems, Trunc: next != "", cfList: newCFList(page)})
	case "ListOriginAccessControls":
		type oac struct {
			XMLName         xml.Name `xml:"OriginAccessControlSummary"`
			ID              string   `xml:"Id"`
			Description     string   `xml:"Description"`
			Name            string   `xml:"Name"`
			SigningProtocol string   `xml:"SigningProtocol"`
			SigningBehavior string   `xml:"SigningBehavior"`
			OriginType      string   `xml:"OriginAccessControlOriginType"`
		}
		var all []oac
		for _, o := range g.OACs {
			sb := o.SigningBehavior
			if sb == "" {
				sb = "always"
			}
			all = append(all, oac{ID: o.ID, Name: o.Name, SigningProtocol: "sigv4", SigningBehavior: sb, OriginType: o.OriginType})
		}
		page, next := cfPage(all, marker, maxItems, func(o oac) string { return o.ID })
		type list struct {
			XMLName xml.Name `xml:"OriginAccessControlList"`
			Xmlns   string   `xml:"xmlns,attr"`
			Marker  string   `xml:"Marker"`
			Next    string   `xml:"NextMarker,omitempty"`
			Max     int      `xml:"MaxItems"`
			Trunc   bool     `xml:"IsTruncated"`
			cfList[oac]
		}
		_ = xml.NewEncoder(w).Encode(list{Xmlns: ns, Marker: marker, Next: next, Max: maxItems, Trunc: next != "", cfList: newCFList(page)})
	}
}

// cfPage pages CloudFront-style: the marker is the id of the last item of the
// previous page.
func cfPage[T any](items []T, marker string, size int, id func(T) string) ([]T, string) {
	start := 0
	if marker != "" {
		start = len(items)
		for i, x := range items {
			if id(x) == marker {
				start = i + 1
			}
		}
	}
	end := start + size
	if end >= len(items) {
		return items[start:], ""
	}
	return items[start:end], id(items[end-1])
}
