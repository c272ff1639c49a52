package gcpfake

import "testing"

func TestPage(t *testing.T) {
	for _, tc := range []struct {
		token      string
		n, size    int
		start, end int
		next       string
		err        bool
	}{
		{"", 5, 2, 0, 2, "2", false},
		{"2", 5, 2, 2, 4, "4", false},
		{"4", 5, 2, 4, 5, "", false},
		{"", 0, 2, 0, 0, "", false},
		{"x", 5, 2, 0, 0, "", true},
		{"9", 5, 2, 0, 0, "", true},
	} {
		start, end, next, err := page(tc.token, tc.n, tc.size)
		if (err != nil) != tc.err || (err == nil && (start != tc.start || end != tc.end || next != tc.next)) {
			t.Errorf("page(%q, %d, %d) = %d, %d, %q, %v", tc.token, tc.n, tc.size, start, end, next, err)
		}
	}
}

func TestInParent(t *testing.T) {
	for _, tc := range []struct {
		name, parent string
		want         bool
	}{
		{"projects/p/locations/us-central1/functions/f", "projects/p/locations/-", true},
		{"projects/p/locations/us-central1/functions/f", "projects/p/locations/us-central1", true},
		{"projects/p/locations/us-central1/functions/f", "projects/p/locations/europe-west1", false},
		{"projects/q/locations/us-central1/functions/f", "projects/p/locations/-", false},
	} {
		if got := inParent(tc.name, tc.parent); got != tc.want {
			t.Errorf("inParent(%q, %q) = %v", tc.name, tc.parent, got)
		}
	}
}
