// Package local runs one command:local:Command command on this machine the
// way upstream command 1.2.1 does: `interpreter` (default /bin/sh -c) with
// the command as its last argument, in `dir` (default: the provider's
// working directory, which the engine sets to the project directory), with
// the provider's environment plus `environment` plus the previous outputs,
// stdin, live line streaming, trimmed outputs and upstream's error.
package local

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"xingrin.invalid/providers/command/internal/cmdio"
	"xingrin.invalid/providers/command/internal/spec"
)

// Request is one command execution.
type Request struct {
	Command string
	// Interpreter is the program and leading arguments; empty means
	// ["/bin/sh", "-c"] (["cmd", "/C"] on Windows).
	Interpreter []string
	// Dir is the working directory; nil means the provider's own.
	Dir *string
	// Env (the `environment` input) and PreviousOutput
	// (PULUMI_COMMAND_STDOUT/STDERR) are added to the provider's
	// environment, in that order, so later ones win.
	Env            []spec.EnvVar
	PreviousOutput []spec.EnvVar
	// Stdin is written to the command's standard input; "" means none
	// (/dev/null).
	Stdin string
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

// DefaultInterpreter is what runs the command when `interpreter` is unset.
func DefaultInterpreter() []string {
	if runtime.GOOS == "windows" {
		return []string{"cmd", "/C"}
	}
	return []string{"/bin/sh", "-c"}
}

// Run executes req. When ctx ends (Cancel, customTimeouts) the process is
// killed, and the error says "signal: killed".
func Run(ctx context.Context, req Request) (Result, error) {
	args := append([]string{}, req.Interpreter...)
	if len(args) == 0 {
		args = DefaultInterpreter()
	}
	args = append(args, req.Command)

	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	if req.Dir != nil {
		cmd.Dir = *req.Dir
	} else {
		wd, err := os.Getwd()
		if err != nil {
			return Result{}, err
		}
		cmd.Dir = wd
	}
	cmd.Env = os.Environ()
	for _, v := range append(append([]spec.EnvVar{}, req.Env...), req.PreviousOutput...) {
		cmd.Env = append(cmd.Env, v.Name+"="+v.Value)
	}
	if req.Stdin != "" {
		cmd.Stdin = strings.NewReader(req.Stdin)
	}
	capture := cmdio.NewCapture(req.OnStdout, req.OnStderr)
	cmd.Stdout, cmd.Stderr = capture.Stdout(), capture.Stderr()

	err := cmd.Start()
	if err == nil {
		err = cmd.Wait()
	}
	capture.Done()
	if err != nil {
		return Result{}, &cmdio.CommandError{Err: err, Command: req.Command, Output: capture.Combined()}
	}
	stdout, stderr := capture.Outputs()
	return Result{Stdout: stdout, Stderr: stderr}, nil
}
