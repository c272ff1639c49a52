package providertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// Memory is an in-memory AWS-shaped adapter: it serves an Estate from memory the
// way a real adapter reads it from a cloud API, including paged listing, a denied
// account recorded as a gap, and throttled list calls that it retries. It passes
// Run and is the smallest example of the adapter contract.
type Memory struct {
	Estate Estate
	// Now stamps the inventory; zero means time.Now.
	Now time.Time

	throttled int
}

var errThrottled = errors.New("TooManyRequestsException: rate exceeded")

// Provider reports audit.AWS.
func (m *Memory) Provider() audit.Provider { return audit.AWS }

// Collect lists the estate page by page.
func (m *Memory) Collect(ctx context.Context) (*audit.Inventory, error) {
	now := m.Now
	if now.IsZero() {
		now = time.Now()
	}
	e := m.Estate
	inv := audit.NewInventory(now)
	inv.Accounts = append(inv.Accounts, audit.Account{Provider: audit.AWS, ID: e.Account, Regions: []string{e.Region}})
	if e.DeniedAccount != "" {
		inv.Gaps = append(inv.Gaps, audit.Gap{
			Provider: audit.AWS, Account: e.DeniedAccount, Region: e.Region,
			API: "lambda:ListFunctions", Data: audit.DataFunctions, Reason: audit.GapAccessDenied,
			Message: "AccessDeniedException: not authorized to perform lambda:ListFunctions",
		})
	}
	size := e.PageSize
	if size <= 0 {
		size = 50
	}
	for start := 0; start < len(e.Functions); {
		page, err := m.listPage(ctx, start, size)
		if errors.Is(err, errThrottled) {
			// A real adapter backs off; memory has no clock to wait on.
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, f := range page {
			fn, ident := m.function(f)
			inv.Functions = append(inv.Functions, fn)
			inv.Identities = append(inv.Identities, ident)
		}
		start += len(page)
	}
	return inv, nil
}

func (m *Memory) listPage(ctx context.Context, start, size int) ([]Fn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if m.throttled < m.Estate.ThrottleFirst {
		m.throttled++
		return nil, errThrottled
	}
	end := min(start+size, len(m.Estate.Functions))
	return m.Estate.Functions[start:end], nil
}

func (m *Memory) function(f Fn) (audit.Function, audit.Identity) {
	e := m.Estate
	arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", e.Region, e.Account, f.Name)
	role := fmt.Sprintf("arn:aws:iam::%s:role/%s-role", e.Account, f.Name)
	fn := audit.Function{
		Provider: audit.AWS, Account: e.Account, Region: e.Region, Name: f.Name, ID: arn,
		Runtime: "python3.13", PackageType: "Zip",
		Identities: []string{role},
		AWS:        &audit.AWSFunction{Role: role, URLsChecked: true},
		Source:     audit.Source{API: "lambda:ListFunctions", Ref: arn},
	}
	var stmts []map[string]any
	if f.Public {
		stmts = append(stmts, map[string]any{
			"Sid": "AnyoneInvoke", "Effect": "Allow", "Principal": "*",
			"Action": "lambda:InvokeFunction", "Resource": arn,
		})
	}
	if f.ServicePinned {
		bucket := "arn:aws:s3:::" + f.Name + "-uploads"
		stmts = append(stmts, map[string]any{
			"Sid": "S3Invoke", "Effect": "Allow", "Principal": map[string]any{"Service": "s3.amazonaws.com"},
			"Action": "lambda:InvokeFunction", "Resource": arn,
			"Condition": map[string]any{
				"StringEquals": map[string]any{"AWS:SourceAccount": e.Account},
				"ArnLike":      map[string]any{"AWS:SourceArn": bucket},
			},
		})
		fn.Triggers = append(fn.Triggers, audit.Trigger{
			Kind: audit.TriggerStorage, Service: "s3.amazonaws.com", SourceID: bucket, Auth: audit.AuthService,
			Source: audit.Source{API: "lambda:GetPolicy", Ref: arn},
		})
	}
	if len(stmts) > 0 {
		doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": stmts})
		fn.AWS.Policies = []audit.ResourcePolicy{{Document: doc, Source: audit.Source{API: "lambda:GetPolicy", Ref: arn}}}
	}
	action, resource := "logs:PutLogEvents", "arn:aws:logs:"+e.Region+":"+e.Account+":log-group:/aws/lambda/"+f.Name+":*"
	if f.WildcardIdentity {
		action, resource = "*", "*"
	}
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []map[string]any{{
		"Effect": "Allow", "Action": action, "Resource": resource,
	}}})
	ident := audit.Identity{
		Provider: audit.AWS, Account: e.Account, ID: role, Name: f.Name + "-role", Kind: "aws-role",
		Policies: []audit.Policy{{Kind: audit.PolicyInline, Name: "main", Document: doc,
			Source: audit.Source{API: "iam:GetAccountAuthorizationDetails", Ref: role}}},
		Source: audit.Source{API: "iam:GetAccountAuthorizationDetails", Ref: role},
	}
	return fn, ident
}
