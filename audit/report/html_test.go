package report

import (
	"bytes"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

func TestHTMLGolden(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]Options{
		"html":          {ProductVersion: "1.0.0-test"},
		"html-min-high": {MinSeverity: audit.High},
	} {
		var buf bytes.Buffer
		if err := Render(&buf, HTML, testReport(), opts); err != nil {
			t.Fatal(err)
		}
		golden(t, name, buf.Bytes())
		var again bytes.Buffer
		if err := Render(&again, HTML, testReport(), opts); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), again.Bytes()) {
			t.Errorf("%s: output is not deterministic", name)
		}
	}
}
