package main

import (
	"fmt"
	"os"
	"os/exec"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// InstallDependencies runs the package manager's install in the program directory (`pulumi install`,
// `pulumi new`, and policy packs before they run), streaming its output to the engine.
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	sink := &streamSink{}
	stdout := sink.writer(func(b []byte) error { return server.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b}) })
	stderr := sink.writer(func(b []byte) error { return server.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b}) })

	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory() //nolint:staticcheck // older engines
	}
	opts, err := parseOptions(req.GetInfo().GetOptions())
	if err != nil {
		return err
	}
	pm := packageManager(opts)
	bin, err := exec.LookPath(pm)
	if err != nil {
		return fmt.Errorf("could not find %s on the $PATH: %w", pm, err)
	}

	fmt.Fprintf(stdout, "Installing dependencies...\n\n")
	cmd := exec.CommandContext(server.Context(), bin, "install")
	cmd.Dir = dir
	cmd.Env = os.Environ()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("`%s install` in %s failed: %w", pm, dir, err)
	}
	fmt.Fprintf(stdout, "Finished installing dependencies\n\n")
	return nil
}

// packageManager picks npm unless the project names another one in its runtime options.
func packageManager(o options) string {
	switch o.packagemanager {
	case "yarn", "pnpm", "bun":
		return o.packagemanager
	default:
		return "npm"
	}
}
