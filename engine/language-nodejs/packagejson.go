package main

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// packageJSON holds the package.json fields this host reads.
type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          *pulumiSection    `json:"pulumi"`
}

// pulumiSection is the `"pulumi"` block that provider SDKs (e.g. @pulumi/kubernetes) use to announce the
// resource plugin they need.
type pulumiSection struct {
	Resource                  bool              `json:"resource"`
	Name                      string            `json:"name"`
	Version                   string            `json:"version"`
	Server                    string            `json:"server"`
	Parameterization          *parameterization `json:"parameterization"`
	ExtensionParameterization *parameterization `json:"extensionParameterization"`
}

type parameterization struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Value   []byte `json:"value"` // base64 in JSON
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// installedPackage reads node_modules/<name>/package.json as node would find it from dir.
func installedPackage(dir, name string) (*packageJSON, bool) {
	for d := dir; ; d = filepath.Dir(d) {
		if p, err := readPackageJSON(filepath.Join(d, "node_modules", filepath.FromSlash(name), "package.json")); err == nil {
			return p, true
		}
		if filepath.Dir(d) == d {
			return nil, false
		}
	}
}
