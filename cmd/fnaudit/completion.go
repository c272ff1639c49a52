package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
)

func newCompletionCmd(e *env, root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print the shell completion script for bash, zsh or fish",
		Long: `Prints a script that completes fnaudit's commands, flags and flag values
(formats, providers, severities, rule ids) in bash, zsh or fish.`,
		Example: `  # bash (needs the bash-completion package)
  fnaudit completion bash > ~/.local/share/bash-completion/completions/fnaudit
  # zsh (a directory on $fpath; then restart the shell)
  fnaudit completion zsh > "${fpath[1]}/_fnaudit"
  # fish
  fnaudit completion fish > ~/.config/fish/completions/fnaudit.fish`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &usageError{"want one shell: bash, zsh or fish"}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(e.stdout, true)
			case "zsh":
				return root.GenZshCompletion(e.stdout)
			case "fish":
				return root.GenFishCompletion(e.stdout, true)
			}
			return &usageError{fmt.Sprintf("unknown shell %q (want bash, zsh or fish)", args[0])}
		},
	}
}

// registerCompletions completes the values of cmd's flags that take one of a
// fixed set.
func registerCompletions(cmd *cobra.Command) {
	severities := make([]string, 0, len(audit.Severities()))
	for _, s := range audit.Severities() {
		severities = append(severities, string(s))
	}
	providers := make([]string, 0, len(audit.Providers()))
	for _, p := range audit.Providers() {
		providers = append(providers, string(p))
	}
	formats := make([]string, 0, len(report.Formats()))
	for _, f := range report.Formats() {
		formats = append(formats, string(f))
	}
	formats = append(formats, string(formatASFF))
	values := map[string][]string{"format": formats, "min-severity": severities, "fail-on": severities, "provider": providers}
	for name, v := range values {
		if cmd.Flags().Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(v, cobra.ShellCompDirectiveNoFileComp))
		}
	}
}
