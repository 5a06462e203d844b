// Package sshtest is an in-process SSH server for the tests: it runs exec
// requests with /bin/sh and can refuse env requests like an sshd without
// AcceptEnv. Only tests import it.
package sshtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/crypto/ssh"
)

// Options configure a Server.
type Options struct {
	// AcceptEnv makes the server honour env requests (default: refuse).
	AcceptEnv bool
	// Password, if set, is accepted for password authentication.
	Password string
}

// Server is a running test SSH server.
type Server struct {
	Addr      string
	Host      string
	Port      int
	HostKey   ssh.PublicKey
	ClientKey string // PEM private key accepted by the server

	mu   sync.Mutex
	envs [][]string // env requests accepted, per exec
}

// Execs returns the accepted env requests of each exec so far.
func (s *Server) Execs() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]string(nil), s.envs...)
}

// HostKeyLine is the host key in authorized_keys form.
func (s *Server) HostKeyLine() string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.HostKey)))
}

// Start runs a server until the test ends.
func Start(t *testing.T, opts Options) *Server {
	t.Helper()
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hostSigner, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatal(err)
	}
	clientPub, clientPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(clientPriv, "")
	if err != nil {
		t.Fatal(err)
	}
	authorized, err := ssh.NewPublicKey(clientPub)
	if err != nil {
		t.Fatal(err)
	}

	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if string(key.Marshal()) == string(authorized.Marshal()) {
				return nil, nil
			}
			return nil, errors.New("unknown key")
		},
	}
	if opts.Password != "" {
		cfg.PasswordCallback = func(_ ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if string(pw) == opts.Password {
				return nil, nil
			}
			return nil, errors.New("wrong password")
		}
	}
	cfg.AddHostKey(hostSigner)

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lis.Close() })
	tcp := lis.Addr().(*net.TCPAddr)
	s := &Server{
		Addr: lis.Addr().String(), Host: "127.0.0.1", Port: tcp.Port,
		HostKey: hostSigner.PublicKey(), ClientKey: string(pem.EncodeToMemory(block)),
	}
	go func() {
		for {
			conn, err := lis.Accept()
			if err != nil {
				return
			}
			go s.serveConn(conn, cfg, opts)
		}
	}()
	return s
}

func (s *Server) serveConn(conn net.Conn, cfg *ssh.ServerConfig, opts Options) {
	defer conn.Close()
	_, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			return
		}
		go s.serveSession(ch, creqs, opts)
	}
}

func (s *Server) serveSession(ch ssh.Channel, reqs <-chan *ssh.Request, opts Options) {
	defer ch.Close()
	var env []string
	var proc *exec.Cmd
	done := make(chan struct{})
	for req := range reqs {
		switch req.Type {
		case "env":
			var kv struct{ Name, Value string }
			if err := ssh.Unmarshal(req.Payload, &kv); err != nil || !opts.AcceptEnv {
				_ = req.Reply(false, nil)
				continue
			}
			env = append(env, kv.Name+"="+kv.Value)
			_ = req.Reply(true, nil)
		case "exec":
			var p struct{ Command string }
			if err := ssh.Unmarshal(req.Payload, &p); err != nil || proc != nil {
				_ = req.Reply(false, nil)
				continue
			}
			s.mu.Lock()
			s.envs = append(s.envs, env)
			s.mu.Unlock()
			proc = exec.Command("/bin/sh", "-c", p.Command)
			proc.Env = append(os.Environ(), env...)
			proc.Stdout = ch
			proc.Stderr = ch.Stderr()
			stdin, _ := proc.StdinPipe()
			if err := proc.Start(); err != nil {
				_ = req.Reply(false, nil)
				continue
			}
			_ = req.Reply(true, nil)
			go func() { _, _ = io.Copy(stdin, ch); _ = stdin.Close() }()
			go func(cmd *exec.Cmd) {
				_ = cmd.Wait()
				status := uint32(0)
				if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Exited() {
					status = uint32(ws.ExitStatus())
				} else if !cmd.ProcessState.Success() {
					status = 255
				}
				payload := make([]byte, 4)
				binary.BigEndian.PutUint32(payload, status)
				_, _ = ch.SendRequest("exit-status", false, payload)
				_ = ch.Close()
				close(done)
			}(proc)
		case "signal":
			if proc != nil && proc.Process != nil {
				_ = proc.Process.Kill()
			}
		default:
			if req.WantReply {
				_ = req.Reply(false, nil)
			}
		}
	}
	if proc != nil {
		<-done
	}
}
