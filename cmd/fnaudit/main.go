// Command fnaudit audits serverless functions for who can call them and what they
// can do.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
