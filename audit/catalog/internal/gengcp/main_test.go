package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("storage.admin.json", `{"name":"roles/storage.admin","includedPermissions":["storage.buckets.create","storage.buckets.delete","storage.buckets.update","storage.objects.create","storage.objects.delete","storage.objects.get","storage.objects.list"]}`)
	write("storage.objectCreator.json", `{"name":"roles/storage.objectCreator","includedPermissions":["storage.objects.create","storage.multipartUploads.create"]}`)
	b, err := generate(dir, "2026-08-22")
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{
		"service\tstorage\t6\n",                   // distinct non-read permissions over both roles
		"role\troles/storage.admin\tstorage\t5\n", // get and list are reads
		"as of 2026-08-22",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "roles/storage.objectCreator") {
		t.Errorf("a role below the minimum is listed:\n%s", got)
	}
	write("bad.json", `{"name":"projects/p/roles/x","includedPermissions":[]}`)
	if _, err := generate(dir, "2026-08-22"); err == nil {
		t.Error("a custom role among the predefined ones must be refused")
	}
}
