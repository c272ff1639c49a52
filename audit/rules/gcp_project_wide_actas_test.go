package rules

import "testing"

func TestGCPProjectWideActAs(t *testing.T) {
	failing, passing := runFixtures(t, GCPProjectWideActAs)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}
