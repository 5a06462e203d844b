package sshconn

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"xingrin.invalid/providers/command/internal/sshtest"
)

const otherHostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEeFX7g5faA2tfHbEwkJsGqDh2kwVhKdmZn0lm+wP+qO"

func ptr(s string) *string { return &s }

// noAgent keeps the test runner's own SSH_AUTH_SOCK out of the tests.
func noAgent(t *testing.T) {
	t.Helper()
	old := getenv
	getenv = func(string) string { return "" }
	t.Cleanup(func() { getenv = old })
}

func cfg(s *sshtest.Server) Config {
	return Config{Host: s.Host, Port: s.Port, User: "root", PrivateKey: ptr(s.ClientKey),
		DialErrorLimit: 3, PerDialTimeout: 5}
}

type statusLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *statusLog) add(s string) { l.mu.Lock(); l.lines = append(l.lines, s); l.mu.Unlock() }

func TestClientConfig(t *testing.T) {
	noAgent(t)
	c, closer, err := ClientConfig(Config{User: "u", Password: ptr("pw"), PerDialTimeout: 15, HostKey: ptr(otherHostKey + " comment")})
	if err != nil {
		t.Fatal(err)
	}
	defer closer()
	if c.User != "u" || c.Timeout != 15*time.Second || len(c.Auth) != 2 {
		t.Fatalf("config %+v", c)
	}
	// Only the pinned key's algorithm is negotiated (for an RSA key that is
	// "ssh-rsa" alone, as upstream).
	if strings.Join(c.HostKeyAlgorithms, ",") != ssh.KeyAlgoED25519 {
		t.Fatalf("algorithms %v", c.HostKeyAlgorithms)
	}
	c, _, _ = ClientConfig(Config{PerDialTimeout: 0})
	if c.Timeout != 0 || c.HostKeyAlgorithms != nil || len(c.Auth) != 0 {
		t.Fatalf("config %+v", c)
	}
}

// hostKey is parsed as an authorized_keys line (x/crypto skips a leading
// options field, so a known_hosts line "host ssh-ed25519 AAAA…" works too);
// anything else, "" included, fails before any dial with upstream's message.
func TestHostKeyFormat(t *testing.T) {
	noAgent(t)
	for _, good := range []string{otherHostKey, otherHostKey + " root@w1", "127.0.1.1 " + otherHostKey} {
		c, _, err := ClientConfig(Config{HostKey: ptr(good)})
		if err != nil || strings.Join(c.HostKeyAlgorithms, ",") != ssh.KeyAlgoED25519 {
			t.Errorf("%q: %v", good, err)
		}
	}
	for _, bad := range []string{"", "garbage", "ssh-ed25519 !!!"} {
		_, err := Dial(context.Background(), Config{Host: "192.0.2.1", Port: 22, HostKey: ptr(bad), DialErrorLimit: 5}, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "failed to parse host key: ssh: no key found") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

func TestPrivateKeyErrors(t *testing.T) {
	noAgent(t)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("pass"))
	if err != nil {
		t.Fatal(err)
	}
	key := string(pem.EncodeToMemory(block))
	if _, _, err := ClientConfig(Config{PrivateKey: ptr(key)}); err == nil || err.Error() != "ssh: this private key is passphrase protected" {
		t.Fatalf("missing passphrase: err = %v", err)
	}
	if _, _, err := ClientConfig(Config{PrivateKey: ptr(key), PrivateKeyPassword: ptr("pass")}); err != nil {
		t.Fatalf("with passphrase: %v", err)
	}
	if _, _, err := ClientConfig(Config{PrivateKey: ptr("not a key")}); err == nil || err.Error() != "ssh: no key found" {
		t.Fatalf("err = %v", err)
	}
}

func TestDialPinnedKey(t *testing.T) {
	noAgent(t)
	s := sshtest.Start(t, sshtest.Options{})
	c := cfg(s)
	c.HostKey = ptr(s.HostKeyLine())
	var status statusLog
	client, err := Dial(context.Background(), c, status.add)
	if err != nil {
		t.Fatal(err)
	}
	client.Close()
	// Without hostKey any key is accepted, silently, as upstream.
	client, err = Dial(context.Background(), cfg(s), status.add)
	if err != nil {
		t.Fatal(err)
	}
	client.Close()
	if len(status.lines) != 0 {
		t.Fatalf("status %v", status.lines)
	}
}

// Upstream retries a host key mismatch like any other failure.
func TestHostKeyMismatchIsRetried(t *testing.T) {
	noAgent(t)
	s := sshtest.Start(t, sshtest.Options{})
	c := cfg(s)
	c.HostKey = ptr(otherHostKey)
	c.DialErrorLimit = 1
	var status statusLog
	_, err := Dial(context.Background(), c, status.add)
	if err == nil || err.Error() != "after 1 failed attempts: ssh: handshake failed: ssh: host key mismatch" {
		t.Fatalf("err = %v", err)
	}
	if strings.Join(status.lines, "|") != "Dial 1/1 failed: retrying" {
		t.Fatalf("status %v", status.lines)
	}
}

func TestPasswordAuth(t *testing.T) {
	noAgent(t)
	s := sshtest.Start(t, sshtest.Options{Password: "hunter2"})
	c := cfg(s)
	c.PrivateKey, c.Password = nil, ptr("hunter2")
	client, err := Dial(context.Background(), c, nil)
	if err != nil {
		t.Fatal(err)
	}
	client.Close()

	c.Password, c.DialErrorLimit = ptr("wrong"), 1
	var status statusLog
	_, err = Dial(context.Background(), c, status.add)
	if err == nil || !strings.HasPrefix(err.Error(), "after 1 failed attempts: ssh: handshake failed: ssh: unable to authenticate") {
		t.Fatalf("rejected credentials are retried too: err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong") || len(status.lines) != 1 {
		t.Fatalf("err %v status %v", err, status.lines)
	}
}

// An ssh-agent at agentSocketPath (or $SSH_AUTH_SOCK) supplies keys.
func TestAgent(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	priv, err := ssh.ParseRawPrivateKey([]byte(s.ClientKey))
	if err != nil {
		t.Fatal(err)
	}
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: priv}); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	lis, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lis.Close() })
	go func() {
		for {
			conn, err := lis.Accept()
			if err != nil {
				return
			}
			go func() { _ = agent.ServeAgent(keyring, conn); conn.Close() }()
		}
	}()

	noAgent(t)
	c := cfg(s)
	c.PrivateKey, c.AgentSocketPath = nil, ptr(sock)
	client, err := Dial(context.Background(), c, nil)
	if err != nil {
		t.Fatalf("agentSocketPath: %v", err)
	}
	client.Close()

	getenv = func(k string) string {
		if k == "SSH_AUTH_SOCK" {
			return sock
		}
		return ""
	}
	c.AgentSocketPath = nil
	client, err = Dial(context.Background(), c, nil)
	if err != nil {
		t.Fatalf("SSH_AUTH_SOCK: %v", err)
	}
	client.Close()

	// A socket that is not there fails at once, before dialling the host.
	missing := filepath.Join(t.TempDir(), "gone.sock")
	getenv = func(string) string { return missing }
	_, err = Dial(context.Background(), cfg(s), nil)
	if err == nil || err.Error() != "dial unix "+missing+": connect: no such file or directory" {
		t.Fatalf("err = %v", err)
	}
}

func closedPort(t *testing.T) int {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := lis.Addr().(*net.TCPAddr).Port
	lis.Close()
	return port
}

// dropper accepts TCP connections and closes them at once, counting them.
func dropper(t *testing.T) (int, *atomic.Int32) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lis.Close() })
	var n atomic.Int32
	go func() {
		for {
			conn, err := lis.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			conn.Close()
		}
	}()
	return lis.Addr().(*net.TCPAddr).Port, &n
}

// dialErrorLimit N: N+1 attempts, N "Dial i/N failed: retrying" lines, then
// "after N failed attempts: <last error>", naming host and port.
func TestUnreachableHost(t *testing.T) {
	noAgent(t)
	port := closedPort(t)
	c := Config{Host: "127.0.0.1", Port: port, User: "root", DialErrorLimit: 2, PerDialTimeout: 1}
	var status statusLog
	start := time.Now()
	_, err := Dial(context.Background(), c, status.add)
	elapsed := time.Since(start)
	want := fmt.Sprintf("after 2 failed attempts: dial tcp 127.0.0.1:%d: connect: connection refused", port)
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v", err)
	}
	if strings.Join(status.lines, "|") != "Dial 1/2 failed: retrying|Dial 2/2 failed: retrying" {
		t.Fatalf("status %v", status.lines)
	}
	// Delays 100 ms then 150 ms.
	if elapsed < 240*time.Millisecond || elapsed > 3*time.Second {
		t.Fatalf("took %v", elapsed)
	}
}

func TestAttemptsAndDelays(t *testing.T) {
	noAgent(t)
	for _, limit := range []int{0, 1, 3} {
		port, n := dropper(t)
		c := Config{Host: "127.0.0.1", Port: port, User: "root", DialErrorLimit: limit, PerDialTimeout: 1}
		start := time.Now()
		_, err := Dial(context.Background(), c, nil)
		elapsed := time.Since(start)
		if err == nil || !strings.HasPrefix(err.Error(), fmt.Sprintf("after %d failed attempts: ssh: handshake failed: ", limit)) {
			t.Fatalf("limit %d: err = %v", limit, err)
		}
		if int(n.Load()) != limit+1 {
			t.Fatalf("limit %d: %d attempts, want %d", limit, n.Load(), limit+1)
		}
		// 100 ms × 1.5^i between attempts: 0, 0.1 s, 0.475 s in total.
		var want time.Duration
		d := 100 * time.Millisecond
		for i := 0; i < limit; i++ {
			want += d
			d = d * 3 / 2
		}
		if elapsed < want-10*time.Millisecond || elapsed > want+2*time.Second {
			t.Fatalf("limit %d: took %v, want about %v", limit, elapsed, want)
		}
	}
}

// -1 retries until the context ends; the error is then the context's.
func TestUnlimitedUntilCancelled(t *testing.T) {
	noAgent(t)
	port, n := dropper(t)
	c := Config{Host: "127.0.0.1", Port: port, User: "root", DialErrorLimit: -1, PerDialTimeout: 1}
	var status statusLog
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	_, err := Dial(ctx, c, status.add)
	if !errors.Is(err, context.DeadlineExceeded) || err.Error() != "context deadline exceeded" {
		t.Fatalf("err = %v", err)
	}
	if n.Load() < 4 || !strings.HasPrefix(status.lines[0], "Dial 1/inf failed: retrying") {
		t.Fatalf("%d attempts, status %v", n.Load(), status.lines)
	}
}
