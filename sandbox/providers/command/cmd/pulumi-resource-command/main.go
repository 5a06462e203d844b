// Command pulumi-resource-command is XingRin's offline stand-in for the
// Pulumi `command` provider 1.2.1: it serves the command:local:Command and
// command:remote:Command resources (see sandbox/providers/command/README.md)
// so the unchanged TypeScript program runs where the upstream provider
// cannot be built.
//
// Plugin protocol: the engine starts us with optional glog/tracing flags
// and its own gRPC address as the only argument; we serve the
// ResourceProvider service on a free local port and print that port as the
// first line of stdout. Nothing else may be written to stdout.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	// Registers the glog flags (-v, --logtostderr, …) the engine passes to
	// every plugin when it runs with verbose logging.
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"

	"xingrin.invalid/providers/command/internal/host"
	"xingrin.invalid/providers/command/internal/server"
)

func main() {
	if err := serve(); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-command: %v\n", err)
		os.Exit(1)
	}
}

func serve() error {
	// Accepted for compatibility with the engine's plugin launcher; this
	// provider does not emit traces.
	flag.String("tracing", "", "Zipkin-compatible tracing endpoint (ignored)")
	flag.Parse()

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()

	var engine *host.Client
	switch args := flag.Args(); len(args) {
	case 0:
		// Started by hand: serve without an engine to log to.
	case 1:
		var err error
		if engine, err = host.Dial(args[0]); err != nil {
			return fmt.Errorf("could not connect to the engine at %s: %w", args[0], err)
		}
		defer engine.Close()
		// Exit when the engine goes away, instead of lingering.
		if err := rpcutil.Healthcheck(ctx, args[0], 5*time.Minute, cancel); err != nil {
			return fmt.Errorf("could not start the engine health check: %w", err)
		}
	default:
		return fmt.Errorf("expected at most one argument (the engine address), got %d", len(args))
	}

	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(srv, server.New(engine))
			return nil
		},
	})
	if err != nil {
		return err
	}
	fmt.Printf("%d\n", handle.Port)
	return <-handle.Done
}
