package sshconn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Logf receives a progress or warning line for the engine.
type Logf func(string)

// maxBackoff caps the pause between dial attempts: hosts that are still
// booting come up within seconds, and the attempt count (dialErrorLimit)
// already bounds the total wait.
const maxBackoff = 5 * time.Second

// Dial connects with retries: up to c.DialErrorLimit attempts (-1:
// unlimited, 0 is taken as 1), each bounded by c.PerDialTimeout. Failures
// that retrying cannot fix — a host key mismatch, rejected credentials, a
// cancelled context — end the loop at once.
func Dial(ctx context.Context, c Config, progress, warn Logf) (*ssh.Client, error) {
	cfg, err := ClientConfig(c, warn)
	if err != nil {
		return nil, err
	}
	addr := c.Addr()
	limit := c.DialErrorLimit
	if limit == 0 || limit < -1 {
		limit = 1
	}
	for attempt := 1; ; attempt++ {
		client, err := dialOnce(ctx, addr, cfg, c.PerDialTimeout)
		if err == nil {
			return client, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ssh connection to %s cancelled: %w", addr, ctx.Err())
		}
		if permanent(err) {
			return nil, fmt.Errorf("ssh connection to %s failed: %w", addr, err)
		}
		if limit != -1 && attempt >= limit {
			return nil, fmt.Errorf("could not connect to %s over ssh after %d attempt(s): %w", addr, attempt, err)
		}
		if progress != nil {
			progress(fmt.Sprintf("dial attempt %d failed: %v", attempt, err))
		}
		wait := time.Duration(attempt) * time.Second
		if wait > maxBackoff {
			wait = maxBackoff
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("ssh connection to %s cancelled: %w", addr, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// dialOnce is one attempt. The per-dial timeout covers the handshake as
// well as the TCP connect, because a host whose sshd is wedged accepts the
// connection and then says nothing.
func dialOnce(ctx context.Context, addr string, cfg *ssh.ClientConfig, timeout time.Duration) (*ssh.Client, error) {
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if timeout > 0 {
		_ = conn.SetDeadline(time.Now().Add(timeout))
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	sc, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	stop()
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return ssh.NewClient(sc, chans, reqs), nil
}

func permanent(err error) bool {
	var mismatch *HostKeyMismatchError
	if errors.As(err, &mismatch) {
		return true
	}
	// x/crypto has no typed error for rejected credentials.
	return strings.Contains(err.Error(), "unable to authenticate")
}
