package rules

import "testing"

func TestAWSOpenFrontDoor(t *testing.T) {
	t.Parallel()
	failing, passing := runFixtures(t, AWSOpenFrontDoor)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}
