package awsfrontdoor

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

// benchScale speeds the documented quotas up (on both the server and the
// collector) so the benchmark finishes in about half a minute; the ratio of
// wall time to the quota lower bound does not depend on it.
const benchScale = 4

// BenchmarkCollectRegion collects one account-region with 200 REST APIs of 10
// resources, 50 HTTP APIs and 20 load balancers at the documented quotas
// (scaled by benchScale), 20ms of latency per call, and reports the wall time
// against the lower bound the quotas set for the calls made, calls per API
// and per load balancer, and the share of throttled calls.
func BenchmarkCollectRegion(b *testing.B) {
	s := awstest.New(b)
	s.AddAccount(acct).AddRegion(region)
	d := s.FrontDoors().Region(acct, region)
	for i := 0; i < 200; i++ {
		a := &awstest.RestAPI{ID: fmt.Sprintf("rest%03d", i), Name: "api", EndpointType: "REGIONAL"}
		for j := 0; j < 10; j++ {
			a.Resources = append(a.Resources, &awstest.APIResource{ID: fmt.Sprintf("r%d", j), Path: fmt.Sprintf("/p%d", j),
				Methods: map[string]awstest.APIMethod{"GET": {AuthorizationType: "NONE", IntegrationType: "AWS_PROXY", IntegrationURI: lambdaPath(fmt.Sprintf("%sfn%d", fnARN, i))}}})
		}
		a.Deploy("prod", nil)
		d.RestAPIs = append(d.RestAPIs, a)
	}
	for i := 0; i < 50; i++ {
		d.HTTPAPIs = append(d.HTTPAPIs, &awstest.HTTPAPI{ID: fmt.Sprintf("http%03d", i), ProtocolType: "HTTP",
			Routes:       []awstest.V2Route{{ID: "r", RouteKey: "GET /x", AuthorizationType: "NONE", Target: "integrations/i"}},
			Integrations: []awstest.V2Integration{{ID: "i", Type: "AWS_PROXY", URI: fmt.Sprintf("%shttp%d", fnARN, i)}},
			Stages:       []awstest.V2Stage{{Name: "$default", AutoDeploy: true}}})
	}
	for i := 0; i < 20; i++ {
		lb := fmt.Sprintf("arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/lb%d/1", i)
		tg := fmt.Sprintf("arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/tg%d/1", i)
		d.LoadBalancers = append(d.LoadBalancers, &awstest.LoadBalancer{ARN: lb, Name: fmt.Sprintf("lb%d", i), DNSName: "lb.example", Scheme: "internet-facing",
			SecurityGroups: []string{fmt.Sprintf("sg-%d", i)},
			Listeners:      []*awstest.Listener{{ARN: lb + "/l", Port: 443, Protocol: "HTTPS", DefaultActions: []awstest.LBAction{{Type: "forward", TargetGroupARN: tg}}}}})
		d.TargetGroups = append(d.TargetGroups, &awstest.TargetGroup{ARN: tg, TargetType: "lambda", LoadBalancerARNs: []string{lb}, Targets: []string{fmt.Sprintf("%salb%d", fnARN, i)}})
		d.SecurityGroups = append(d.SecurityGroups, &awstest.SecurityGroup{ID: fmt.Sprintf("sg-%d", i), Ingress: []awstest.SGRule{{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"0.0.0.0/0"}}}})
	}
	q := Quotas{APIGatewayGetResources: 2.5 * benchScale, APIGatewayTotal: 10 * benchScale, ELBv2: 10 * benchScale, EC2: 20 * benchScale, CloudFront: 5 * benchScale}
	s.FrontDoors().SetQuotas(awstest.FrontDoorQuotas{
		APIGatewayGetResources: q.APIGatewayGetResources, APIGatewayGetResourcesBurst: 5 * benchScale,
		APIGatewayTotal: q.APIGatewayTotal, APIGatewayTotalBurst: 40 * benchScale,
		ELBv2Describe: q.ELBv2, ELBv2DescribeBurst: 40 * benchScale, EC2Describe: q.EC2, EC2DescribeBurst: 100 * benchScale,
	})
	s.SetLatency(20 * time.Millisecond)
	cfg := testConfig(b, s)
	for b.Loop() {
		s.ResetCounters()
		stats := &Stats{}
		start := time.Now()
		res := CollectRegion(context.Background(), cfg, acct, region, Options{Quotas: q, Stats: stats})
		wall := time.Since(start)
		if len(res.Gaps) > 0 {
			b.Fatalf("gaps: %+v", res.Gaps)
		}
		if len(res.Doors) != 200*10+50+20 {
			b.Fatalf("%d doors", len(res.Doors))
		}
		calls := stats.Calls()
		apigw, resources, elb, ec, total, throttled := 0, calls["apigateway:GetResources"], 0, 0, 0, 0
		for op, n := range calls {
			total += n
			switch op[:3] {
			case "api":
				apigw += n
			case "ela":
				elb += n
			case "ec2":
				ec += n
			}
		}
		for _, n := range stats.Throttled() {
			throttled += n
		}
		bound := max(float64(apigw)/q.APIGatewayTotal, float64(resources)/q.APIGatewayGetResources, float64(elb)/q.ELBv2, float64(ec)/q.EC2)
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(bound, "bound-s")
		b.ReportMetric(wall.Seconds()/bound, "wall/bound")
		b.ReportMetric(float64(apigw-1-1-1)/250, "apigw-calls/api") // less GetRestApis, GetApis, GetDomainNames
		b.ReportMetric(float64(elb+ec)/20, "elb+ec2-calls/lb")
		b.ReportMetric(100*float64(throttled)/float64(total), "throttled-%")
		b.Logf("calls %v; throttled %v; server throttled %d", calls, stats.Throttled(), s.Throttled("apigateway:*")+s.Throttled("elasticloadbalancing:*")+s.Throttled("ec2:*"))
	}
}
