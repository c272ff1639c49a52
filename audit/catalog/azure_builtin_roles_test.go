package catalog

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// readPublishedAzureRoles reads testdata/azure_builtin_roles.tsv: the role names
// and ids of Microsoft's "Azure built-in roles" reference
// (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles),
// written down by us as facts, one "name<TAB>id" per line.
func readPublishedAzureRoles(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("testdata/azure_builtin_roles.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byName := map[string]string{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, id, ok := strings.Cut(text, "\t")
		if !ok || !azureIsGUID(id) {
			t.Fatalf("azure_builtin_roles.tsv:%d: want name<TAB>lower-case GUID, got %q", line, text)
		}
		if _, dup := byName[name]; dup {
			t.Fatalf("azure_builtin_roles.tsv:%d: %s listed twice", line, name)
		}
		byName[name] = id
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return byName
}

// TestAzureBuiltinRoleIDsArePublished checks every built-in role of the catalogue
// against the published list: same name, same GUID. A wrong GUID makes the
// role unrecognisable by id, so it would be judged (and described) as a custom
// role.
func TestAzureBuiltinRoleIDsArePublished(t *testing.T) {
	published := readPublishedAzureRoles(t)
	for _, r := range AzureBuiltinRoles() {
		want, ok := published[r.Name]
		if !ok {
			t.Errorf("%s: not in the published list (testdata/azure_builtin_roles.tsv); add its row from Microsoft's reference", r.Name)
			continue
		}
		if r.ID != want {
			t.Errorf("%s: catalogue id %s, Microsoft publishes %s", r.Name, r.ID, want)
		}
		if got, ok := AzureBuiltinRole("/providers/Microsoft.Authorization/roleDefinitions/" + want); !ok || got.Name != r.Name {
			t.Errorf("%s: the published id %s is not recognised (got %q, %v)", r.Name, want, got.Name, ok)
		}
	}
}
