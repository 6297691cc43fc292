// Command pulumi-language-nodejs is shipgate's own Node.js language host for the Pulumi engine.
//
// The official host (sdk/nodejs/cmd/pulumi-language-nodejs) is not published as a fetchable Go
// module, so this is a smaller, independent implementation of the LanguageRuntime gRPC service.
// The engine launches it as `pulumi-language-nodejs [--logtostderr] [-v=N] [--tracing URL] ENGINE_ADDR`,
// reads the port we print as the first stdout line, and shows everything we print after that.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	// -v and -logtostderr are registered by the logging package (via glog); the engine passes them with --logflow.
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint, forwarded to the node harness")
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(pluginVersion())
		return
	}
	logging.InitLogging(false, 0, false)

	var engineAddr string
	if args := flag.Args(); len(args) > 0 {
		engineAddr = args[0]
	}

	// Stop serving on Ctrl-C or when the engine disappears, so we never outlive the CLI.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if engineAddr != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddr, 5*time.Minute, stop); err != nil {
			fatalf("could not start engine health check: %v", err)
		}
	}
	cancel := make(chan bool)
	go func() { <-ctx.Done(); close(cancel) }()

	host := newHost(engineAddr, *tracing)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fatalf("could not start language host RPC server: %v", err)
	}

	// The engine reads exactly this line to learn where to dial us.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		fatalf("language host RPC stopped serving: %v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: "+format+"\n", args...)
	os.Exit(1)
}
