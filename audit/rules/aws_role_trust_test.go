package rules

import "testing"

func TestAWSRoleTrust(t *testing.T) {
	failing, passing := runFixtures(t, AWSRoleTrust)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}
