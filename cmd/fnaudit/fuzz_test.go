package main

import (
	"strings"
	"testing"
)

// Whatever arrives on standard input, analyze answers with a report (exit 0, 1
// or 3) or one error line (exit 2), never a panic.
func FuzzAnalyzeStdin(f *testing.F) {
	f.Add(publicGCP)
	f.Add(withGap(publicGCP))
	f.Add(emptyInv)
	f.Add(publicGCP[:100])
	f.Add(`{"schema":"fnaudit.inventory/v1","functions":[{"provider":"aws","id":"x","name":"x","aws":{"policies":[{"document":{"Statement":5}}]}}]}`)
	f.Add(`{"schema":"fnaudit.inventory/v1","functions":[{"provider":"azure","id":"x","name":"x","access":[{"principal":{"kind":"public","id":"*"},"effect":"Allow"}]}]}`)
	f.Fuzz(func(t *testing.T, stdin string) {
		r := runCmd(t, stdin, "analyze", "-", "--format", "json", "--now", now)
		switch r.code {
		case exitOK, exitGaps:
		case exitUsage:
			if strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("exit 2 without exactly one stderr line: %q", r.stderr)
			}
		default:
			t.Errorf("exit %d: %q", r.code, r.stderr)
		}
	})
}
