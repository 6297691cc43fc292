package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// findNode locates the node executable; programs, policy packs and plugins all run on it.
func findNode() (string, error) {
	p, err := exec.LookPath("node")
	if err != nil {
		return "", fmt.Errorf("could not find `node` on the $PATH (%v); install Node.js and make sure it is on the PATH", err)
	}
	return p, nil
}

// resolveModule finds the file that `require(mod)` would load from dir, e.g. the
// @pulumi/pulumi/cmd/run harness, so the program runs on the SDK copy it installed itself.
// An absolute or relative path (PULUMI_LANGUAGE_NODEJS_RUN_PATH) is taken as is.
func resolveModule(nodeBin, dir, mod, installHint string) (string, error) {
	if filepath.IsAbs(mod) || strings.HasPrefix(mod, ".") {
		return mod, nil
	}
	// Fast path: the usual node_modules walk, without paying for a node start-up.
	for d := dir; ; d = filepath.Dir(d) {
		base := filepath.Join(d, "node_modules", filepath.FromSlash(mod))
		for _, cand := range []string{filepath.Join(base, "index.js"), base + ".js"} {
			if fi, err := os.Stat(cand); err == nil && !fi.IsDir() {
				return cand, nil
			}
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	// Slow path: let node apply its full resolution rules (NODE_PATH, package exports, workspaces...).
	script := fmt.Sprintf("console.log(require.resolve(%q))", mod)
	cmd := exec.Command(nodeBin, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err == nil {
		return strings.TrimSpace(string(out)), nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && strings.Contains(string(ee.Stderr), "MODULE_NOT_FOUND") {
		return "", fmt.Errorf("could not find %s from %s: it looks like the Pulumi SDK has not been installed; "+
			"have you run %s?", mod, dir, installHint)
	}
	return "", fmt.Errorf("could not resolve %s from %s: %v", mod, dir, err)
}

// nodeVersion returns `node --version`, or "" when it cannot be run.
func nodeVersion(nodeBin string) string {
	out, err := exec.Command(nodeBin, "--version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
