package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// About feeds `pulumi about`: which node runs the programs.
func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := findNode()
	if err != nil {
		return nil, err
	}
	opts, err := parseOptions(req.GetInfo().GetOptions())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    nodeVersion(nodeBin),
		Metadata:   map[string]string{"packagemanager": packageManager(opts)},
	}, nil
}

// GetProgramDependencies lists the program's packages with their installed versions (best effort: the
// declared range when a package is not installed). Transitive mode lists all of node_modules.
func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	pkg, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	versions := map[string]string{}
	for _, deps := range []map[string]string{pkg.DevDependencies, pkg.Dependencies} {
		for name, spec := range deps {
			versions[name] = spec
			if p, ok := installedPackage(dir, name); ok && p.Version != "" {
				versions[name] = p.Version
			}
		}
	}
	if req.GetTransitiveDependencies() {
		for name, v := range listNodeModules(filepath.Join(dir, "node_modules")) {
			versions[name] = v
		}
	}
	out := make([]*pulumirpc.DependencyInfo, 0, len(versions))
	for name, v := range versions {
		out = append(out, &pulumirpc.DependencyInfo{Name: name, Version: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: out}, nil
}

// listNodeModules reads the top level of a node_modules folder (including @scope/ folders).
func listNodeModules(nm string) map[string]string {
	out := map[string]string{}
	entries, _ := os.ReadDir(nm)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if strings.HasPrefix(name, "@") {
			scoped, _ := os.ReadDir(filepath.Join(nm, name))
			for _, s := range scoped {
				addInstalled(out, filepath.Join(nm, name, s.Name()))
			}
			continue
		}
		addInstalled(out, filepath.Join(nm, name))
	}
	return out
}

func addInstalled(out map[string]string, dir string) {
	if p, err := readPackageJSON(filepath.Join(dir, "package.json")); err == nil && p.Name != "" {
		out[p.Name] = p.Version
	}
}
