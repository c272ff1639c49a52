package main

import (
	"fmt"
	"io"
)

// run is replaced by the full command shortly; it exists so the package builds.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	_ = stdin
	_ = stdout
	fmt.Fprintln(stderr, "fnaudit: not implemented yet")
	return 2
}

// factories keeps the provider factories referenced until scan lands.
var factories = []any{newAWSCollector, newGCPCollector, newAzureCollector}
