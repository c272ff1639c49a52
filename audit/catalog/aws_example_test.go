package catalog_test

import (
	"fmt"

	"github.com/fnaudit/fnaudit/audit/catalog"
)

func ExampleExpandAWS() {
	fmt.Println(catalog.ExpandAWS("lambda:Invoke*"))
	level, _ := catalog.AWSAccessLevel("s3:PutBucketPolicy")
	fmt.Println(level)
	// Output:
	// [lambda:InvokeAsync lambda:InvokeFunction lambda:InvokeFunctionUrl]
	// Permissions management
}
