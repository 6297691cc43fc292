package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

const (
	policyPackModule = "@pulumi/pulumi/cmd/run-policy-pack"
	pluginModule     = "@pulumi/pulumi/cmd/run-plugin"
)

// RunPlugin runs a Node.js plugin: a policy pack (kind "analyzer", from a PulumiPolicy.yaml with
// `runtime: nodejs`) or a provider/tool plugin (PulumiPlugin.yaml). Output is streamed back in chunks and
// the engine reads the plugin's gRPC port from the first stdout line; the exit code is sent last.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	ctx := server.Context()
	sink := &streamSink{}
	var stdout io.Writer = sink.writer(func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	})
	stderr := sink.writer(func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	})

	programDir := req.GetInfo().GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetProgram()
	}
	isPolicy := req.GetKind() == "analyzer"

	nodeBin, err := findNode()
	if err != nil {
		return err
	}
	opts, err := parseOptions(req.GetInfo().GetOptions())
	if err != nil {
		return err
	}
	mod := pluginModule
	if isPolicy {
		mod = policyPackModule
	} else if m := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); m != "" {
		mod = m
	}
	script, err := resolveModule(nodeBin, programDir, mod, "`npm install` in "+programDir)
	if err != nil {
		return err
	}

	// The engine sends the complete environment (its own plus the plugin's extras) in req.Env.
	env := append(append([]string{}, req.GetEnv()...), opts.env()...)
	args := append(append([]string{}, opts.nodeargs...), script)
	dir := req.GetPwd()
	if isPolicy {
		// run-policy-pack's usage is `<engine-address> <program>`: the engine's args (ending in its
		// address) come first. Policy packs have always run from their own directory.
		args = append(append(args, req.GetArgs()...), programDir)
		dir = programDir
	} else {
		args = append(append(args, programDir), req.GetArgs()...)
	}

	// Policy packs written for @pulumi/policy read stack name and config from the environment at start-up,
	// but the engine only sends them later (ConfigureStack). The SDK's PolicyProxy answers the engine
	// first, hands us that configuration, then relays every later call to the real pack.
	var proxy *sdk.PolicyProxy
	if isPolicy {
		if proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout); err != nil {
			return fmt.Errorf("could not start policy pack proxy: %w", err)
		}
		cfg, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get stack configuration for the policy pack: %w", err)
		}
		if env, err = appendStackEnv(env, cfg); err != nil {
			return err
		}
	}

	cmd, done := h.command(ctx, nodeBin, args, env, dir)
	defer done()
	cmd.Stdout, cmd.Stderr = stdout, stderr

	code, err := exitCode(runPluginCmd(ctx, cmd, proxy))
	if err != nil {
		return fmt.Errorf("problem running node plugin %s: %w", req.GetName(), err)
	}
	return sink.finish(func() error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
	})
}

// runPluginCmd starts cmd and waits for it; with a policy proxy, the proxy attaches and does the waiting.
func runPluginCmd(ctx context.Context, cmd *exec.Cmd, proxy *sdk.PolicyProxy) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	if proxy == nil {
		return cmd.Wait()
	}
	return proxy.Attach(ctx, cmd)
}

// appendStackEnv exposes the engine's stack configuration the way cmd/run would for a program.
func appendStackEnv(env []string, cfg *pulumirpc.AnalyzerStackConfigureRequest) ([]string, error) {
	if cfg == nil {
		return env, nil // e.g. `pulumi policy publish`: no stack
	}
	add := func(k, v string) {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	add("PULUMI_NODEJS_ORGANIZATION", cfg.GetOrganization())
	add("PULUMI_NODEJS_PROJECT", cfg.GetProject())
	add("PULUMI_NODEJS_STACK", cfg.GetStack())
	add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(cfg.GetDryRun()))
	if c := cfg.GetConfig(); c != nil {
		b, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("serializing stack config for the policy pack: %w", err)
		}
		add("PULUMI_CONFIG", string(b))
	}
	if k := cfg.GetConfigSecretKeys(); k != nil {
		b, err := json.Marshal(k)
		if err != nil {
			return nil, fmt.Errorf("serializing secret config keys for the policy pack: %w", err)
		}
		add("PULUMI_CONFIG_SECRET_KEYS", string(b))
	}
	return env, nil
}
