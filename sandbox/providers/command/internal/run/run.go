// Package run executes one command in an SSH session: environment, stdin,
// live line streaming of stdout/stderr, captured outputs and a readable
// error for a non-zero exit.
package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/ssh"
)

// errorTailLines is how much output a failure message quotes: enough to see
// why a script failed, short enough for the `pulumi up` summary.
const errorTailLines = 20

// Request is one command execution.
type Request struct {
	// Command is passed to the remote login shell as-is (session.Run), like
	// `ssh host 'command'`.
	Command string
	// Stdin is written to the command's standard input; "" means none (the
	// command sees EOF at once).
	Stdin string
	// Env is set via Setenv where the server allows it, else exported by a
	// shell prefix.
	Env []EnvVar
	// OnStdout / OnStderr get each output line as it arrives; nil means the
	// stream is captured but not logged (the `logging` input).
	OnStdout func(string)
	OnStderr func(string)
}

// Result holds the captured output, each trimmed of one trailing newline.
type Result struct {
	Stdout string
	Stderr string
}

// ExitError is a command that ran and exited non-zero (or by a signal).
type ExitError struct {
	Status int
	Signal string
	Tail   string // last lines of stderr, or of stdout when stderr was empty
}

func (e *ExitError) Error() string {
	var msg string
	if e.Signal != "" {
		msg = fmt.Sprintf("command was killed by signal %s", e.Signal)
	} else {
		msg = fmt.Sprintf("command exited with status %d", e.Status)
	}
	if e.Tail != "" {
		msg += ":\n" + e.Tail
	}
	return msg
}

// Session is the subset of *ssh.Session used here (tests substitute it).
type Session interface {
	Setenv(name, value string) error
	Run(cmd string) error
	Signal(sig ssh.Signal) error
	Close() error
}

// Run executes req on a new session of client.
func Run(ctx context.Context, client *ssh.Client, req Request) (Result, error) {
	sess, err := client.NewSession()
	if err != nil {
		return Result{}, fmt.Errorf("opening ssh session: %w", err)
	}
	defer sess.Close()
	return runSession(ctx, sess, func(stdin io.Reader, stdout, stderr io.Writer) {
		sess.Stdin, sess.Stdout, sess.Stderr = stdin, stdout, stderr
	}, req)
}

func runSession(ctx context.Context, sess Session, wire func(io.Reader, io.Writer, io.Writer), req Request) (Result, error) {
	// Setenv first, collecting refusals for the export fallback. A refusal
	// leaves the session usable.
	var refused []EnvVar
	for _, v := range req.Env {
		if err := sess.Setenv(v.Name, v.Value); err != nil {
			refused = append(refused, v)
		}
	}
	cmd := req.Command
	if len(refused) > 0 {
		cmd = exportPrefix(refused) + cmd
	}

	var stdoutBuf, stderrBuf bytes.Buffer
	var stdin io.Reader
	if req.Stdin != "" {
		stdin = strings.NewReader(req.Stdin)
	}
	stdout, flushOut := tee(&stdoutBuf, req.OnStdout)
	stderr, flushErr := tee(&stderrBuf, req.OnStderr)
	wire(stdin, stdout, stderr)

	done := make(chan error, 1)
	go func() { done <- sess.Run(cmd) }()
	select {
	case err := <-done:
		// Run returns after the output copiers finished, so the buffers
		// and line writers are complete here.
		flushOut()
		flushErr()
		if err != nil {
			return Result{}, exitError(err, stdoutBuf.String(), stderrBuf.String())
		}
	case <-ctx.Done():
		// Cancelled (Cancel RPC, custom timeout, engine gone): kill the
		// remote process where the server supports signals, and drop the
		// session either way.
		_ = sess.Signal(ssh.SIGKILL)
		_ = sess.Close()
		return Result{}, fmt.Errorf("command cancelled: %w", ctx.Err())
	}
	return Result{Stdout: TrimOutput(stdoutBuf.String()), Stderr: TrimOutput(stderrBuf.String())}, nil
}

func tee(buf *bytes.Buffer, onLine func(string)) (io.Writer, func()) {
	if onLine == nil {
		return buf, func() {}
	}
	lw := &lineWriter{emit: onLine}
	return io.MultiWriter(buf, lw), lw.flush
}

func exitError(err error, stdout, stderr string) error {
	tail := tailLines(stderr, errorTailLines)
	if strings.TrimSpace(tail) == "" {
		tail = tailLines(stdout, errorTailLines)
	}
	var ee *ssh.ExitError
	if errors.As(err, &ee) {
		return &ExitError{Status: ee.ExitStatus(), Signal: ee.Signal(), Tail: tail}
	}
	var missing *ssh.ExitMissingError
	if errors.As(err, &missing) {
		msg := "command ended without reporting an exit status (connection lost?)"
		if tail != "" {
			msg += ":\n" + tail
		}
		return errors.New(msg)
	}
	return fmt.Errorf("running command: %w", err)
}
