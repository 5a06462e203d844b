package cmdio

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// Capture collects a command's output. Stdout and Stderr are each written
// by one goroutine (os/exec and x/crypto copy the two streams
// concurrently); the interleaved copy for error messages is shared, so it
// is locked.
type Capture struct {
	stdout, stderr bytes.Buffer
	combined       lockedBuffer
	outW, errW     io.Writer
	flushes        []func()
}

// NewCapture streams stdout lines to onStdout and stderr lines to onStderr;
// nil means that stream is captured but not logged (the `logging` input).
func NewCapture(onStdout, onStderr func(string)) *Capture {
	c := &Capture{}
	c.outW = c.tee(&c.stdout, onStdout)
	c.errW = c.tee(&c.stderr, onStderr)
	return c
}

func (c *Capture) tee(own *bytes.Buffer, onLine func(string)) io.Writer {
	ws := []io.Writer{own, &c.combined}
	if onLine != nil {
		lw := &lineWriter{emit: onLine}
		ws = append(ws, lw)
		c.flushes = append(c.flushes, lw.flush)
	}
	return io.MultiWriter(ws...)
}

// Stdout is the writer for the command's standard output.
func (c *Capture) Stdout() io.Writer { return c.outW }

// Stderr is the writer for the command's standard error.
func (c *Capture) Stderr() io.Writer { return c.errW }

// Done emits any last partial lines; call it once the command has exited
// and its output has been copied.
func (c *Capture) Done() {
	for _, f := range c.flushes {
		f()
	}
}

// Outputs are stdout and stderr, each trimmed of one trailing newline.
func (c *Capture) Outputs() (stdout, stderr string) {
	return TrimOutput(c.stdout.String()), TrimOutput(c.stderr.String())
}

// Combined is stdout and stderr interleaved as they arrived.
func (c *Capture) Combined() string { return c.combined.String() }

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// CommandError is a command that could not be started or did not succeed,
// worded as upstream words it:
//
//	<cause>: running "<command>":
//	<stdout and stderr, interleaved>
//
// where cause is e.g. "exit status 3" (local), "Process exited with
// status 3" (remote), or "chdir /nope: no such file or directory".
type CommandError struct {
	Err     error
	Command string
	Output  string
}

func (e *CommandError) Error() string { return e.Redacted(nil) }

func (e *CommandError) Unwrap() error { return e.Err }

// Redacted renders the message with mask applied to each part before the
// command is quoted, so that a secret spanning lines of the command is
// still recognised (quoting turns its newlines into `\n`).
func (e *CommandError) Redacted(mask func(string) string) string {
	if mask == nil {
		mask = func(s string) string { return s }
	}
	return fmt.Sprintf("%s: running %q:\n%s", mask(e.Err.Error()), mask(e.Command), mask(e.Output))
}
