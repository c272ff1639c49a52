package rules

import (
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

func TestAzureAdminAccess(t *testing.T) {
	failing, passing := runFixtures(t, AzureAdminAccess)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}

func TestAzureAdminReason(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    audit.Policy
		want bool
	}{
		{"owner by id", audit.Policy{Name: "x", ID: "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"}, true},
		{"uaa by name only", audit.Policy{Name: "User Access Administrator"}, true},
		{"custom star", audit.Policy{Name: "c", ID: "6a1f3c2e-9b8d-4e7f-a6c5-3d2e1f0a9b8c", Grants: []audit.Grant{{Effect: audit.Allow, Actions: []string{"*"}}}}, true},
		{"custom authz wildcard", audit.Policy{Name: "c", Grants: []audit.Grant{{Effect: audit.Allow, Actions: []string{"Microsoft.Authorization/*"}}}}, true},
		{"custom authz excluded", audit.Policy{Name: "c", Grants: []audit.Grant{{Effect: audit.Allow, Actions: []string{"Microsoft.Authorization/*"}, NotActions: []string{"Microsoft.Authorization/*/write"}}}}, false},
		{"custom named Owner with own guid", audit.Policy{Name: "Owner", ID: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"}, false},
		{"reader", audit.Policy{Name: "Reader", ID: "acdd72a7-3385-48ef-bd42-f606fba81ae7", Grants: []audit.Grant{{Effect: audit.Allow, Actions: []string{"*/read"}}}}, false},
	} {
		if _, got := azureAdminReason(&tc.p); got != tc.want {
			t.Errorf("%s: admin = %v, want %v", tc.name, got, tc.want)
		}
	}
}
