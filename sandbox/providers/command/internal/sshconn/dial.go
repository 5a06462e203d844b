package sshconn

import (
	"context"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/retry"
	"golang.org/x/crypto/ssh"
)

// Status receives a transient progress line for the engine.
type Status func(string)

// Dial connects as upstream does. Every failure is retried — refused or
// timed-out connections, a host key mismatch, rejected credentials alike —
// until DialErrorLimit retries have failed, so a limit of N makes N+1
// attempts (the default 10 makes 11); -1 retries forever. Between attempts
// it waits 100 ms, growing 1.5x per attempt up to 5 s (the Pulumi SDK's
// retry.Until defaults that upstream uses), and reports
// "Dial <n>/<limit> failed: retrying". The final error is
// "after <limit> failed attempts: <last error>", e.g.
// "after 10 failed attempts: dial tcp 10.0.0.5:22: connect: connection refused".
//
// A cancelled context (Cancel, customTimeouts) is noticed only between
// attempts; the error is then the bare context error. One attempt is
// x/crypto's ssh.Dial: PerDialTimeout bounds the TCP connect only.
func Dial(ctx context.Context, c Config, status Status) (*ssh.Client, error) {
	cfg, closeAgent, err := ClientConfig(c)
	if err != nil {
		return nil, err
	}
	endpoint := c.Endpoint()
	var client *ssh.Client
	var last error
	ok, _, err := retry.Until(ctx, retry.Acceptor{
		Accept: func(try int, _ time.Duration) (bool, any, error) {
			client, last = ssh.Dial("tcp", endpoint, cfg)
			if last == nil {
				return true, nil, nil
			}
			dials := try + 1
			if c.DialErrorLimit > -1 && dials > c.DialErrorLimit {
				return true, nil, fmt.Errorf("after %d failed attempts: %w", try, last)
			}
			limit := fmt.Sprint(c.DialErrorLimit)
			if c.DialErrorLimit == -1 {
				limit = "inf"
			}
			if status != nil {
				status(fmt.Sprintf("Dial %d/%s failed: retrying", dials, limit))
			}
			return false, nil, nil
		},
	})
	if ok && err == nil {
		// The agent connection is only needed during the handshake.
		closeAgent()
		return client, nil
	}
	closeAgent()
	if err == nil {
		err = ctx.Err()
	}
	return nil, err
}
