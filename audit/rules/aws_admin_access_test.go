package rules

import "testing"

func TestAWSAdminAccess(t *testing.T) {
	failing, passing := runFixtures(t, AWSAdminAccess)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}
