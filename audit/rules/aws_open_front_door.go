package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed aws_open_front_door.md
var awsOpenFrontDoorDoc string

// AWSOpenFrontDoor reports Lambda functions that the internet reaches through
// a deployed front door (an API Gateway method or route, a load balancer
// rule, a CloudFront origin) that authenticates no one: the function's own
// policy admits only the door's service, and the door admits everyone.
var AWSOpenFrontDoor = audit.Rule{
	ID:       "FNA-AWS-008",
	Slug:     "aws-open-front-door",
	Category: audit.PublicInvoke,
	Severity: audit.Critical,
	Provider: audit.AWS,
	Title:    "Lambda function reachable from the internet through a front door without authentication",
	Doc:      awsOpenFrontDoorDoc,
	Remediation: "Put authentication on the route, method or rule (an IAM, JWT, Cognito or Lambda authorizer; " +
		"authenticate-oidc or authenticate-cognito before the ALB forward action; trusted key groups on the " +
		"CloudFront behaviour), or take it off the internet (PRIVATE endpoint, internal load balancer, a resource " +
		"policy or security group limited to your networks). Remove routes nobody should call and redeploy the stage.",
	References: []string{
		"https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html",
		"https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html",
		"https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html",
		"https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-control-access.html",
		"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html",
		"https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-lambda.html",
	},
	Needs: []audit.DataKind{audit.DataAccess, audit.DataFrontDoors},
	Check: checkAWSOpenFrontDoor,
}

func checkAWSOpenFrontDoor(pass *audit.Pass) {
	fn := pass.Function
	for _, j := range awsDoorJudgements(pass) {
		d := j.door
		if !j.admitted {
			continue // the function's policy does not let this door invoke it
		}
		switch d.State {
		case audit.DoorStateUnknown:
			awsDoorUnknown(pass, &j, "whether it is deployed could not be read")
			continue
		case audit.DoorDeployed:
		default:
			continue
		}
		if !d.Reachable() {
			continue // every address is disabled
		}
		switch d.Scope {
		case audit.ScopeUnknown:
			awsDoorUnknown(pass, &j, "whether it faces the internet could not be read")
			continue
		case audit.ScopeInternet:
		default:
			continue // private or internal: not reachable from the internet
		}
		if j.anonymous.err != nil {
			awsDoorUnknown(pass, &j, fmt.Sprintf("its resource policy could not be parsed: %v", j.anonymous.err))
			continue
		}
		auth, apiKey, unknown := awsDoorAuth(d)
		if unknown {
			awsDoorUnknown(pass, &j, "its authentication could not be read")
			continue
		}
		label, what := awsDoorLabel(&j, fn), awsDoorWhat(d)
		res := audit.Result{Key: d.ID, Evidence: awsDoorEvidence(&j), FrontDoor: d.Ref()}
		if len(auth) > 0 {
			// Authenticated. With IAM, a policy that lets "*" in lets every AWS
			// account sign the call.
			if !awsHasIAM(auth) || j.anyAccount.state != "open" || j.closed || j.narrowedTo != nil {
				continue
			}
			res.Severity = audit.High
			res.Title = label + " with IAM authentication open to any AWS account"
			res.Detail = fmt.Sprintf("%s with IAM authentication only (%s), and the API's resource policy lets any AWS principal call it: anyone can open an account and sign the request.", label, what)
			res.Evidence = append(res.Evidence, j.anyAccount.evidence...)
			pass.Report(res)
			continue
		}
		if j.closed || j.anonymous.state == "closed" {
			continue
		}
		nets := j.narrowedTo
		ev := j.narrowEv
		if j.anonymous.state == "narrowed" {
			nets = append(append([]string(nil), nets...), j.anonymous.narrowedTo...)
			ev = append(ev, j.anonymous.evidence...)
		} else if j.anonymous.state == "open" {
			res.Evidence = append(res.Evidence, j.anonymous.evidence...)
		}
		how := "no authentication"
		if apiKey {
			how = "an API key only"
		}
		switch {
		case len(nets) > 0:
			res.Severity = audit.Low
			res.Title = label + " without authentication from named networks"
			res.Detail = fmt.Sprintf("%s with %s (%s), from %s only. A network location is not an identity: anyone on those networks can call it.", label, how, what, strings.Join(nets, ", "))
			res.Evidence = append(res.Evidence, ev...)
		case apiKey:
			res.Severity = audit.High
			res.Title = label + " with an API key only"
			res.Detail = fmt.Sprintf("%s with an API key only (%s). Usage plan API keys identify clients for throttling and quotas; AWS says not to use them for authorization.", label, what)
		default:
			res.Severity = audit.Critical
			res.Title = label + " with no authentication"
			res.Detail = fmt.Sprintf("%s with no authentication (%s).", label, what)
		}
		pass.Report(res)
	}
}

func awsHasIAM(auth []audit.DoorAuth) bool {
	for _, a := range auth {
		if a.Type == audit.DoorAuthIAM {
			return len(auth) == 1
		}
	}
	return false
}
