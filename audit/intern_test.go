package audit

import (
	"encoding/json"
	"fmt"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// Two findings and two control summaries decoded apart hold their own copies
// of every string; interned, they share the repeated ones and keep their
// values.
func TestInterner(t *testing.T) {
	t.Parallel()
	const finding = `{"id":"%s","rule":"FNA-AWS-001","severity":"critical","status":"fail","provider":"aws","account":"111122223333",` +
		`"region":"us-east-1","resource":"arn:%s","function":"%s","title":"Function is publicly invocable","remediation":"Remove the statement",` +
		`"evidence":[{"source":{"api":"lambda:GetPolicy","ref":"policy"},"path":"Statement[0]","fragment":"{\"Principal\":\"*\"}"}]}`
	const ctl = `{"function":"arn:%s","name":"%s","provider":"aws","account":"111122223333","region":"us-east-1","judged":true,` +
		`"controllers":[{"principal":{"kind":"role","id":"arn:aws:iam::111122223333:role/admin","account":"111122223333"},"kinds":["change-code"]}]}`
	var fs [2]Finding
	var cs [2]FunctionControl
	for i, name := range []string{"a", "b"} {
		if err := json.Unmarshal([]byte(fmt.Sprintf(finding, name, name, name)), &fs[i]); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(fmt.Sprintf(ctl, name, name)), &cs[i]); err != nil {
			t.Fatal(err)
		}
	}
	want := fs
	wantC := []FunctionControl{cs[0], cs[1]}
	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }
	if same(fs[0].Title, fs[1].Title) {
		t.Fatal("decoded findings already share their title")
	}
	var in Interner
	for i := range fs {
		in.Finding(&fs[i])
		in.Control(&cs[i])
	}
	if diff := cmp.Diff(want, fs); diff != "" {
		t.Errorf("interning changed findings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantC, []FunctionControl{cs[0], cs[1]}); diff != "" {
		t.Errorf("interning changed control summaries (-want +got):\n%s", diff)
	}
	for what, pair := range map[string][2]string{
		"title":       {fs[0].Title, fs[1].Title},
		"remediation": {fs[0].Remediation, fs[1].Remediation},
		"account":     {fs[0].Account, fs[1].Account},
		"fragment":    {fs[0].Evidence[0].Fragment, fs[1].Evidence[0].Fragment},
		"controller":  {cs[0].Controllers[0].Principal.ID, cs[1].Controllers[0].Principal.ID},
		"kind":        {string(cs[0].Controllers[0].Kinds[0]), string(cs[1].Controllers[0].Kinds[0])},
	} {
		if !same(pair[0], pair[1]) {
			t.Errorf("the two %ss are not shared", what)
		}
	}
	if same(fs[0].Resource, fs[1].Resource) || fs[0].Resource == fs[1].Resource {
		t.Error("the functions' own resources were merged")
	}
}
