package rules

import "testing"

func TestAzureBasicAuthPublishing(t *testing.T) {
	failing, passing := runFixtures(t, AzureBasicAuthPublishing)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}
