// Writes schema-embed.json and terraform-mapping-embed.json for the provider wrapper: the
// step upstream's cmd/pulumi-resource-kubernetes/generate.go does, reading the two source
// files from the provider module in Go's module cache instead of from its own folder.
//
//	go run ./gen -version 4.24.1 -out .
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const providerModule = "github.com/pulumi/pulumi-kubernetes/provider/v4"

func main() {
	version := flag.String("version", "", "version to write into the schema (the one stamped into the binary)")
	out := flag.String("out", ".", "folder to write the two embed files into")
	flag.Parse()
	if *version == "" {
		fail("-version is required (e.g. -version 4.24.1)")
	}
	dir, err := moduleDir()
	if err != nil {
		fail("cannot download %s: %v (check GOPROXY, or run `go mod download` in engine/kubernetes/build)", providerModule, err)
	}
	src := filepath.Join(dir, "cmd", "pulumi-resource-kubernetes")

	// The schema goes through schema.PackageSpec, as upstream does, so it is written with
	// the same fields and order; only its version changes.
	var spec schema.PackageSpec
	readJSON(filepath.Join(src, "schema.json"), &spec)
	spec.Version = *version
	writeJSON(filepath.Join(*out, "schema-embed.json"), spec)

	var mapping any
	readJSON(filepath.Join(src, "terraform-mapping.json"), &mapping)
	writeJSON(filepath.Join(*out, "terraform-mapping-embed.json"), mapping)
}

// moduleDir has the go command download (on a cold cache) and unpack the provider version
// go.mod requires, and say where: the files come from exactly that version. (`go list -m`
// prints no folder for a module that is not in the cache yet, and building this generator
// does not fetch the provider module: it does not import it.)
func moduleDir() (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", providerModule)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return "", err
	}
	var module struct{ Dir, Error string }
	if err := json.Unmarshal(b, &module); err != nil {
		return "", fmt.Errorf("go mod download printed no JSON: %v", err)
	}
	if module.Error != "" {
		return "", fmt.Errorf("%s", module.Error)
	}
	if module.Dir == "" {
		return "", fmt.Errorf("go mod download printed no folder")
	}
	return module.Dir, nil
}

func readJSON(path string, v any) {
	b, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		fail("cannot parse %s: %v", path, err)
	}
}

// writeJSON writes minified JSON through a temporary file, so an interrupted run never
// leaves a truncated file for go:embed.
func writeJSON(path string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		fail("cannot serialise %s: %v", path, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		fail("%v", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "gen: "+format+"\n", args...)
	os.Exit(1)
}
