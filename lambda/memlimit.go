package main

import (
	"strconv"
)

// memoryLimit is the Go runtime's soft memory limit for the function: 90% of
// the memory Lambda gives it (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, in MB), so the
// collector runs before the heap outgrows the function instead of at twice
// the live heap (GOGC's default), which the publish step of a large
// organization would not survive. ok is false when GOMEMLIMIT is set (the
// operator's choice wins) or the size is not a positive number.
func memoryLimit(getenv func(string) string) (limit int64, ok bool) {
	if getenv("GOMEMLIMIT") != "" {
		return 0, false
	}
	mb, err := strconv.ParseInt(getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), 10, 64)
	if err != nil || mb <= 0 || mb > 1<<20 {
		return 0, false
	}
	return mb << 20 / 10 * 9, true
}
