package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const defaultRunModule = "@pulumi/pulumi/cmd/run"

// Run executes the user's program with @pulumi/pulumi/cmd/run. Problems with the program itself are
// reported in RunResponse.Error (the engine prints them); a gRPC error is only for host failures.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = req.GetProgram() // engines before ProgramInfo
	}
	if entry == "" {
		entry = "." // package.json main/exports, else index.js
	}
	if req.GetAttachDebugger() {
		fmt.Fprintln(os.Stderr, "warning: shipgate's nodejs language host does not support --attach-debugger; running normally")
	}

	nodeBin, err := findNode()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts, err := parseOptions(info.GetOptions())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	mod := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if mod == "" {
		mod = defaultRunModule
	}
	script, err := resolveModule(nodeBin, programDir, mod, "`pulumi install` (or `npm install`)")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	config, err := json.Marshal(orEmptyMap(req.GetConfig()))
	if err != nil {
		return nil, fmt.Errorf("serializing config: %w", err)
	}
	secretKeys, err := json.Marshal(orEmptySlice(req.GetConfigSecretKeys()))
	if err != nil {
		return nil, fmt.Errorf("serializing secret config keys: %w", err)
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	env = append(env, opts.env()...)

	args := append(append([]string{}, opts.nodeargs...), script)
	args = append(args, h.runFlags(req, programDir)...)
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	cmd, done := h.command(ctx, nodeBin, args, env, programDir)
	defer done()
	// Program output goes to our own stdout/stderr, which the engine already shows to the user.
	cmd.Stdout, cmd.Stderr = wrapWriter(os.Stdout), wrapWriter(os.Stderr)

	code, err := exitCode(cmd.Run())
	switch {
	case err != nil:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("problem running node program: %v", err)}, nil
	case code == nodeJSBailExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case code != 0:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// runFlags are the cmd/run options (see its index.js usage) derived from the request.
func (h *host) runFlags(req *pulumirpc.RunRequest, programDir string) []string {
	var f []string
	add := func(k, v string) {
		if v != "" {
			f = append(f, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engine())
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("root-directory", req.GetInfo().GetRootDirectory())
	add("pwd", programDir)
	if req.GetDryRun() {
		f = append(f, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	return f
}

func orEmptyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func orEmptySlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
