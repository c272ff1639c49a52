package rules

import "testing"

func TestGCPControlEscalation(t *testing.T) {
	failing, passing := runFixtures(t, GCPControlEscalation)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}
