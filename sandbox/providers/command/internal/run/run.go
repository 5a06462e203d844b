// Package run executes one command in an SSH session the way upstream
// command 1.2.1's remote Command does: environment variables by SSH env
// requests only, stdin, live line streaming of stdout/stderr, trimmed
// outputs, and upstream's error for a failure.
package run

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/ssh"

	"xingrin.invalid/providers/command/internal/cmdio"
	"xingrin.invalid/providers/command/internal/spec"
)

// Request is one command execution.
type Request struct {
	// Command is passed to the remote sshd as-is (an exec request, like
	// `ssh host 'command'`): the user's login shell runs it.
	Command string
	// Stdin is written to the command's standard input; "" means none (the
	// command sees EOF at once).
	Stdin string
	// Env is the `environment` input. Each variable is sent as an SSH env
	// request; sshd grants only names its AcceptEnv lists, and a refusal
	// fails the command before it starts, as upstream.
	Env []spec.EnvVar
	// PreviousOutput is PULUMI_COMMAND_STDOUT/STDERR. A refusal is only a
	// warning, as upstream: the command runs without them.
	PreviousOutput []spec.EnvVar
	// OnStdout / OnStderr get each output line as it arrives; nil means the
	// stream is captured but not logged (the `logging` input).
	OnStdout func(string)
	OnStderr func(string)
	// OnError / OnWarning receive upstream's log lines for refused env
	// requests.
	OnError   func(string)
	OnWarning func(string)
}

// Result holds the captured output, each trimmed of one trailing newline.
type Result struct {
	Stdout string
	Stderr string
}

// Session is the subset of *ssh.Session used here (tests substitute it).
type Session interface {
	Setenv(name, value string) error
	Run(cmd string) error
	Close() error
}

// Run executes req on a new session of client. Like upstream it does not
// watch a context: once started, a command runs to its end (Cancel and
// customTimeouts act only while dialling).
func Run(client *ssh.Client, req Request) (Result, error) {
	sess, err := client.NewSession()
	if err != nil {
		return Result{}, err
	}
	defer sess.Close()
	return runSession(sess, func(stdin io.Reader, stdout, stderr io.Writer) {
		sess.Stdin, sess.Stdout, sess.Stderr = stdin, stdout, stderr
	}, req)
}

// setenvRefused is upstream's log line for a refused env request.
func setenvRefused(name string) string {
	return fmt.Sprintf("Unable to set '%s'. This only works if your SSH server is configured to accept\n"+
		"\tthese variables via AcceptEnv. Alternatively, if a Bash-like shell runs the command on the remote host, you could\n"+
		"\tprefix the command itself with the variables in the form 'VAR=value command'", name)
}

func runSession(sess Session, wire func(io.Reader, io.Writer, io.Writer), req Request) (Result, error) {
	for _, v := range req.Env {
		if err := sess.Setenv(v.Name, v.Value); err != nil {
			if req.OnError != nil {
				req.OnError(setenvRefused(v.Name))
			}
			return Result{}, fmt.Errorf("could not set environment variable %q: %w", v.Name, err)
		}
	}
	for _, v := range req.PreviousOutput {
		if err := sess.Setenv(v.Name, v.Value); err != nil && req.OnWarning != nil {
			req.OnWarning(setenvRefused(v.Name))
		}
	}

	var stdin io.Reader
	if req.Stdin != "" {
		stdin = strings.NewReader(req.Stdin)
	}
	capture := cmdio.NewCapture(req.OnStdout, req.OnStderr)
	wire(stdin, capture.Stdout(), capture.Stderr())

	// Run returns after the output copiers finished, so the capture is
	// complete here.
	err := sess.Run(req.Command)
	capture.Done()
	if err != nil {
		return Result{}, &cmdio.CommandError{Err: err, Command: req.Command, Output: capture.Combined()}
	}
	stdout, stderr := capture.Outputs()
	return Result{Stdout: stdout, Stderr: stderr}, nil
}
