package sshconn

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"xingrin.invalid/providers/command/internal/sshtest"
)

const worker1Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEeFX7g5faA2tfHbEwkJsGqDh2kwVhKdmZn0lm+wP+qO"

func TestParseHostKey(t *testing.T) {
	for name, line := range map[string]string{
		"authorized_keys": worker1Key,
		"with comment":    worker1Key + " root@worker-1",
		"padded":          "  " + worker1Key + "\n",
		"known_hosts":     "127.0.1.1 " + worker1Key,
	} {
		k, err := ParseHostKey(line)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if k.Type() != ssh.KeyAlgoED25519 {
			t.Errorf("%s: type %s", name, k.Type())
		}
	}
	for _, bad := range []string{"", "ssh-ed25519", "ssh-ed25519 !!!notbase64", "hello world"} {
		if _, err := ParseHostKey(bad); err == nil {
			t.Errorf("%q: expected an error", bad)
		}
	}
}

func TestHostKeyAlgorithms(t *testing.T) {
	k, _ := ParseHostKey(worker1Key)
	if got := hostKeyAlgorithms(k); len(got) != 1 || got[0] != ssh.KeyAlgoED25519 {
		t.Fatalf("got %v", got)
	}
	if hostKeyAlgorithms(nil) != nil {
		t.Fatal("no pin must leave the default algorithms")
	}
}

func cfg(s *sshtest.Server) Config {
	return Config{Host: s.Host, Port: s.Port, User: "root", PrivateKey: s.ClientKey,
		DialErrorLimit: 3, PerDialTimeout: 5 * time.Second}
}

func TestDialPinnedKey(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	c := cfg(s)
	c.HostKey = s.HostKeyLine()
	var warnings []string
	client, err := Dial(context.Background(), c, nil, func(m string) { warnings = append(warnings, m) })
	if err != nil {
		t.Fatal(err)
	}
	client.Close()
	if len(warnings) != 0 {
		t.Fatalf("pinned key must not warn: %v", warnings)
	}
}

func TestDialHostKeyMismatch(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	c := cfg(s)
	c.HostKey = worker1Key // some other host's key
	var progress []string
	start := time.Now()
	_, err := Dial(context.Background(), c, func(m string) { progress = append(progress, m) }, nil)
	if err == nil {
		t.Fatal("expected a host key mismatch")
	}
	var mismatch *HostKeyMismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("error is not a HostKeyMismatchError: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{s.Addr, "host key does not match the configured hostKey", ssh.FingerprintSHA256(s.HostKey)} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if len(progress) != 0 || time.Since(start) > 2*time.Second {
		t.Fatalf("a mismatch must not be retried (progress %v)", progress)
	}
}

func TestDialWithoutHostKeyWarns(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	var warnings []string
	client, err := Dial(context.Background(), cfg(s), nil, func(m string) { warnings = append(warnings, m) })
	if err != nil {
		t.Fatal(err)
	}
	client.Close()
	if len(warnings) != 1 || !strings.Contains(warnings[0], "hostKey is not set") || !strings.Contains(warnings[0], s.Addr) {
		t.Fatalf("warnings = %v", warnings)
	}
}

func TestDialPassword(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{Password: "hunter2"})
	c := cfg(s)
	c.PrivateKey = ""
	c.Password = "hunter2"
	client, err := Dial(context.Background(), c, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	client.Close()
}

func TestDialAuthFailureNotRetried(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{Password: "hunter2"})
	c := cfg(s)
	c.PrivateKey = ""
	c.Password = "wrong"
	var progress []string
	_, err := Dial(context.Background(), c, func(m string) { progress = append(progress, m) }, nil)
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Fatal("error leaks the password")
	}
	if len(progress) != 0 {
		t.Fatalf("auth failure must not be retried: %v", progress)
	}
}

func TestDialRetries(t *testing.T) {
	// A port nobody listens on: connection refused on every attempt.
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := lis.Addr().(*net.TCPAddr).Port
	lis.Close()
	s := sshtest.Start(t, sshtest.Options{}) // only for a valid client key
	c := Config{Host: "127.0.0.1", Port: port, User: "root", PrivateKey: s.ClientKey, DialErrorLimit: 2, PerDialTimeout: time.Second}
	var progress []string
	_, err = Dial(context.Background(), c, func(m string) { progress = append(progress, m) }, nil)
	if err == nil || !strings.Contains(err.Error(), "after 2 attempt(s)") {
		t.Fatalf("err = %v", err)
	}
	if len(progress) != 1 || !strings.HasPrefix(progress[0], "dial attempt 1 failed: ") {
		t.Fatalf("progress = %v", progress)
	}

	// Cancellation ends an unlimited retry loop.
	c.DialErrorLimit = -1
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if _, err := Dial(ctx, c, nil, nil); err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("err = %v", err)
	}
}

func TestPrivateKeyPassphrase(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("pass"))
	if err != nil {
		t.Fatal(err)
	}
	key := string(pem.EncodeToMemory(block))
	if _, err := ParsePrivateKey(key, ""); err == nil || !strings.Contains(err.Error(), "privateKeyPassword") {
		t.Fatalf("missing passphrase: err = %v", err)
	}
	if _, err := ParsePrivateKey(key, "pass"); err != nil {
		t.Fatalf("with passphrase: %v", err)
	}
	if _, err := ParsePrivateKey(key, "nope"); err == nil {
		t.Fatal("wrong passphrase accepted")
	}
	if _, err := AuthMethods(Config{}); err == nil {
		t.Fatal("no credentials must be an error")
	}
}
