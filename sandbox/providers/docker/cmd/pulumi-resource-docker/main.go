// Command pulumi-resource-docker is an offline stand-in for the pulumi-docker 5.2.0 resource
// provider plugin: same package name, version and resource type tokens, implementing the
// subset the XingRin program uses by driving the docker CLI. It exists because the upstream
// provider's source cannot be fetched where XingRin is deployed (see ../../README.md).
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/pkg/v3/resource/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"xingrin.invalid/providers/docker/internal/server"
)

func main() {
	// provider.Main does the plugin handshake: it connects back to the engine (for logging),
	// serves gRPC on a free port and prints that port for the engine.
	err := provider.Main("docker", func(host *provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return server.New(host), nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
