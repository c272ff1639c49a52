package awsfrontdoor

import (
	"context"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/fnaudit/fnaudit/audit"
)

// functionURLHost matches a Lambda function URL's host name.
var functionURLHost = regexp.MustCompile(`^[a-z0-9]+\.lambda-url\.[a-z0-9-]+\.on\.aws$`)

// collectCDN reads the account's CloudFront distributions and emits one door
// per cache behaviour whose origin is a function URL.
func collectCDN(ctx context.Context, c *collector, api cdnAPI) {
	oacs, err := pages(ctx, func(ctx context.Context, m *string) ([]cftypes.OriginAccessControlSummary, *string, error) {
		o, err := api.ListOriginAccessControls(ctx, &cloudfront.ListOriginAccessControlsInput{Marker: m, MaxItems: aws.Int32(100)})
		if err != nil {
			return nil, nil, err
		}
		if o.OriginAccessControlList == nil {
			return nil, nil, nil
		}
		return o.OriginAccessControlList.Items, o.OriginAccessControlList.NextMarker, nil
	})
	if err != nil {
		c.gap("", "cloudfront:ListOriginAccessControls", "origin access controls", err)
	}
	oacType := map[string]cftypes.OriginAccessControlSummary{}
	for _, o := range oacs {
		oacType[aws.ToString(o.Id)] = o
	}
	dists, err := pages(ctx, func(ctx context.Context, m *string) ([]cftypes.DistributionSummary, *string, error) {
		o, err := api.ListDistributions(ctx, &cloudfront.ListDistributionsInput{Marker: m, MaxItems: aws.Int32(100)})
		if err != nil {
			return nil, nil, err
		}
		if o.DistributionList == nil {
			return nil, nil, nil
		}
		return o.DistributionList.Items, o.DistributionList.NextMarker, nil
	})
	if err != nil {
		c.gap("", "cloudfront:ListDistributions", "CloudFront front doors", err)
	}
	dists = unique(dists, func(d cftypes.DistributionSummary) string { return aws.ToString(d.Id) })
	for _, d := range dists {
		distDoors(c, d, oacType)
	}
}

func distDoors(c *collector, d cftypes.DistributionSummary, oacs map[string]cftypes.OriginAccessControlSummary) {
	arn := aws.ToString(d.ARN)
	if arn == "" {
		arn = "arn:aws:cloudfront::" + c.account + ":distribution/" + aws.ToString(d.Id)
	}
	origins := map[string]cftypes.Origin{}
	if d.Origins != nil {
		for _, o := range d.Origins.Items {
			if functionURLHost.MatchString(aws.ToString(o.DomainName)) {
				origins[aws.ToString(o.Id)] = o
			}
		}
	}
	if len(origins) == 0 {
		return
	}
	type behavior struct {
		pattern, origin string
		keyGroups       *cftypes.TrustedKeyGroups
		signers         *cftypes.TrustedSigners
	}
	var bs []behavior
	if d.CacheBehaviors != nil {
		for _, b := range d.CacheBehaviors.Items {
			bs = append(bs, behavior{aws.ToString(b.PathPattern), aws.ToString(b.TargetOriginId), b.TrustedKeyGroups, b.TrustedSigners})
		}
	}
	if b := d.DefaultCacheBehavior; b != nil {
		bs = append(bs, behavior{"*", aws.ToString(b.TargetOriginId), b.TrustedKeyGroups, b.TrustedSigners})
	}
	var aliases []string
	if d.Aliases != nil {
		aliases = d.Aliases.Items
	}
	state := audit.DoorDeployed
	if !aws.ToBool(d.Enabled) {
		state = audit.DoorDisabled
	}
	src := audit.Source{API: "cloudfront:ListDistributions", Ref: arn}
	for _, b := range bs {
		o, ok := origins[b.origin]
		if !ok {
			continue
		}
		var auth []audit.DoorAuth
		if b.keyGroups != nil && aws.ToBool(b.keyGroups.Enabled) && aws.ToInt32(b.keyGroups.Quantity) > 0 {
			auth = append(auth, audit.DoorAuth{Type: audit.DoorAuthSignedURL, Detail: "trusted key groups", Source: src})
		} else if b.signers != nil && aws.ToBool(b.signers.Enabled) && aws.ToInt32(b.signers.Quantity) > 0 {
			auth = append(auth, audit.DoorAuth{Type: audit.DoorAuthSignedURL, Detail: "trusted signers (CloudFront key pairs of the root user)", Source: src})
		} else {
			auth = append(auth, audit.DoorAuth{Type: audit.DoorAuthNone, Source: src})
		}
		path := "/" + trimSlash(b.pattern)
		addrs := []audit.DoorAddress{{URL: "https://" + aws.ToString(d.DomainName) + path, Source: src}}
		for _, a := range aliases {
			addrs = append(addrs, audit.DoorAddress{URL: "https://" + a + path, CustomDomain: true, Source: src})
		}
		integration := "origin"
		if x, ok := oacs[aws.ToString(o.OriginAccessControlId)]; ok && x.OriginAccessControlOriginType == cftypes.OriginAccessControlOriginTypesLambda {
			integration = "origin-access-control"
		}
		t := audit.DoorTarget{Integration: integration, URI: "https://" + aws.ToString(o.DomainName) + "/",
			Via: aws.ToString(o.OriginAccessControlId), Resolution: audit.TargetUnresolved,
			Source: audit.Source{API: "cloudfront:ListDistributions", Ref: arn + "/origin/" + aws.ToString(o.Id)}}
		c.door(audit.FrontDoor{
			Kind: audit.DoorCDNOrigin, Provider: audit.AWS, Account: c.account,
			ID: arn + "/origin/" + aws.ToString(o.Id) + "/behavior/" + b.pattern, Name: b.pattern + " -> " + aws.ToString(o.Id),
			Parent: arn, ParentName: aws.ToString(d.DomainName), Addresses: addrs, State: state, Scope: audit.ScopeInternet,
			Auth: auth, Targets: []audit.DoorTarget{t},
			AWS:    &audit.AWSFrontDoor{SourceARN: arn, WebACL: aws.ToString(d.WebACLId)},
			Source: src, StateSource: src,
		})
	}
}

func trimSlash(s string) string {
	for len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	return s
}
