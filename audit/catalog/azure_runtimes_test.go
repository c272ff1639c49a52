package catalog

import "testing"

func TestAzureStackSupport(t *testing.T) {
	for _, tc := range []struct {
		runtime, want string
		ok            bool
	}{
		{"node|20", "node 20", true},
		{"Node|22-lts", "node 22", true},
		{"python|3.11", "python 3.11", true},
		{"python|3", "", false},
		{"dotnet-isolated|8.0", "dotnet 8.0", true},
		{"dotnet|v6.0", "dotnet 6.0", true},
		{"dotnet-isolated|9", "dotnet 9.0", true},
		{"dotnet|4.0", "", false},
		{"java|1.8", "java 8", true},
		{"java|17", "java 17", true},
		{"powershell|7.4", "powershell 7.4", true},
		{"custom|", "", false},
		{"node", "", false},
		{"", "", false},
	} {
		got, ok := AzureStackSupport(tc.runtime)
		if ok != tc.ok || (ok && got.Stack+" "+got.Version != tc.want) {
			t.Errorf("AzureStackSupport(%q) = %s %s %v, want %q %v", tc.runtime, got.Stack, got.Version, ok, tc.want, tc.ok)
		}
	}
}

func TestAzureHostSupport(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want string
		ok   bool
	}{{"~4", "4", true}, {"~3", "3", true}, {"3.0.15417.0", "3", true}, {"~1", "1", true}, {"beta", "", false}, {"", "", false}} {
		got, ok := AzureHostSupport(tc.v)
		if ok != tc.ok || got.Version != tc.want {
			t.Errorf("AzureHostSupport(%q) = %q %v", tc.v, got.Version, ok)
		}
	}
	if r, _ := AzureHostSupport("~4"); !r.EndOfSupport.IsZero() {
		t.Error("host 4.x has no end date")
	}
}

func TestAzureEscalationsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range AzureEscalations() {
		if e.ID == "" || e.Title == "" || e.Why == "" || len(e.AllOf) == 0 || e.MinScope == AzureScopeUnknown {
			t.Errorf("incomplete escalation %+v", e)
		}
		if seen[e.ID] {
			t.Errorf("duplicate escalation %s", e.ID)
		}
		seen[e.ID] = true
		for _, g := range e.AllOf {
			if len(g.Actions) == 0 {
				t.Errorf("%s: empty action group", e.ID)
			}
		}
	}
}

// TestAzureWorkerModelSupport pins the in-process model's own end of support
// (https://learn.microsoft.com/azure/azure-functions/migrate-dotnet-to-isolated-model:
// "Support ends for the in-process model on November 10, 2026").
func TestAzureWorkerModelSupport(t *testing.T) {
	for _, tc := range []struct {
		worker string
		want   string // YYYY-MM-DD, "" when the model has no date of its own
	}{
		{"dotnet", "2026-11-10"},
		{" DotNet ", "2026-11-10"},
		{"dotnet-isolated", ""},
		{"node", ""},
		{"python", ""},
		{"", ""},
	} {
		s, ok := AzureWorkerModelSupport(tc.worker)
		got := ""
		if ok {
			got = s.EndOfSupport.Format("2006-01-02")
		}
		if got != tc.want {
			t.Errorf("AzureWorkerModelSupport(%q) = %q, want %q", tc.worker, got, tc.want)
		}
	}
}
