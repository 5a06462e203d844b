package run

import (
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"

	"xingrin.invalid/providers/command/internal/spec"
	"xingrin.invalid/providers/command/internal/sshtest"
)

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

func (c *collector) joined() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.lines, "|")
}

func TestRunOverSSH(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{AcceptEnv: true})
	var col collector
	res, err := Run(dial(t, s), Request{
		Command:        "echo hello\necho \"A=$A B=$B P=$PULUMI_COMMAND_STDOUT\"\necho oops >&2\ncat",
		Stdin:          "from stdin\n",
		Env:            []spec.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "it's two"}},
		PreviousOutput: []spec.EnvVar{{Name: spec.EnvPrevStdout, Value: "before"}},
		OnStdout:       col.add("out: "),
		OnStderr:       col.add("err: "),
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stdout != "hello\nA=1 B=it's two P=before\nfrom stdin" || res.Stderr != "oops" {
		t.Fatalf("result %+v", res)
	}
	for _, want := range []string{"out: hello", "out: A=1 B=it's two P=before", "err: oops", "out: from stdin"} {
		if !strings.Contains(col.joined(), want) {
			t.Errorf("streamed lines %q lack %q", col.lines, want)
		}
	}
	if execs := s.Execs(); len(execs) != 1 || len(execs[0]) != 3 {
		t.Fatalf("env requests = %v", execs)
	}
}

// Upstream sends `environment` only as SSH env requests; a host whose sshd
// does not AcceptEnv the name fails the command before it runs.
func TestRefusedEnvironmentFails(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	var errs collector
	_, err := Run(dial(t, s), Request{
		Command: "echo must-not-run",
		Env:     []spec.EnvVar{{Name: "DOCKER_HOST", Value: "unix:///x.sock"}},
		OnError: errs.add(""),
	})
	if err == nil || err.Error() != `could not set environment variable "DOCKER_HOST": ssh: setenv failed` {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(errs.joined(), "Unable to set 'DOCKER_HOST'. This only works if your SSH server is configured to accept") {
		t.Fatalf("error log = %q", errs.lines)
	}
	if len(s.Execs()) != 0 {
		t.Fatal("the command must not run")
	}
}

// PULUMI_COMMAND_STDOUT/STDERR refused: a warning, and the command runs
// without them.
func TestRefusedPreviousOutputWarns(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	var warns collector
	res, err := Run(dial(t, s), Request{
		Command:        `echo "[$PULUMI_COMMAND_STDOUT]"`,
		PreviousOutput: []spec.EnvVar{{Name: spec.EnvPrevStdout, Value: "x"}, {Name: spec.EnvPrevStderr, Value: "y"}},
		OnWarning:      warns.add(""),
	})
	if err != nil || res.Stdout != "[]" {
		t.Fatalf("res %+v err %v", res, err)
	}
	if len(warns.lines) != 2 || !strings.HasPrefix(warns.lines[1], "Unable to set 'PULUMI_COMMAND_STDERR'.") {
		t.Fatalf("warnings = %q", warns.lines)
	}
}

func TestRunNoStdinSeesEOF(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	res, err := Run(dial(t, s), Request{Command: "cat; echo done"})
	if err != nil || res.Stdout != "done" {
		t.Fatalf("res %+v err %v", res, err)
	}
}

// Upstream: "<ssh exit error>: running <quoted command>:\n<stdout+stderr>".
func TestRunExitError(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	script := "echo out\necho err >&2\nexit 3"
	_, err := Run(dial(t, s), Request{Command: script})
	want := "Process exited with status 3: running \"echo out\\necho err >&2\\nexit 3\":\n"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v", err)
	}
	out := strings.TrimPrefix(err.Error(), want)
	if !strings.Contains(out, "out\n") || !strings.Contains(out, "err\n") {
		t.Fatalf("the message must quote stdout and stderr: %q", out)
	}
	var ee *ssh.ExitError
	if !errors.As(err, &ee) || ee.ExitStatus() != 3 {
		t.Fatal("the ssh exit error must be wrapped")
	}
}

// fakeSession records the order of env requests.
type fakeSession struct {
	set []string
	cmd string
}

func (f *fakeSession) Setenv(name, _ string) error { f.set = append(f.set, name); return nil }
func (f *fakeSession) Run(cmd string) error        { f.cmd = cmd; return nil }
func (f *fakeSession) Close() error                { return nil }

func TestCommandSentAsIs(t *testing.T) {
	f := &fakeSession{}
	_, err := runSession(f, func(io.Reader, io.Writer, io.Writer) {}, Request{
		Command:        "run-it",
		Env:            []spec.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}},
		PreviousOutput: []spec.EnvVar{{Name: spec.EnvPrevStdout, Value: "x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.set, ",") != "A,B,PULUMI_COMMAND_STDOUT" || f.cmd != "run-it" {
		t.Fatalf("set %v cmd %q", f.set, f.cmd)
	}
}
