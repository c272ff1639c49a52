package catalog

import (
	"sort"
	"strings"
	"time"
)

// AWSRuntimesSource is where the AWS Lambda runtime dates come from.
const AWSRuntimesSource = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"

// AWSRuntimesChecked is when the table below was last compared with AWS's page.
// AWS moves block dates now and then; update the table when it does.
const AWSRuntimesChecked = "2026-11"

// AWSRuntime is one AWS Lambda managed runtime and its end-of-support dates.
// A zero date means AWS has not announced one.
type AWSRuntime struct {
	// ID is the runtime identifier, e.g. "python3.12".
	ID   string
	Name string
	// OS is the Amazon Linux release the runtime is built on.
	OS string
	// Deprecation: Lambda stops patching the runtime.
	Deprecation time.Time
	// BlockCreate: new functions can no longer use the runtime.
	BlockCreate time.Time
	// BlockUpdate: existing functions on the runtime can no longer be updated.
	BlockUpdate time.Time
}

func awsDay(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic("catalog: bad runtime date " + s) // a typo in the table below; caught by its test
	}
	return t
}

func awsRT(id, name, os, dep, create, update string) AWSRuntime {
	return AWSRuntime{ID: id, Name: name, OS: os, Deprecation: awsDay(dep), BlockCreate: awsDay(create), BlockUpdate: awsDay(update)}
}

// awsRuntimes are AWS's published dates (deprecation, block function create,
// block function update), supported runtimes first, then deprecated ones.
// Where AWS lists only a projected deprecation date (the Amazon Linux 2
// runtimes were moved to 2027-06-30, python3.10 to 2026-10-31), the block dates
// are left zero rather than guessed: the rule then reports such a runtime as
// deprecated (high), never as blocked (critical), until the dates are known.
var awsRuntimes = []AWSRuntime{
	awsRT("nodejs26.x", "Node.js 26 (preview)", "Amazon Linux 2023", "", "", ""),
	awsRT("nodejs24.x", "Node.js 24", "Amazon Linux 2023", "2028-04-30", "2028-06-01", "2028-07-01"),
	awsRT("nodejs22.x", "Node.js 22", "Amazon Linux 2023", "2027-04-30", "2027-06-01", "2027-07-01"),
	awsRT("nodejs20.x", "Node.js 20", "Amazon Linux 2023", "2026-04-30", "2026-08-31", "2026-09-30"),
	awsRT("python3.15", "Python 3.15 (preview)", "Amazon Linux 2023", "", "", ""),
	awsRT("python3.14", "Python 3.14", "Amazon Linux 2023", "2029-06-30", "2029-07-31", "2029-08-31"),
	awsRT("python3.13", "Python 3.13", "Amazon Linux 2023", "2029-06-30", "2029-07-31", "2029-08-31"),
	awsRT("python3.12", "Python 3.12", "Amazon Linux 2023", "2028-10-31", "2028-11-30", "2029-01-10"),
	awsRT("python3.11", "Python 3.11", "Amazon Linux 2", "2027-06-30", "", ""),
	awsRT("python3.10", "Python 3.10", "Amazon Linux 2", "2026-10-31", "", ""),
	awsRT("java25", "Java 25", "Amazon Linux 2023", "2029-06-30", "2029-07-31", "2029-08-31"),
	awsRT("java21", "Java 21", "Amazon Linux 2023", "2029-06-30", "2029-07-31", "2029-08-31"),
	awsRT("java17.al2023", "Java 17", "Amazon Linux 2023", "2029-06-30", "", ""),
	awsRT("java11.al2023", "Java 11", "Amazon Linux 2023", "2029-06-30", "", ""),
	awsRT("java8.al2023", "Java 8", "Amazon Linux 2023", "2029-06-30", "", ""),
	awsRT("java17", "Java 17", "Amazon Linux 2", "2027-06-30", "", ""),
	awsRT("java11", "Java 11", "Amazon Linux 2", "2027-06-30", "", ""),
	awsRT("java8.al2", "Java 8", "Amazon Linux 2", "2027-06-30", "", ""),
	awsRT("dotnet10", ".NET 10", "Amazon Linux 2023", "2028-11-14", "2028-12-14", "2029-01-15"),
	awsRT("dotnet9", ".NET 9 (container only)", "Amazon Linux 2023", "2026-11-10", "", ""),
	awsRT("dotnet8", ".NET 8", "Amazon Linux 2023", "2026-11-10", "2026-12-10", "2027-01-11"),
	awsRT("ruby4.0", "Ruby 4.0", "Amazon Linux 2023", "2029-03-31", "", ""),
	awsRT("ruby3.4", "Ruby 3.4", "Amazon Linux 2023", "2028-03-31", "2028-04-30", "2028-05-31"),
	awsRT("ruby3.3", "Ruby 3.3", "Amazon Linux 2023", "2027-03-31", "2027-04-30", "2027-05-31"),
	awsRT("provided.al2023", "OS-only runtime", "Amazon Linux 2023", "2029-06-30", "2029-07-31", "2029-08-31"),
	awsRT("provided.al2", "OS-only runtime", "Amazon Linux 2", "2027-06-30", "", ""),

	awsRT("python3.9", "Python 3.9", "Amazon Linux 2", "2025-12-15", "2026-08-31", "2026-09-30"),
	awsRT("nodejs18.x", "Node.js 18", "Amazon Linux 2", "2025-09-01", "2026-02-03", "2026-03-09"),
	awsRT("ruby3.2", "Ruby 3.2", "Amazon Linux 2", "2026-03-31", "2026-06-01", "2026-07-01"),
	awsRT("dotnet6", ".NET 6", "Amazon Linux 2", "2024-12-20", "2026-02-28", "2026-03-31"),
	awsRT("python3.8", "Python 3.8", "Amazon Linux 2", "2024-10-14", "2026-08-31", "2026-09-30"),
	awsRT("nodejs16.x", "Node.js 16", "Amazon Linux 2", "2024-06-12", "2026-02-28", "2026-03-31"),
	awsRT("dotnet7", ".NET 7 (container only)", "Amazon Linux 2", "2024-05-14", "", ""),
	awsRT("java8", "Java 8", "Amazon Linux", "2024-01-08", "2024-02-08", "2026-03-31"),
	awsRT("go1.x", "Go 1.x", "Amazon Linux", "2024-01-08", "2024-02-08", "2026-03-31"),
	awsRT("provided", "Custom runtime", "Amazon Linux", "2024-01-08", "2024-02-08", "2026-03-31"),
	awsRT("ruby2.7", "Ruby 2.7", "Amazon Linux 2", "2023-12-07", "2024-01-09", "2026-03-31"),
	awsRT("nodejs14.x", "Node.js 14", "Amazon Linux 2", "2023-12-04", "2026-02-28", "2026-03-31"),
	awsRT("python3.7", "Python 3.7", "Amazon Linux", "2023-12-04", "2026-02-28", "2026-03-31"),
	awsRT("dotnetcore3.1", ".NET Core 3.1", "Amazon Linux 2", "2023-04-03", "2023-04-03", "2023-05-03"),
	awsRT("nodejs12.x", "Node.js 12", "Amazon Linux 2", "2023-03-31", "2023-03-31", "2023-04-30"),
	awsRT("python3.6", "Python 3.6", "Amazon Linux", "2022-07-18", "2022-07-18", "2022-08-29"),
	awsRT("dotnet5.0", ".NET 5 (container only)", "Amazon Linux 2", "2022-05-10", "", ""),
	awsRT("dotnetcore2.1", ".NET Core 2.1", "Amazon Linux", "2022-01-05", "2022-01-05", "2022-04-13"),
	awsRT("nodejs10.x", "Node.js 10", "Amazon Linux 2", "2021-07-30", "2021-07-30", "2022-02-14"),
	awsRT("ruby2.5", "Ruby 2.5", "Amazon Linux", "2021-07-30", "2021-07-30", "2022-03-31"),
	awsRT("python2.7", "Python 2.7", "Amazon Linux", "2021-07-15", "2021-07-15", "2022-05-30"),
	awsRT("nodejs8.10", "Node.js 8.10", "Amazon Linux", "2020-03-06", "2020-01-06", "2020-03-06"),
	awsRT("nodejs4.3", "Node.js 4.3", "Amazon Linux", "2020-03-06", "2020-03-06", "2020-03-06"),
	awsRT("nodejs4.3-edge", "Node.js 4.3 edge", "Amazon Linux", "2019-04-30", "2019-04-30", "2019-04-30"),
	awsRT("nodejs6.10", "Node.js 6.10", "Amazon Linux", "2019-08-12", "2019-08-12", "2019-08-12"),
	awsRT("dotnetcore1.0", ".NET Core 1.0", "Amazon Linux", "2019-07-30", "2019-07-30", "2019-07-30"),
	awsRT("dotnetcore2.0", ".NET Core 2.0", "Amazon Linux", "2019-05-30", "2019-05-30", "2019-05-30"),
	awsRT("nodejs", "Node.js 0.10", "Amazon Linux", "2016-10-31", "2016-10-31", "2016-10-31"),
}

// AWSRuntimeLifecycle returns the end-of-support dates of an AWS Lambda runtime
// identifier (case-insensitive); ok is false for a runtime the table lacks.
func AWSRuntimeLifecycle(id string) (AWSRuntime, bool) {
	id = strings.ToLower(strings.TrimSpace(id))
	for _, r := range awsRuntimes {
		if r.ID == id {
			return r, true
		}
	}
	return AWSRuntime{}, false
}

// AWSRuntimes returns every runtime of the table, sorted by identifier.
func AWSRuntimes() []AWSRuntime {
	out := append([]AWSRuntime(nil), awsRuntimes...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
