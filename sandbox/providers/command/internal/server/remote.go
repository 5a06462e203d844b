package server

import (
	"context"
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"xingrin.invalid/providers/command/internal/diff"
	"xingrin.invalid/providers/command/internal/redact"
	"xingrin.invalid/providers/command/internal/run"
	"xingrin.invalid/providers/command/internal/spec"
	"xingrin.invalid/providers/command/internal/sshconn"
)

// diffResponse renders a diff.Result for the engine, including the detailed
// diff that `pulumi preview --diff` prints per property.
func diffResponse(olds, news resource.PropertyMap) *pulumirpc.DiffResponse {
	d := diff.Compute(olds, news)
	if !d.HasChanges() {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true}
	}
	resp := &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_SOME,
		Replaces:        d.Replaces,
		Diffs:           d.Changed,
		DetailedDiff:    map[string]*pulumirpc.PropertyDiff{},
		HasDetailedDiff: true,
	}
	for key, p := range d.Detail {
		var kind pulumirpc.PropertyDiff_Kind
		switch {
		case p.Kind == diff.Add && p.Replace:
			kind = pulumirpc.PropertyDiff_ADD_REPLACE
		case p.Kind == diff.Add:
			kind = pulumirpc.PropertyDiff_ADD
		case p.Kind == diff.Delete && p.Replace:
			kind = pulumirpc.PropertyDiff_DELETE_REPLACE
		case p.Kind == diff.Delete:
			kind = pulumirpc.PropertyDiff_DELETE
		case p.Replace:
			kind = pulumirpc.PropertyDiff_UPDATE_REPLACE
		default:
			kind = pulumirpc.PropertyDiff_UPDATE
		}
		resp.DetailedDiff[key] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	return resp
}

// create runs `create` (if set) and returns inputs + stdout/stderr.
func (s *Server) create(ctx context.Context, urn resource.URN, news resource.PropertyMap, preview bool) (
	string, resource.PropertyMap, error,
) {
	outs := inputsOnly(news)
	if preview {
		// Never connect during preview: the output is unknown until run.
		outs[spec.Stdout] = resource.MakeComputed(resource.NewStringProperty(""))
		outs[spec.Stderr] = resource.MakeComputed(resource.NewStringProperty(""))
		return "", outs, nil
	}
	cmd, err := spec.Decode(news)
	if err != nil {
		return "", nil, err
	}
	id, err := resource.NewUniqueHex(urn.Name(), 8, 0)
	if err != nil {
		return "", nil, err
	}
	var res run.Result
	if cmd.Create != "" {
		if res, err = s.exec(ctx, urn, news, cmd, cmd.Create, false); err != nil {
			return "", nil, err
		}
	}
	setOutputs(outs, news, res)
	return id, outs, nil
}

// update runs `update` when set; otherwise (only delete/logging-style
// inputs changed, or update was removed) nothing runs and the previous
// stdout/stderr are kept.
func (s *Server) update(ctx context.Context, urn resource.URN, olds, news resource.PropertyMap, preview bool) (
	resource.PropertyMap, error,
) {
	outs := inputsOnly(news)
	willRun := diff.HasUpdateCommand(news)
	if !willRun {
		copyOutput(outs, olds, spec.Stdout)
		copyOutput(outs, olds, spec.Stderr)
		return outs, nil
	}
	if preview {
		outs[spec.Stdout] = resource.MakeComputed(resource.NewStringProperty(""))
		outs[spec.Stderr] = resource.MakeComputed(resource.NewStringProperty(""))
		return outs, nil
	}
	cmd, err := spec.Decode(news)
	if err != nil {
		return nil, err
	}
	// PULUMI_COMMAND_STDOUT/STDERR come from the previous run.
	prev, err := spec.Decode(olds)
	if err == nil {
		cmd.Stdout, cmd.Stderr = prev.Stdout, prev.Stderr
	}
	res, err := s.exec(ctx, urn, news, cmd, cmd.Update, true)
	if err != nil {
		return nil, err
	}
	setOutputs(outs, news, res)
	return outs, nil
}

// delete runs `delete` if set, with the stored stdout/stderr in its
// environment (when addPreviousOutputInEnv).
func (s *Server) delete(ctx context.Context, urn resource.URN, olds resource.PropertyMap) error {
	cmd, err := spec.Decode(olds)
	if err != nil {
		return err
	}
	if cmd.Delete == "" {
		return nil
	}
	_, err = s.exec(ctx, urn, olds, cmd, cmd.Delete, true)
	return err
}

// exec connects and runs one command, streaming its output to the engine.
// Everything that leaves this function in the clear — log lines, errors —
// passes through a redactor built from the secret inputs.
func (s *Server) exec(ctx context.Context, urn resource.URN, props resource.PropertyMap, cmd spec.Command,
	command string, withPrevious bool,
) (run.Result, error) {
	red := redact.FromInputs(inputsOnly(props))
	logf := func(sev diag.Severity) func(string) {
		return func(msg string) { s.log.Log(ctx, sev, urn, red.String(msg)) }
	}

	client, err := sshconn.Dial(ctx, cmd.Conn, logf(diag.Info), logf(diag.Warning))
	if err != nil {
		return run.Result{}, errors.New(red.String(err.Error()))
	}
	defer client.Close()

	req := run.Request{Command: command, Stdin: cmd.Stdin, Env: cmd.Env(withPrevious)}
	if cmd.Logging.Stdout() {
		req.OnStdout = logf(diag.Info)
	}
	if cmd.Logging.Stderr() {
		req.OnStderr = logf(diag.Info)
	}
	res, err := run.Run(ctx, client, req)
	if err != nil {
		return run.Result{}, errors.New(red.String(err.Error()))
	}
	return res, nil
}

// inputsOnly copies the implemented input keys of m (dropping stdout/stderr
// and anything else), keeping their secret wrappers.
func inputsOnly(m resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for _, k := range spec.InputKeys {
		if v, ok := m[resource.PropertyKey(k)]; ok {
			out[resource.PropertyKey(k)] = v
		}
	}
	return out
}

// setOutputs stores stdout/stderr: plain as upstream does, except when the
// text contains a secret input (e.g. a command that echoes its secret
// stdin), in which case that output is stored as a secret.
func setOutputs(outs, inputs resource.PropertyMap, res run.Result) {
	red := redact.FromInputs(inputsOnly(inputs))
	put := func(key, text string) {
		v := resource.NewStringProperty(text)
		if red.Contains(text) {
			v = resource.MakeSecret(v)
		}
		outs[resource.PropertyKey(key)] = v
	}
	put(spec.Stdout, res.Stdout)
	put(spec.Stderr, res.Stderr)
}

func copyOutput(outs, olds resource.PropertyMap, key string) {
	if v, ok := olds[resource.PropertyKey(key)]; ok {
		outs[resource.PropertyKey(key)] = v
	} else {
		outs[resource.PropertyKey(key)] = resource.NewStringProperty("")
	}
}
