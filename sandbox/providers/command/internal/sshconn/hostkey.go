package sshconn

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/crypto/ssh"
)

// ParseHostKey reads the configured hostKey. The documented form is an
// authorized_keys line ("ssh-ed25519 AAAA… [comment]"); a known_hosts line
// ("host ssh-ed25519 AAAA…") is accepted too because that is what
// ssh-keyscan prints and operators paste.
func ParseHostKey(s string) (ssh.PublicKey, error) {
	line := strings.TrimSpace(s)
	if line == "" {
		return nil, errors.New("hostKey is empty")
	}
	if key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line)); err == nil {
		return key, nil
	}
	if _, _, key, _, _, err := ssh.ParseKnownHosts([]byte(line)); err == nil {
		return key, nil
	}
	return nil, errors.New(`hostKey is not a public key line: expected e.g. "ssh-ed25519 AAAA…" (authorized_keys format)`)
}

// HostKeyMismatchError is returned when the server presents a key other than
// the configured hostKey. It is never retried: it is either an attack or a
// wrong configuration, and neither goes away by dialling again.
type HostKeyMismatchError struct {
	Addr string
	Got  ssh.PublicKey
	Want ssh.PublicKey
}

func (e *HostKeyMismatchError) Error() string {
	return fmt.Sprintf("ssh host key verification failed for %s: the host key does not match the configured hostKey "+
		"(server presented %s %s, hostKey is %s %s)",
		e.Addr, e.Got.Type(), ssh.FingerprintSHA256(e.Got), e.Want.Type(), ssh.FingerprintSHA256(e.Want))
}

// hostKeyCallback pins the configured key, or — when none is configured, as
// upstream does — accepts any key but says so through warn.
func hostKeyCallback(addr string, want ssh.PublicKey, warn func(string)) ssh.HostKeyCallback {
	if want == nil {
		return func(_ string, _ net.Addr, key ssh.PublicKey) error {
			if warn != nil {
				warn(fmt.Sprintf("connection.hostKey is not set: accepting the %s host key %s of %s without verification",
					key.Type(), ssh.FingerprintSHA256(key), addr))
			}
			return nil
		}
	}
	fixed := ssh.FixedHostKey(want)
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		if err := fixed(hostname, remote, key); err != nil {
			return &HostKeyMismatchError{Addr: addr, Got: key, Want: want}
		}
		return nil
	}
}

// hostKeyAlgorithms restricts negotiation to the pinned key's algorithm.
// Without this a server holding several host keys (rsa, ecdsa, ed25519) may
// present another one than the pinned key and fail verification spuriously.
func hostKeyAlgorithms(want ssh.PublicKey) []string {
	if want == nil {
		return nil
	}
	if want.Type() == ssh.KeyAlgoRSA {
		// An RSA key is offered under the SHA-2 signature algorithms too.
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{want.Type()}
}
