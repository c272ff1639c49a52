package rules

import (
	"testing"
	"time"
)

// TestGCPConditionAt pins how time-bound IAM conditions are read. Sources:
// conditions grant the role only when the expression is true
// (https://cloud.google.com/iam/docs/conditions-overview); request.time compared
// with timestamp() in RFC 3339, with <, <=, >, >= and && as the documented way to
// grant temporary access
// (https://cloud.google.com/iam/docs/conditions-attribute-reference#date-time,
// https://cloud.google.com/iam/docs/configuring-temporary-access).
func TestGCPConditionAt(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, cond string
		want       gcpCondState
	}{
		{"no condition", "", gcpCondNone},
		{"expired", `request.time < timestamp("2026-10-01T00:00:00Z")`, gcpCondNever},
		{"unexpired", `request.time < timestamp("2027-01-01T00:00:00Z")`, gcpCondHolds},
		{"ends exactly now, <", `request.time < timestamp("2026-11-01T12:00:00Z")`, gcpCondNever},
		{"ends exactly now, <=", `request.time <= timestamp("2026-11-01T12:00:00Z")`, gcpCondHolds},
		{"not begun", `request.time > timestamp("2026-12-01T00:00:00Z")`, gcpCondNever},
		{"begun, >=", `request.time >= timestamp("2026-11-01T12:00:00Z")`, gcpCondHolds},
		{"mirrored", `timestamp("2026-10-01T00:00:00Z") > request.time`, gcpCondNever},
		{"window now", `request.time > timestamp("2026-10-01T00:00:00Z") && request.time < timestamp("2026-12-01T00:00:00Z")`, gcpCondHolds},
		{"window past", `request.time >= timestamp("2026-09-01T00:00:00Z") && request.time <= timestamp("2026-10-01T00:00:00Z")`, gcpCondNever},
		{"parenthesised", `(request.time < timestamp("2026-10-01T00:00:00+02:00"))`, gcpCondNever},
		{"offset zone", `request.time < timestamp("2026-11-01T13:30:00+01:00")`, gcpCondHolds},
		{"expired and other clause", `resource.name.startsWith("projects/_/buckets/x") && request.time < timestamp("2026-10-01T00:00:00Z")`, gcpCondNever},
		{"unexpired and other clause", `resource.name.startsWith("projects/_/buckets/x") && request.time < timestamp("2027-01-01T00:00:00Z")`, gcpCondMaybe},
		{"disjunction not evaluated", `request.time < timestamp("2026-10-01T00:00:00Z") || resource.type == "x"`, gcpCondMaybe},
		{"negation not evaluated", `!(request.time < timestamp("2027-01-01T00:00:00Z"))`, gcpCondMaybe},
		{"other attribute", `resource.type == "storage.googleapis.com/Bucket"`, gcpCondMaybe},
		{"bad timestamp", `request.time < timestamp("next year")`, gcpCondMaybe},
		{"hour of day", `request.time.getHours("Europe/Berlin") < 18`, gcpCondMaybe},
		{"quoted && inside a string", `resource.name == "a&&b" && request.time < timestamp("2026-10-01T00:00:00Z")`, gcpCondNever},
	} {
		if got, _ := gcpConditionAt(tc.cond, now); got != tc.want {
			t.Errorf("%s: gcpConditionAt(%q) = %v, want %v", tc.name, tc.cond, got, tc.want)
		}
	}
}
