package cmdio

import (
	"errors"
	"strings"
	"testing"
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

func TestCapture(t *testing.T) {
	var out, errs []string
	c := NewCapture(func(s string) { out = append(out, s) }, nil)
	_, _ = c.Stdout().Write([]byte("one\ntw"))
	_, _ = c.Stderr().Write([]byte("oops\n"))
	_, _ = c.Stdout().Write([]byte("o\n"))
	c.Done()
	stdout, stderr := c.Outputs()
	if stdout != "one\ntwo" || stderr != "oops" {
		t.Fatalf("outputs %q %q", stdout, stderr)
	}
	if c.Combined() != "one\ntwoops\no\n" {
		t.Fatalf("combined %q", c.Combined())
	}
	if strings.Join(out, "|") != "one|two" || len(errs) != 0 {
		t.Fatalf("streamed %q (stderr must not be logged: %q)", out, errs)
	}
}

// Upstream: fmt.Errorf("%w: running %q:\n%s", err, command, stdoutAndStderr).
func TestCommandError(t *testing.T) {
	e := &CommandError{Err: errors.New("exit status 3"), Command: "echo a\nexit 3", Output: "a\nboom\n"}
	if got := e.Error(); got != "exit status 3: running \"echo a\\nexit 3\":\na\nboom\n" {
		t.Fatalf("got %q", got)
	}
	secret := "TOKEN=s3\ncret"
	e = &CommandError{Err: errors.New("exit status 1"), Command: "echo " + secret, Output: "s3\n"}
	got := e.Redacted(func(s string) string { return strings.ReplaceAll(s, secret, "[secret]") })
	if got != "exit status 1: running \"echo [secret]\":\ns3\n" {
		t.Fatalf("a multi-line secret must be masked before quoting: %q", got)
	}
	if !errors.Is(e, e.Err) {
		t.Fatal("Unwrap")
	}
}
