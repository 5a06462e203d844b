// Package dockercli runs the docker CLI against one daemon. Every Docker operation of the
// provider goes through Runner, so resource code stays testable with a fake, and so the
// provider supports whatever endpoint the docker CLI supports (unix://, tcp://, ssh://)
// without a Docker API client of its own: the upstream client libraries are not reachable
// from the networks this provider is built for.
package dockercli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
)

// Runner runs one docker CLI command against the configured daemon.
type Runner interface {
	// Run runs `docker <args>` and returns its standard output with surrounding white space
	// trimmed. A non-zero exit is an *Error carrying docker's standard error.
	Run(ctx context.Context, args ...string) (string, error)
	// Stream runs `docker <args>` and hands every line of standard output and standard error
	// to onLine as it arrives (for pull and build progress).
	Stream(ctx context.Context, onLine func(line string), args ...string) error
}

// Error is a docker command that exited non-zero.
type Error struct {
	Args     []string // without the --host prefix
	ExitCode int
	Stderr   string // trimmed; for Stream, the last lines of combined output
}

func (e *Error) Error() string {
	msg := e.Stderr
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", e.ExitCode)
	}
	return msg
}

// IsNotFound reports whether err is docker saying the object does not exist. Delete and
// Read use it: something already gone is not a failure there. The daemon's wording differs
// per object type and version, hence the list. It is kept narrow on purpose: a loose match
// (say "not found" alone, as in an ssh host's "docker: command not found") would make a
// refresh drop live objects from the state.
func IsNotFound(err error) bool {
	var de *Error
	if !errors.As(err, &de) {
		return false
	}
	msg := strings.ToLower(de.Stderr)
	for _, s := range []string{"no such container", "no such image", "no such object", "no such volume",
		"no such network"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return networkNotFound.MatchString(msg)
}

// networkNotFound is how daemons word a missing network ("network xingrin_network not found").
var networkNotFound = regexp.MustCompile(`\bnetwork \S+ not found`)

// CLI is the Runner that executes the docker binary with --host. Host is passed explicitly
// on every call (never taken from DOCKER_HOST or the CLI's current context) so the daemon a
// stack manages is exactly the one its provider configuration names.
type CLI struct {
	Binary string // "docker" unless a test says otherwise
	Host   string // unix:///var/run/docker.sock, tcp://h:2376, ssh://user@h
	// Env, when set, replaces the process environment of the docker command.
	Env []string
}

func (c *CLI) command(ctx context.Context, args []string) *exec.Cmd {
	bin := c.Binary
	if bin == "" {
		bin = "docker"
	}
	full := append([]string{"--host", c.Host}, args...)
	cmd := exec.CommandContext(ctx, bin, full...)
	if c.Env != nil {
		cmd.Env = c.Env
	}
	return cmd
}

// Run implements Runner.
func (c *CLI) Run(ctx context.Context, args ...string) (string, error) {
	cmd := c.command(ctx, args)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return strings.TrimSpace(stdout.String()), wrapExit(ctx, args, err, stderr.String())
	}
	return strings.TrimSpace(stdout.String()), nil
}

// streamTail is how many lines of output a failed Stream keeps for its error message.
const streamTail = 20

// Stream implements Runner. Lines of both streams go to onLine (one at a time); a failure's
// message is the tail of standard error, where docker writes its errors (falling back to
// the tail of standard output if standard error is empty).
func (c *CLI) Stream(ctx context.Context, onLine func(string), args ...string) error {
	cmd := c.command(ctx, args)
	outR, outW := io.Pipe()
	errR, errW := io.Pipe()
	cmd.Stdout, cmd.Stderr = outW, errW

	var mu sync.Mutex // serialises onLine and guards the tails
	var outTail, errTail []string
	var wg sync.WaitGroup
	read := func(r io.Reader, tail *[]string) {
		defer wg.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := strings.TrimRight(sc.Text(), "\r")
			if strings.TrimSpace(line) == "" {
				continue
			}
			mu.Lock()
			*tail = append(*tail, line)
			if len(*tail) > streamTail {
				*tail = (*tail)[1:]
			}
			if onLine != nil {
				onLine(line)
			}
			mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, r) // a line too long for the scanner must not block docker
	}
	wg.Add(2)
	go read(outR, &outTail)
	go read(errR, &errTail)
	err := cmd.Run()
	_ = outW.Close()
	_ = errW.Close()
	wg.Wait()
	if err != nil {
		tail := errTail
		if len(tail) == 0 {
			tail = outTail
		}
		return wrapExit(ctx, args, err, strings.Join(tail, "\n"))
	}
	return nil
}

func wrapExit(ctx context.Context, args []string, err error, stderr string) error {
	if ctx.Err() != nil {
		return fmt.Errorf("docker %s: cancelled: %w", firstWords(args), ctx.Err())
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return &Error{Args: args, ExitCode: exit.ExitCode(), Stderr: strings.TrimSpace(stderr)}
	}
	// The binary could not be started at all.
	return fmt.Errorf("running docker %s: %w", firstWords(args), err)
}

func firstWords(args []string) string {
	if len(args) > 2 {
		args = args[:2]
	}
	return strings.Join(args, " ")
}
