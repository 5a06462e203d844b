package run

import (
	"context"
	"errors"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"xingrin.invalid/providers/command/internal/sshtest"
)

func TestTrimOutput(t *testing.T) {
	for in, want := range map[string]string{
		"":          "",
		"x":         "x",
		"x\n":       "x",
		"x\n\n":     "x\n", // exactly one newline goes
		"a\nb\n":    "a\nb",
		"x\r\n":     "x\r",
		"\n":        "",
		"no nl\nyo": "no nl\nyo",
	} {
		if got := TrimOutput(in); got != want {
			t.Errorf("TrimOutput(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTailLines(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 30; i++ {
		b.WriteString("line")
		b.WriteString(strings.Repeat("!", i%3))
		b.WriteString("\n")
	}
	got := strings.Split(tailLines(b.String(), 20), "\n")
	if len(got) != 20 {
		t.Fatalf("got %d lines", len(got))
	}
	if tailLines("\n\n", 5) != "" || tailLines("a\nb", 5) != "a\nb" {
		t.Fatal("short inputs")
	}
}

func TestLineWriter(t *testing.T) {
	var lines []string
	w := &lineWriter{emit: func(s string) { lines = append(lines, s) }}
	for _, chunk := range []string{"hel", "lo\nwor", "ld\r\n", "\n", "tail"} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	w.flush()
	want := []string{"hello", "world", "", "tail"}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Fatalf("lines = %q, want %q", lines, want)
	}
	lines = nil
	_, _ = w.Write([]byte(strings.Repeat("x", maxLine+10)))
	if len(lines) != 1 || len(lines[0]) != maxLine+10 {
		t.Fatalf("long line not emitted in one piece: %d lines", len(lines))
	}
}

// The export fallback must reproduce any value exactly in a POSIX shell.
func TestExportPrefixRoundTrip(t *testing.T) {
	values := []string{"plain", "with space", "it's", `"double"`, "$HOME `id` $(id)", "a\nb\n", "'", "", `back\slash`}
	for _, v := range values {
		script := exportPrefix([]EnvVar{{Name: "V", Value: v}}) + `printf %s "$V"`
		out, err := exec.Command("/bin/sh", "-c", script).Output()
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if string(out) != v {
			t.Errorf("value %q came back as %q", v, out)
		}
	}
}

func TestValidEnvName(t *testing.T) {
	for name, want := range map[string]bool{"A": true, "_x1": true, "PULUMI_COMMAND_STDOUT": true, "1A": false, "A-B": false, "": false, "A B": false} {
		if ValidEnvName(name) != want {
			t.Errorf("%q: want %v", name, want)
		}
	}
}

func dial(t *testing.T, s *sshtest.Server) *ssh.Client {
	t.Helper()
	signer, err := ssh.ParsePrivateKey([]byte(s.ClientKey))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ssh.Dial("tcp", s.Addr, &ssh.ClientConfig{
		User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: ssh.FixedHostKey(s.HostKey),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

type collector struct {
	mu    sync.Mutex
	lines []string
}

func (c *collector) add(prefix string) func(string) {
	return func(s string) { c.mu.Lock(); c.lines = append(c.lines, prefix+s); c.mu.Unlock() }
}

func TestRunOverSSH(t *testing.T) {
	for _, accept := range []bool{false, true} {
		s := sshtest.Start(t, sshtest.Options{AcceptEnv: accept})
		client := dial(t, s)
		var col collector
		res, err := Run(context.Background(), client, Request{
			Command:  `echo hello; echo "A=$A B=$B"; echo oops >&2; cat`,
			Stdin:    "from stdin\n",
			Env:      []EnvVar{{"A", "1"}, {"B", "it's two"}},
			OnStdout: col.add("out: "),
			OnStderr: col.add("err: "),
		})
		if err != nil {
			t.Fatalf("acceptEnv=%v: %v", accept, err)
		}
		if res.Stdout != "hello\nA=1 B=it's two\nfrom stdin" || res.Stderr != "oops" {
			t.Fatalf("acceptEnv=%v: result %+v", accept, res)
		}
		joined := strings.Join(col.lines, "|")
		for _, want := range []string{"out: hello", "out: A=1 B=it's two", "err: oops", "out: from stdin"} {
			if !strings.Contains(joined, want) {
				t.Errorf("acceptEnv=%v: streamed lines %q lack %q", accept, col.lines, want)
			}
		}
		// With AcceptEnv the variables travel as env requests.
		execs := s.Execs()
		if len(execs) != 1 || accept && len(execs[0]) != 2 || !accept && len(execs[0]) != 0 {
			t.Errorf("acceptEnv=%v: env requests = %v", accept, execs)
		}
	}
}

func TestRunNoStdinSeesEOF(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	res, err := Run(context.Background(), dial(t, s), Request{Command: "cat; echo done"})
	if err != nil || res.Stdout != "done" {
		t.Fatalf("res %+v err %v", res, err)
	}
}

func TestRunExitError(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	client := dial(t, s)
	script := `for i in $(seq 1 30); do echo "err $i" >&2; done; echo out; exit 3`
	_, err := Run(context.Background(), client, Request{Command: script})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Status != 3 {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "command exited with status 3:\n") || !strings.Contains(msg, "err 30") ||
		!strings.Contains(msg, "err 11") || strings.Contains(msg, "err 10\n") || strings.Contains(msg, "out") {
		t.Fatalf("message should quote the last 20 stderr lines only:\n%s", msg)
	}

	// Empty stderr: the stdout tail is quoted instead.
	_, err = Run(context.Background(), client, Request{Command: "echo only-stdout; exit 1"})
	if err == nil || err.Error() != "command exited with status 1:\nonly-stdout" {
		t.Fatalf("err = %v", err)
	}
}

func TestRunCancel(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, dial(t, s), Request{Command: "sleep 30"})
	if err == nil || !strings.Contains(err.Error(), "cancelled") || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

// fakeSession refuses some Setenv calls and records the command.
type fakeSession struct {
	refuse map[string]bool
	set    []string
	cmd    string
}

func (f *fakeSession) Setenv(name, _ string) error {
	if f.refuse[name] {
		return errors.New("ssh: setenv failed")
	}
	f.set = append(f.set, name)
	return nil
}
func (f *fakeSession) Run(cmd string) error    { f.cmd = cmd; return nil }
func (f *fakeSession) Signal(ssh.Signal) error { return nil }
func (f *fakeSession) Close() error            { return nil }

func TestOnlyRefusedVariablesAreExported(t *testing.T) {
	f := &fakeSession{refuse: map[string]bool{"B": true}}
	_, err := runSession(context.Background(), f, func(io.Reader, io.Writer, io.Writer) {}, Request{
		Command: "run-it", Env: []EnvVar{{"A", "1"}, {"B", "2"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.set, ",") != "A" || f.cmd != "export B='2'\nrun-it" {
		t.Fatalf("set %v cmd %q", f.set, f.cmd)
	}
}
