package rules

import "testing"

func TestGCPDeprecatedRuntime(t *testing.T) {
	failing, passing := runFixtures(t, GCPDeprecatedRuntime)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}
