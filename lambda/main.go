package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	if limit, ok := memoryLimit(os.Getenv); ok {
		debug.SetMemoryLimit(limit)
	}
	h, err := newHandlerFromEnv(context.Background(), os.Getenv)
	if err != nil {
		// Failing here fails the function's init: Lambda reports it and logs
		// this line, which names the variable at fault.
		fmt.Fprintln(os.Stderr, "fnaudit:", err)
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}
