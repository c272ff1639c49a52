package gcpfunctions

import "github.com/fnaudit/fnaudit/providers/gcpfunctions/gcpfake"

// The tests use the fake's scenario estate.
const (
	prodProject = gcpfake.ProdProject
	prodNumber  = gcpfake.ProdNumber
	denied      = gcpfake.DeniedProject
	devProject  = gcpfake.DevProject
)

func saOf(name string) string        { return gcpfake.SA(name) }
func fnName(loc, name string) string { return gcpfake.FunctionName(loc, name) }
func testEstate() *gcpfake.Estate    { return gcpfake.Scenario() }
