package awslambda

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

// paceEstate seeds n functions without aliases in one region: every 20th has a
// public function URL policy (so its URL configuration is read), every 3rd is
// invoked by S3, the rest have no resource policy. The server answers every
// call after latency and throttles at AWS's documented quotas.
func paceEstate(t testing.TB, n int, latency time.Duration) *awstest.Server {
	s := awstest.New(t)
	a := s.AddAccount(mgmtAcct)
	a.Roles = []*awstest.Role{{Name: "app", Inline: map[string]string{"read": readPolicy}}}
	reg := a.AddRegion("us-east-1")
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("svc-%04d", i)
		f := &awstest.Function{Name: name, Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("app"),
			Env: map[string]string{"TABLE": "orders"}}
		switch {
		case i%20 == 0:
			f.Policy, f.URL = doc(`{"Sid":"url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`), "NONE"
		case i%3 == 0:
			f.Policy = doc(`{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bucket-` + name + `"}}}`)
		}
		reg.Functions = append(reg.Functions, f)
	}
	s.SetLatency(latency)
	s.SetQuotas(awstest.DocumentedQuotas())
	return s
}

// paceFigures are the measures BenchmarkCollect reports.
type paceFigures struct {
	callsPerFunction float64
	throttled        int
	throttledShare   float64
	wall             time.Duration
	bound            time.Duration // the quota lower bound of the calls made
}

func measure(t testing.TB, n int, latency time.Duration) paceFigures {
	s := paceEstate(t, n, latency)
	start := time.Now()
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}, Quotas: DefaultQuotas()})
	wall := time.Since(start)
	if len(inv.Functions) != n || len(inv.Gaps) != 0 {
		t.Fatalf("collected %d functions with gaps %+v, want %d and none", len(inv.Functions), inv.Gaps, n)
	}
	lambdaCalls := s.Calls("lambda:*")
	policy := s.Calls("lambda:GetPolicy")
	other := lambdaCalls - policy
	q := DefaultQuotas()
	bound := math.Max(float64(policy)/q.LambdaGetPolicy, float64(other)/q.LambdaControl)
	thr := s.Throttled("lambda:*")
	return paceFigures{
		callsPerFunction: float64(lambdaCalls) / float64(n),
		throttled:        thr,
		throttledShare:   float64(thr) / float64(lambdaCalls),
		wall:             wall,
		bound:            time.Duration(bound * float64(time.Second)),
	}
}

// BenchmarkCollect collects 2,000 functions in one region from a server that
// answers each call after 20 ms and throttles at Lambda's documented quotas,
// and reports the API calls per function, the throttled calls and the wall
// time against the quota lower bound of the calls made. It takes about two and
// a half minutes per iteration; run it with -benchtime=1x.
func BenchmarkCollect(b *testing.B) {
	const functions = 2000
	for i := 0; i < b.N; i++ {
		f := measure(b, functions, 20*time.Millisecond)
		b.ReportMetric(f.callsPerFunction, "calls/function")
		b.ReportMetric(float64(f.throttled), "throttled")
		b.ReportMetric(100*f.throttledShare, "throttled-%")
		b.ReportMetric(f.wall.Seconds(), "wall-s")
		b.ReportMetric(f.bound.Seconds(), "bound-s")
		b.ReportMetric(f.wall.Seconds()/f.bound.Seconds(), "wall/bound")
	}
}

// TestPacingKeepsToQuota is a small version of BenchmarkCollect that runs with
// the tests: pacing must avoid throttling and extra calls. How close the wall
// time comes to the quota bound depends on the machine's speed, so only the
// benchmark measures it (wall/bound); the test logs it.
func TestPacingKeepsToQuota(t *testing.T) {
	if testing.Short() {
		t.Skip("takes several seconds")
	}
	t.Parallel()
	f := measure(t, 60, 20*time.Millisecond)
	if f.callsPerFunction > 2.2 {
		t.Errorf("%.2f Lambda calls per function, want at most 2.2", f.callsPerFunction)
	}
	if f.throttledShare >= 0.02 {
		t.Errorf("%d calls throttled (%.1f%%), want under 2%%", f.throttled, 100*f.throttledShare)
	}
	t.Logf("calls/function %.3f, throttled %d, wall %v, bound %v", f.callsPerFunction, f.throttled, f.wall, f.bound)
}
