// Package host is the provider's line back to the Pulumi engine. The only
// thing this provider needs from the engine is its Log RPC: that is how
// command output and dial progress show up under the resource in `pulumi up`.
//
// The SDK module (sdk/v3) has no provider HostClient (that lives in pkg/v3,
// which would drag in the whole CLI dependency tree), so this is a minimal
// one of our own.
package host

import (
	"context"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Logger sends diagnostics to the engine. Logging is best effort: a failed
// log call must never fail the resource operation that produced it.
//
// Log is a diagnostic that stays in the output (and in the summary for
// warnings and errors). LogStatus is an ephemeral status line shown next to
// the resource while it is being worked on; upstream sends command output
// and dial progress this way.
type Logger interface {
	Log(ctx context.Context, sev diag.Severity, urn resource.URN, msg string)
	LogStatus(ctx context.Context, sev diag.Severity, urn resource.URN, msg string)
}

// Client talks to the engine's gRPC endpoint (the address the engine passes
// as the plugin's only positional argument).
type Client struct {
	conn   *grpc.ClientConn
	engine pulumirpc.EngineClient
	// mu serialises log calls so that lines from concurrently copied stdout
	// and stderr arrive at the engine one at a time, in emission order.
	mu sync.Mutex
}

// Dial connects to the engine at addr.
func Dial(addr string) (*Client, error) {
	conn, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		rpcutil.GrpcChannelOptions())
	if err != nil {
		return nil, err
	}
	return &Client{conn: conn, engine: pulumirpc.NewEngineClient(conn)}, nil
}

// Log implements Logger. A nil *Client (no engine, e.g. when the plugin is
// started by hand) discards messages.
func (c *Client) Log(ctx context.Context, sev diag.Severity, urn resource.URN, msg string) {
	c.log(ctx, sev, urn, msg, false)
}

// LogStatus implements Logger.
func (c *Client) LogStatus(ctx context.Context, sev diag.Severity, urn resource.URN, msg string) {
	c.log(ctx, sev, urn, msg, true)
}

func (c *Client) log(ctx context.Context, sev diag.Severity, urn resource.URN, msg string, ephemeral bool) {
	if c == nil {
		return
	}
	var rpcsev pulumirpc.LogSeverity
	switch sev {
	case diag.Debug:
		rpcsev = pulumirpc.LogSeverity_DEBUG
	case diag.Warning:
		rpcsev = pulumirpc.LogSeverity_WARNING
	case diag.Error:
		rpcsev = pulumirpc.LogSeverity_ERROR
	default:
		rpcsev = pulumirpc.LogSeverity_INFO
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// gRPC strings must be valid UTF-8; command output need not be.
	_, _ = c.engine.Log(ctx, &pulumirpc.LogRequest{
		Severity:  rpcsev,
		Message:   strings.ToValidUTF8(msg, "\uFFFD"),
		Urn:       string(urn),
		Ephemeral: ephemeral,
	})
}

// Close releases the connection.
func (c *Client) Close() error {
	if c == nil {
		return nil
	}
	return c.conn.Close()
}
