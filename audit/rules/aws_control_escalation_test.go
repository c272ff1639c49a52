package rules

import "testing"

func TestAWSControlEscalation(t *testing.T) {
	failing, passing := runFixtures(t, AWSControlEscalation)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}
