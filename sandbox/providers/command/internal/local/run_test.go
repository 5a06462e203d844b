package local

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"xingrin.invalid/providers/command/internal/spec"
)

// The kind of script the program runs against the main server's Docker:
// several lines, comments, a function, a loop, a here-document, `set -e`.
const script = `# pull and report
set -e
say() { printf '%s\n' "$1"; }
for img in a b; do
  say "pull $img via $DOCKER_HOST"
done
cat <<EOT
here $HOME_OF_TEST
EOT
if [ -n "$PULUMI_COMMAND_STDOUT" ]; then say "previous: $PULUMI_COMMAND_STDOUT"; fi
say done >&2
`

func TestMultiLineShScript(t *testing.T) {
	t.Setenv("HOME_OF_TEST", "inherited")
	var mu sync.Mutex
	var lines []string
	log := func(p string) func(string) {
		return func(s string) { mu.Lock(); lines = append(lines, p+s); mu.Unlock() }
	}
	res, err := Run(context.Background(), Request{
		Command:  script,
		Env:      []spec.EnvVar{{Name: "DOCKER_HOST", Value: "unix:///run/xingrin/docker.sock"}},
		OnStdout: log("out: "), OnStderr: log("err: "),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "pull a via unix:///run/xingrin/docker.sock\npull b via unix:///run/xingrin/docker.sock\nhere inherited"
	if res.Stdout != want || res.Stderr != "done" {
		t.Fatalf("res %+v", res)
	}
	if got := strings.Join(lines, "|"); !strings.Contains(got, "out: pull a via") || !strings.Contains(got, "err: done") {
		t.Fatalf("streamed %q", lines)
	}

	res, err = Run(context.Background(), Request{
		Command:        script,
		Env:            []spec.EnvVar{{Name: "DOCKER_HOST", Value: "h"}},
		PreviousOutput: []spec.EnvVar{{Name: spec.EnvPrevStdout, Value: "earlier"}},
	})
	if err != nil || !strings.HasSuffix(res.Stdout, "previous: earlier") {
		t.Fatalf("res %+v err %v", res, err)
	}
}

// environment is added to the provider's environment and wins over it;
// PULUMI_COMMAND_* come last and win over both.
func TestEnvironmentOrder(t *testing.T) {
	t.Setenv("FROM_PROVIDER", "p")
	t.Setenv("OVERRIDDEN", "provider")
	res, err := Run(context.Background(), Request{
		Command: `echo "$FROM_PROVIDER $OVERRIDDEN $PULUMI_COMMAND_STDOUT"`,
		Env: []spec.EnvVar{{Name: "OVERRIDDEN", Value: "input"},
			{Name: spec.EnvPrevStdout, Value: "from-environment"}},
		PreviousOutput: []spec.EnvVar{{Name: spec.EnvPrevStdout, Value: "previous"}},
	})
	if err != nil || res.Stdout != "p input previous" {
		t.Fatalf("res %+v err %v", res, err)
	}
}

func TestStdin(t *testing.T) {
	res, err := Run(context.Background(), Request{Command: "cat; echo end", Stdin: "a\nb\n"})
	if err != nil || res.Stdout != "a\nb\nend" {
		t.Fatalf("res %+v err %v", res, err)
	}
	// No stdin: the command reads EOF at once.
	res, err = Run(context.Background(), Request{Command: "cat; echo end"})
	if err != nil || res.Stdout != "end" {
		t.Fatalf("res %+v err %v", res, err)
	}
}

func TestDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Request{Command: "pwd", Dir: &dir})
	if err != nil || res.Stdout != dir {
		t.Fatalf("res %+v err %v", res, err)
	}
	// Unset: the provider's working directory (the engine starts it in the
	// project directory).
	t.Chdir(dir)
	res, err = Run(context.Background(), Request{Command: "pwd"})
	if err != nil || res.Stdout != dir {
		t.Fatalf("res %+v err %v", res, err)
	}
	rel := "sub"
	res, err = Run(context.Background(), Request{Command: "pwd", Dir: &rel})
	if err != nil || res.Stdout != filepath.Join(dir, "sub") {
		t.Fatalf("relative dir: res %+v err %v", res, err)
	}
	missing := filepath.Join(dir, "nope")
	_, err = Run(context.Background(), Request{Command: "pwd", Dir: &missing})
	if err == nil || err.Error() != "chdir "+missing+": no such file or directory: running \"pwd\":\n" {
		t.Fatalf("err = %v", err)
	}
}

func TestInterpreter(t *testing.T) {
	if got := DefaultInterpreter(); strings.Join(got, " ") != "/bin/sh -c" {
		t.Fatalf("default %v", got)
	}
	res, err := Run(context.Background(), Request{Command: "the command", Interpreter: []string{"/bin/echo", "arg"}})
	if err != nil || res.Stdout != "arg the command" {
		t.Fatalf("res %+v err %v", res, err)
	}
	// A program found on PATH, like exec.
	res, err = Run(context.Background(), Request{Command: "echo $0", Interpreter: []string{"sh", "-c"}})
	if err != nil || res.Stdout != "sh" {
		t.Fatalf("res %+v err %v", res, err)
	}
	_, err = Run(context.Background(), Request{Command: "x", Interpreter: []string{"no-such-interpreter-xyz"}})
	if err == nil || err.Error() != "exec: \"no-such-interpreter-xyz\": executable file not found in $PATH: running \"x\":\n" {
		t.Fatalf("err = %v", err)
	}
}

// Upstream: "exit status N: running <quoted command>:\n<stdout and stderr>"
// (the two streams interleaved as they arrive, so in either order here).
func TestExitError(t *testing.T) {
	_, err := Run(context.Background(), Request{Command: "echo out\necho err >&2\nexit 3"})
	prefix := "exit status 3: running \"echo out\\necho err >&2\\nexit 3\":\n"
	if err == nil || !strings.HasPrefix(err.Error(), prefix) {
		t.Fatalf("err = %q", err)
	}
	if out := strings.TrimPrefix(err.Error(), prefix); out != "out\nerr\n" && out != "err\nout\n" {
		t.Fatalf("output part %q", out)
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 3 {
		t.Fatal("the exit error must be wrapped")
	}
}

func TestContextKills(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, Request{Command: "echo started; exec sleep 30"})
	if err == nil || err.Error() != "signal: killed: running \"echo started; exec sleep 30\":\nstarted\n" {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("not killed")
	}
}
