package catalog

import (
	"strconv"
	"strings"
	"time"
)

// AzureRuntimeSupport is the end of support of an Azure Functions host version or
// language stack version, from Microsoft's "Azure Functions runtime versions
// overview" and "Language runtime support policy" tables.
type AzureRuntimeSupport struct {
	// Stack is "host" for the Functions host (FUNCTIONS_EXTENSION_VERSION) or the
	// language: node, python, dotnet, java, powershell.
	Stack string
	// Version is the major (node, java, host) or major.minor (python, dotnet,
	// powershell) version.
	Version string
	// EndOfSupport is the day support ends; the zero time means no date announced.
	EndOfSupport time.Time
	Note         string
}

func azureDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// azureRuntimes lists the dates (checked November 2026).
var azureRuntimes = []AzureRuntimeSupport{
	{"host", "1", azureDay(2026, time.September, 14), "Functions host 1.x: extended support ended; migrate to 4.x"},
	{"host", "2", azureDay(2022, time.December, 13), "Functions host 2.x: extended support ended"},
	{"host", "3", azureDay(2022, time.December, 13), "Functions host 3.x: extended support ended"},
	{"host", "4", time.Time{}, "Functions host 4.x: supported"},

	{"node", "12", azureDay(2022, time.December, 13), ""},
	{"node", "14", azureDay(2023, time.April, 30), ""},
	{"node", "16", azureDay(2023, time.September, 11), ""},
	{"node", "18", azureDay(2025, time.April, 30), ""},
	{"node", "20", azureDay(2026, time.April, 30), ""},
	{"node", "22", azureDay(2027, time.April, 30), ""},
	{"node", "24", azureDay(2028, time.April, 30), ""},

	{"python", "3.6", azureDay(2021, time.December, 23), ""},
	{"python", "3.7", azureDay(2023, time.June, 27), ""},
	{"python", "3.8", azureDay(2024, time.October, 7), ""},
	{"python", "3.9", azureDay(2025, time.October, 31), ""},
	{"python", "3.10", azureDay(2026, time.October, 1), ""},
	{"python", "3.11", azureDay(2027, time.October, 1), ""},
	{"python", "3.12", azureDay(2028, time.October, 1), ""},
	{"python", "3.13", azureDay(2029, time.October, 1), ""},

	{"dotnet", "3.1", azureDay(2022, time.December, 13), ".NET Core 3.1"},
	{"dotnet", "5.0", azureDay(2022, time.May, 10), ""},
	{"dotnet", "6.0", azureDay(2024, time.November, 12), ""},
	{"dotnet", "7.0", azureDay(2024, time.May, 14), ""},
	{"dotnet", "8.0", azureDay(2026, time.November, 10), "also the end of the in-process model"},
	{"dotnet", "9.0", azureDay(2026, time.November, 10), ""},
	{"dotnet", "10.0", azureDay(2028, time.November, 14), ""},

	{"java", "8", azureDay(2026, time.November, 30), ""},
	{"java", "11", azureDay(2027, time.September, 1), ""},
	{"java", "17", azureDay(2027, time.September, 1), ""},
	{"java", "21", azureDay(2028, time.September, 1), ""},

	{"powershell", "6.2", azureDay(2020, time.September, 4), ""},
	{"powershell", "7.0", azureDay(2022, time.December, 3), ""},
	{"powershell", "7.2", azureDay(2024, time.November, 8), ""},
	{"powershell", "7.4", azureDay(2026, time.November, 10), ""},
}

// AzureRuntimes returns the support table (a copy).
func AzureRuntimes() []AzureRuntimeSupport {
	return append([]AzureRuntimeSupport(nil), azureRuntimes...)
}

// AzureHostSupport returns the support entry for a FUNCTIONS_EXTENSION_VERSION
// value ("~4", "~3", "3.0.15417", "beta" is unknown).
func AzureHostSupport(extensionVersion string) (AzureRuntimeSupport, bool) {
	major := azureLeadingInt(strings.TrimLeft(strings.TrimSpace(extensionVersion), "~"))
	if major == "" {
		return AzureRuntimeSupport{}, false
	}
	return lookupAzure("host", major)
}

// AzureStackSupport returns the support entry for a runtime in "stack|version"
// form as the collector records it ("node|20", "python|3.11",
// "dotnet-isolated|8.0", "java|17", "powershell|7.4"). .NET Framework (dotnet
// 4.x) has no announced end and is not listed.
func AzureStackSupport(runtime string) (AzureRuntimeSupport, bool) {
	stack, version, ok := strings.Cut(strings.ToLower(strings.TrimSpace(runtime)), "|")
	if !ok {
		return AzureRuntimeSupport{}, false
	}
	version = strings.TrimLeft(strings.TrimSpace(version), "~v")
	switch stack {
	case "node":
		version = azureLeadingInt(version)
	case "java":
		if strings.HasPrefix(version, "1.8") {
			version = "8"
		} else {
			version = azureLeadingInt(version)
		}
	case "python", "powershell":
		version = azureMajorMinor(version, false)
	case "dotnet", "dotnet-isolated", "dotnetcore":
		stack = "dotnet"
		version = azureMajorMinor(version, true)
	default:
		return AzureRuntimeSupport{}, false
	}
	if version == "" {
		return AzureRuntimeSupport{}, false
	}
	return lookupAzure(stack, version)
}

// azureWorkerModels are worker models whose support ends on a date of their own,
// whatever the language version: the .NET in-process model
// (FUNCTIONS_WORKER_RUNTIME=dotnet) ends on 10 November 2026 ("Migrate C# apps
// from the in-process model to the isolated worker model",
// https://learn.microsoft.com/azure/azure-functions/migrate-dotnet-to-isolated-model).
var azureWorkerModels = map[string]AzureRuntimeSupport{
	"dotnet": {Stack: "dotnet in-process", Version: "", EndOfSupport: azureDay(2026, time.November, 10),
		Note: "the in-process model ends on this date for every .NET version; migrate to the isolated worker model (dotnet-isolated)"},
}

// AzureWorkerModelSupport returns the end of support of the worker model named by
// a FUNCTIONS_WORKER_RUNTIME value, when that model has one of its own
// ("dotnet", the in-process model); false for models whose support follows the
// language version (dotnet-isolated, node, python, java, powershell).
func AzureWorkerModelSupport(workerRuntime string) (AzureRuntimeSupport, bool) {
	s, ok := azureWorkerModels[strings.ToLower(strings.TrimSpace(workerRuntime))]
	return s, ok
}

func lookupAzure(stack, version string) (AzureRuntimeSupport, bool) {
	for _, r := range azureRuntimes {
		if r.Stack == stack && r.Version == version {
			return r, true
		}
	}
	return AzureRuntimeSupport{}, false
}

func azureLeadingInt(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// azureMajorMinor returns "M.m" from a version string; with zeroMinor, a bare major
// ("8") becomes "8.0".
func azureMajorMinor(s string, zeroMinor bool) string {
	major := azureLeadingInt(s)
	if major == "" {
		return ""
	}
	rest := strings.TrimPrefix(s, major)
	if strings.HasPrefix(rest, ".") {
		if minor := azureLeadingInt(rest[1:]); minor != "" {
			if _, err := strconv.Atoi(minor); err == nil {
				return major + "." + minor
			}
		}
	}
	if zeroMinor {
		return major + ".0"
	}
	return ""
}
