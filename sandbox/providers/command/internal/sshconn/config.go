// Package sshconn opens the SSH connection described by a remote Command's
// `connection` input the way upstream command 1.2.1 does: the same client
// configuration (host key pinning, auth methods, ssh-agent), the same dial
// retries with the same delays, and the same error messages.
package sshconn

import (
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Config is a decoded `connection` object. Optional strings are pointers:
// upstream acts on "set", so an empty hostKey is a parse error, not "no
// pinning".
type Config struct {
	Host               string
	Port               int
	User               string
	Password           *string
	PrivateKey         *string
	PrivateKeyPassword *string
	AgentSocketPath    *string
	HostKey            *string
	// DialErrorLimit: see Dial. -1 (or any value below it) is unlimited.
	DialErrorLimit int
	// PerDialTimeout bounds the TCP connect of one attempt, in seconds;
	// 0 means no bound. (As upstream, it does not cover the SSH handshake.)
	PerDialTimeout int
}

// Endpoint is host:port (IPv6-safe), as dialled and as errors name it.
func (c Config) Endpoint() string {
	return net.JoinHostPort(c.Host, fmt.Sprint(c.Port))
}

// getenv is os.Getenv; tests replace it to control SSH_AUTH_SOCK.
var getenv = os.Getenv

// ClientConfig builds the x/crypto client configuration as upstream does:
//   - hostKey set: only that key is accepted (authorized_keys format, e.g.
//     "ssh-ed25519 AAAA…"), and only its algorithm is negotiated; unset:
//     any host key is accepted, silently;
//   - auth methods in order: privateKey (with privateKeyPassword if set),
//     password and keyboard-interactive (both answering with password),
//     then ssh-agent at agentSocketPath or, if unset, $SSH_AUTH_SOCK.
//
// The returned closer releases the agent connection (if any).
func ClientConfig(c Config) (*ssh.ClientConfig, func(), error) {
	cfg := &ssh.ClientConfig{
		User:            c.User,
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), //nolint:gosec // upstream's behaviour without hostKey
		Timeout:         time.Duration(c.PerDialTimeout) * time.Second,
	}
	if c.HostKey != nil {
		key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(*c.HostKey))
		if err != nil {
			return nil, nil, fmt.Errorf("failed to parse host key: %w", err)
		}
		cfg.HostKeyCallback = ssh.FixedHostKey(key)
		cfg.HostKeyAlgorithms = []string{key.Type()}
	}
	if c.PrivateKey != nil {
		var signer ssh.Signer
		var err error
		if c.PrivateKeyPassword != nil {
			signer, err = ssh.ParsePrivateKeyWithPassphrase([]byte(*c.PrivateKey), []byte(*c.PrivateKeyPassword))
		} else {
			signer, err = ssh.ParsePrivateKey([]byte(*c.PrivateKey))
		}
		if err != nil {
			return nil, nil, err
		}
		cfg.Auth = append(cfg.Auth, ssh.PublicKeys(signer))
	}
	if c.Password != nil {
		pw := *c.Password
		cfg.Auth = append(cfg.Auth,
			ssh.Password(pw),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}))
	}
	closer := func() {}
	socket := ""
	if c.AgentSocketPath != nil {
		socket = *c.AgentSocketPath
	} else {
		socket = getenv("SSH_AUTH_SOCK")
	}
	if c.AgentSocketPath != nil || socket != "" {
		conn, err := net.Dial("unix", socket)
		if err != nil {
			return nil, nil, err
		}
		closer = func() { _ = conn.Close() }
		cfg.Auth = append(cfg.Auth, ssh.PublicKeysCallback(agent.NewClient(conn).Signers))
	}
	return cfg, closer, nil
}
