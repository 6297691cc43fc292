package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// GetRequiredPackages reports the resource plugins announced by installed SDK packages, so the engine can
// check (or install) them before running the program.
func (h *host) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	pkgs := scanPulumiPackages(req.GetInfo().GetProgramDirectory())
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages, kept for older engines.
func (h *host) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetProgram() //nolint:staticcheck // older engines
	}
	var plugins []*pulumirpc.PluginDependency
	for _, p := range scanPulumiPackages(dir) {
		if p.Parameterization != nil {
			continue // cannot be expressed as a plain plugin
		}
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// scanPulumiPackages walks every node_modules tree under dir (nested ones too, and following symlinks
// once), then the node_modules folders of dir's ancestors (where npm workspaces hoist packages), for
// package.json files with `"pulumi": {"resource": true}`. Unreadable files are skipped: a missing
// plugin is reported later, and more clearly, when the program uses it.
func scanPulumiPackages(dir string) []*pulumirpc.PackageDependency {
	seen := map[string]bool{}  // resolved directories already walked
	found := map[string]bool{} // name@version already reported
	var out []*pulumirpc.PackageDependency
	var walk func(d string, inNodeModules bool)
	walk = func(d string, inNodeModules bool) {
		real, err := filepath.EvalSymlinks(d)
		if err != nil || seen[real] {
			return
		}
		seen[real] = true
		entries, err := os.ReadDir(d)
		if err != nil {
			return
		}
		for _, e := range entries {
			p := filepath.Join(d, e.Name())
			isDir := e.IsDir()
			if e.Type()&os.ModeSymlink != 0 {
				fi, err := os.Stat(p)
				isDir = err == nil && fi.IsDir()
			}
			switch {
			case isDir:
				if e.Name() == ".git" {
					continue
				}
				// A nested policy pack's plugins are not the program's dependencies.
				if _, err := os.Stat(filepath.Join(p, "PulumiPolicy.yaml")); err == nil {
					continue
				}
				walk(p, inNodeModules || filepath.Base(d) == "node_modules")
			case inNodeModules && e.Name() == "package.json":
				if dep := pluginDependency(p); dep != nil && !found[dep.Name+"@"+dep.Version] {
					found[dep.Name+"@"+dep.Version] = true
					out = append(out, dep)
				}
			}
		}
	}
	walk(dir, false)
	for d := filepath.Dir(dir); d != filepath.Dir(d); d = filepath.Dir(d) {
		walk(filepath.Join(d, "node_modules"), true)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name+out[i].Version < out[j].Name+out[j].Version })
	return out
}

// pluginDependency turns one package.json into a plugin requirement, or nil if it announces none.
func pluginDependency(path string) *pulumirpc.PackageDependency {
	pkg, err := readPackageJSON(path)
	if err != nil || pkg.Pulumi == nil || !pkg.Pulumi.Resource || pkg.Name == "@pulumi/pulumi" {
		return nil
	}
	name := pkg.Pulumi.Name
	if name == "" {
		// Only first-party packages may leave the plugin name implicit (@pulumi/aws -> aws).
		if !strings.HasPrefix(pkg.Name, "@pulumi/") {
			logging.V(3).Infof("%s: third-party package %s does not set \"pulumi.name\"; ignored", path, pkg.Name)
			return nil
		}
		name = strings.TrimPrefix(pkg.Name, "@pulumi/")
	}
	version := pkg.Pulumi.Version
	if version == "" {
		version = pkg.Version
	}
	if version != "" && !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	return &pulumirpc.PackageDependency{
		Name:             name,
		Kind:             "resource",
		Version:          version,
		Server:           pkg.Pulumi.Server,
		Parameterization: toRPCParam(pkg.Pulumi.Parameterization),
		Extension:        toRPCParam(pkg.Pulumi.ExtensionParameterization),
	}
}

func toRPCParam(p *parameterization) *pulumirpc.PackageParameterization {
	if p == nil {
		return nil
	}
	return &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
}
