package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// nodeJSBailExitCode is what @pulumi/pulumi's harnesses exit with after they already reported the
// error to the user through the engine; the host must then not add a message of its own.
const nodeJSBailExitCode = 32

// command builds a node child that is interrupted (then killed after a grace period) when either the
// request context ends or the Cancel RPC fires.
func (h *host) command(ctx context.Context, nodeBin string, args, env []string, dir string) (*exec.Cmd, func()) {
	cctx, cancel := context.WithCancel(h.cancelCtx)
	stop := context.AfterFunc(ctx, cancel)
	cmd := exec.CommandContext(cctx, nodeBin, args...)
	cmd.Cancel = func() error {
		// SIGINT first so the SDK can flush and disconnect cleanly.
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = env
	cmd.Dir = dir
	return cmd, func() { stop(); cancel() }
}

// wrapWriter hides an *os.File behind a plain io.Writer so exec copies through a pipe instead of
// handing node our own descriptor: node may switch its stdio to non-blocking mode, which would then
// also affect our writes to the engine.
func wrapWriter(w io.Writer) io.Writer { return struct{ io.Writer }{w} }

// exitCode turns cmd.Run/Wait's error into a process exit code; non-exit errors are returned as is.
func exitCode(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if code := ee.ExitCode(); code >= 0 {
			return code, nil
		}
		return -1, fmt.Errorf("node exited unexpectedly: %v", ee)
	}
	return -1, err
}
