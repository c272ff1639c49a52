package policy_test

import (
	"fmt"

	"github.com/fnaudit/fnaudit/audit/policy"
)

// A function URL with AuthType NONE and the two statements the Lambda console
// adds: anyone can call it. The S3 permission is pinned to the account's
// bucket and is not an exposure.
func ExampleInvokeAccess() {
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl",
	  "Resource":"arn:aws:lambda:us-east-1:123456789012:function:site","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}},
	 {"Sid":"FunctionURLInvokeAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction",
	  "Resource":"arn:aws:lambda:us-east-1:123456789012:function:site","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}},
	 {"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction",
	  "Resource":"arn:aws:lambda:us-east-1:123456789012:function:site",
	  "Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::site-assets"}}}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	v := policy.InvokeAccess(doc, policy.InvokeContext{Account: "123456789012", URLAuthType: "NONE"})
	for _, x := range v.Exposures {
		fmt.Println(x.Kind, x.Path, x.Statements)
	}
	fmt.Println("public:", v.Public())
	// Output:
	// public url [0 1]
	// public: true
}

// A malformed document is an error naming the statement and the field.
func ExampleParse() {
	_, err := policy.Parse([]byte(`{"Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
	 "Action":"lambda:InvokeFunction","Condition":{"StringEquals":{"aws:SourceAccount":["123456789012",{}]}}}]}`))
	fmt.Println(err)
	// Output:
	// policy: Statement[0] (Sid "s3").Condition.StringEquals["aws:SourceAccount"]: item 1 must be a string, number or boolean, got an object
}
