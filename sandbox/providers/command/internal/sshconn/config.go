// Package sshconn opens the SSH connection described by a Command's
// `connection` input: authentication, host key pinning and dial retries.
package sshconn

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"golang.org/x/crypto/ssh"
)

// Defaults as in the @pulumi/command 1.2.1 schema (the Node SDK fills them
// in too, but other callers may not).
const (
	DefaultPort           = 22
	DefaultUser           = "root"
	DefaultDialErrorLimit = 10
	DefaultPerDialTimeout = 15 // seconds
)

// Config is a decoded `connection` object.
type Config struct {
	Host               string
	Port               int
	User               string
	PrivateKey         string
	PrivateKeyPassword string
	Password           string
	HostKey            string
	// DialErrorLimit is the number of dial attempts; -1 means unlimited.
	DialErrorLimit int
	// PerDialTimeout bounds one attempt (TCP connect + SSH handshake); 0
	// means no bound.
	PerDialTimeout time.Duration
}

// Addr is host:port (IPv6-safe).
func (c Config) Addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// AuthMethods turns the credentials into SSH auth methods: the key first
// (upstream: "takes preference over the password"), then the password both
// as "password" and "keyboard-interactive", since servers differ in which
// one they enable for passwords.
func AuthMethods(c Config) ([]ssh.AuthMethod, error) {
	var methods []ssh.AuthMethod
	if c.PrivateKey != "" {
		signer, err := ParsePrivateKey(c.PrivateKey, c.PrivateKeyPassword)
		if err != nil {
			return nil, err
		}
		methods = append(methods, ssh.PublicKeys(signer))
	}
	if c.Password != "" {
		pw := c.Password
		methods = append(methods,
			ssh.Password(pw),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}))
	}
	if len(methods) == 0 {
		return nil, errors.New("connection has neither privateKey nor password " +
			"(ssh-agent authentication is not supported by this offline provider)")
	}
	return methods, nil
}

// ParsePrivateKey parses an (optionally encrypted) private key. Errors never
// quote the key.
func ParsePrivateKey(key, passphrase string) (ssh.Signer, error) {
	var signer ssh.Signer
	var err error
	if passphrase != "" {
		signer, err = ssh.ParsePrivateKeyWithPassphrase([]byte(key), []byte(passphrase))
	} else {
		signer, err = ssh.ParsePrivateKey([]byte(key))
	}
	var missing *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &missing):
		return nil, errors.New("privateKey is encrypted: set connection.privateKeyPassword")
	case err != nil:
		return nil, fmt.Errorf("cannot parse privateKey: %v", err)
	}
	return signer, nil
}

// ClientConfig builds the x/crypto client configuration. warn receives the
// "host key not verified" warning when no hostKey is configured.
func ClientConfig(c Config, warn func(string)) (*ssh.ClientConfig, error) {
	auth, err := AuthMethods(c)
	if err != nil {
		return nil, err
	}
	var want ssh.PublicKey
	if c.HostKey != "" {
		if want, err = ParseHostKey(c.HostKey); err != nil {
			return nil, err
		}
	}
	return &ssh.ClientConfig{
		User:              c.User,
		Auth:              auth,
		HostKeyCallback:   hostKeyCallback(c.Addr(), want, warn),
		HostKeyAlgorithms: hostKeyAlgorithms(want),
		Timeout:           c.PerDialTimeout,
	}, nil
}
