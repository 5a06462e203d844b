package dockercli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

// fakeDocker writes a shell script standing in for the docker binary.
func fakeDocker(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "docker")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunPassesHostFirstAndTrimsOutput(t *testing.T) {
	cli := &CLI{Binary: fakeDocker(t, `echo "  $*  "`), Host: "ssh://root@10.0.0.5"}
	out, err := cli.Run(context.Background(), "image", "inspect", "redis")
	if err != nil {
		t.Fatal(err)
	}
	if want := "--host ssh://root@10.0.0.5 image inspect redis"; out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
}

func TestRunErrorCarriesStderrAndExitCode(t *testing.T) {
	cli := &CLI{Binary: fakeDocker(t, `echo "Error: No such image: nope:1" >&2; exit 3`), Host: "unix:///x"}
	_, err := cli.Run(context.Background(), "image", "inspect", "nope:1")
	var de *Error
	if !errors.As(err, &de) {
		t.Fatalf("want *Error, got %T %v", err, err)
	}
	if de.ExitCode != 3 || de.Stderr != "Error: No such image: nope:1" {
		t.Fatalf("unexpected %+v", de)
	}
	if !IsNotFound(err) {
		t.Fatal("IsNotFound should recognise 'No such image'")
	}
}

func TestIsNotFound(t *testing.T) {
	cases := map[string]bool{
		"Error response from daemon: No such container: abc":                  true,
		"Error: No such object: abc":                                          true,
		"Error response from daemon: network xingrin_network not found":       true,
		"Error response from daemon: get vol: no such volume":                 true,
		"Error response from daemon: conflict: unable to remove repository":   false,
		"Cannot connect to the Docker daemon at unix:///var/run/docker.sock.": false,
		"bash: line 1: docker: command not found":                             false,
		"Error response from daemon: manifest for x:1 not found":              false,
	}
	for stderr, want := range cases {
		if got := IsNotFound(&Error{Stderr: stderr}); got != want {
			t.Errorf("IsNotFound(%q) = %v, want %v", stderr, got, want)
		}
	}
	if IsNotFound(errors.New("no such container")) {
		t.Error("only docker exit errors count")
	}
}

func TestStreamDeliversLinesAndKeepsTailOnFailure(t *testing.T) {
	cli := &CLI{Binary: fakeDocker(t, `echo "a: Pulling fs layer"; echo "manifest unknown" >&2; exit 1`), Host: "unix:///x"}
	var lines []string
	err := cli.Stream(context.Background(), func(l string) { lines = append(lines, l) }, "pull", "x")
	if err == nil {
		t.Fatal("want an error")
	}
	sort.Strings(lines) // the two streams are read concurrently
	if !reflect.DeepEqual(lines, []string{"a: Pulling fs layer", "manifest unknown"}) {
		t.Fatalf("lines %q", lines)
	}
	if err.Error() != "manifest unknown" {
		t.Fatalf("error %q should be docker's standard error only", err)
	}
}

func TestMissingBinaryIsNotAnExitError(t *testing.T) {
	cli := &CLI{Binary: filepath.Join(t.TempDir(), "absent"), Host: "unix:///x"}
	_, err := cli.Run(context.Background(), "version")
	var de *Error
	if err == nil || errors.As(err, &de) {
		t.Fatalf("want a start error, got %v", err)
	}
}
