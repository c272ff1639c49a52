package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// buildInfo is what `fnaudit version` reports; readBuildInfo is replaced by tests.
var readBuildInfo = debug.ReadBuildInfo

// version is the module version fnaudit was built from, or "dev" when the
// binary carries none (go run, go build inside the repository).
func version() string {
	if bi, ok := readBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// versionString is the module version, the VCS revision (with "+dirty" for
// uncommitted changes) and the Go version, as far as the build info has them:
// "v1.2.0 (revision 0123abcd4567+dirty, go1.26.8 linux/amd64)".
func versionString() string {
	v := version()
	rev, dirty := "", false
	goVersion := runtime.Version()
	if bi, ok := readBuildInfo(); ok {
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	out := v + " ("
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		out += "revision " + rev
		if dirty {
			out += "+dirty"
		}
		out += ", "
	}
	return out + goVersion + " " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print fnaudit's version, VCS revision and Go version",
		Long: `Prints the module version fnaudit was built from ("dev" when the binary has
none, as with go run), the VCS revision (+dirty when the tree had uncommitted
changes) and the Go version. "fnaudit --version" prints the same.`,
		Example: `  fnaudit version
  fnaudit --version`,
		Args: noArgs(""),
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(e.stdout, "fnaudit", versionString())
			return nil
		},
	}
}
