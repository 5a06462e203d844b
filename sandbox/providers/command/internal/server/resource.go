package server

import (
	"context"
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"xingrin.invalid/providers/command/internal/cmdio"
	"xingrin.invalid/providers/command/internal/diff"
	"xingrin.invalid/providers/command/internal/local"
	"xingrin.invalid/providers/command/internal/redact"
	"xingrin.invalid/providers/command/internal/run"
	"xingrin.invalid/providers/command/internal/spec"
	"xingrin.invalid/providers/command/internal/sshconn"
)

var diffKinds = map[plugin.DiffKind]pulumirpc.PropertyDiff_Kind{
	plugin.DiffAdd:           pulumirpc.PropertyDiff_ADD,
	plugin.DiffAddReplace:    pulumirpc.PropertyDiff_ADD_REPLACE,
	plugin.DiffDelete:        pulumirpc.PropertyDiff_DELETE,
	plugin.DiffDeleteReplace: pulumirpc.PropertyDiff_DELETE_REPLACE,
	plugin.DiffUpdate:        pulumirpc.PropertyDiff_UPDATE,
	plugin.DiffUpdateReplace: pulumirpc.PropertyDiff_UPDATE_REPLACE,
}

// diffResponse renders a diff.Result for the engine as upstream does: the
// detailed diff by property path (what `pulumi preview --diff` prints),
// computed against the old inputs but flagged as not an input diff, and
// never delete-before-replace (the program asks for that itself).
func diffResponse(d diff.Result) *pulumirpc.DiffResponse {
	resp := &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_NONE,
		DetailedDiff:    map[string]*pulumirpc.PropertyDiff{},
		HasDetailedDiff: true,
	}
	if !d.HasChanges() {
		return resp
	}
	resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	resp.Diffs, resp.Replaces = d.Changed, d.Replaces
	for path, kind := range d.Detail {
		resp.DetailedDiff[path] = &pulumirpc.PropertyDiff{Kind: diffKinds[kind]}
	}
	return resp
}

func unknownOutputs(outs resource.PropertyMap) {
	outs[spec.Stdout] = resource.MakeComputed(resource.NewStringProperty(""))
	outs[spec.Stderr] = resource.MakeComputed(resource.NewStringProperty(""))
}

// create runs `create`, if set, and returns the inputs plus stdout/stderr
// ("" when nothing ran). A preview runs nothing, never connects, and has
// unknown stdout/stderr; it has an id already, as upstream's does.
func (s *Server) create(ctx context.Context, token string, urn resource.URN, news resource.PropertyMap, preview bool) (
	string, resource.PropertyMap, error,
) {
	id, err := resource.NewUniqueHex(urn.Name(), 8, 0)
	if err != nil {
		return "", nil, err
	}
	outs := inputsOnly(token, news)
	if preview {
		unknownOutputs(outs)
		return id, outs, nil
	}
	cmd, err := spec.Decode(token, news)
	if err != nil {
		return "", nil, err
	}
	var res run.Result
	if cmd.Create != nil {
		// A new resource has no previous output for PULUMI_COMMAND_*.
		if res, err = s.exec(ctx, token, urn, news, cmd, *cmd.Create); err != nil {
			return "", nil, err
		}
	}
	setOutputs(outs, res)
	return id, outs, nil
}

// update runs `update`, or `create` when `update` is unset — whatever
// changed, as upstream — with the previous stdout/stderr in
// PULUMI_COMMAND_STDOUT/STDERR. With neither set nothing runs and the
// previous outputs stay. A failure leaves the old state in place.
//
// A preview runs nothing. Its stdout/stderr are unknown when any input is
// unknown, or differs from (or was removed since) the stored state;
// otherwise they are the stored ones (upstream's rule for outputs that
// depend on all inputs).
func (s *Server) update(ctx context.Context, token string, urn resource.URN, olds, news resource.PropertyMap, preview bool) (
	resource.PropertyMap, error,
) {
	outs := inputsOnly(token, news)
	prev := run.Result{Stdout: plainString(olds, spec.Stdout), Stderr: plainString(olds, spec.Stderr)}
	setOutputs(outs, prev)
	if preview {
		if inputsChanged(token, olds, news) {
			unknownOutputs(outs)
		}
		return outs, nil
	}
	cmd, err := spec.Decode(token, news)
	if err != nil {
		return nil, err
	}
	command := cmd.Update
	if command == nil {
		command = cmd.Create
	}
	if command == nil {
		return outs, nil
	}
	cmd.Stdout, cmd.Stderr = prev.Stdout, prev.Stderr
	res, err := s.exec(ctx, token, urn, news, cmd, *command)
	if err != nil {
		return nil, err
	}
	setOutputs(outs, res)
	return outs, nil
}

// delete runs the stored `delete`, if set, with the stored stdout/stderr in
// PULUMI_COMMAND_STDOUT/STDERR. Its failure (including, for a remote
// command, an unreachable host) fails the delete, and the engine keeps the
// resource. Without `delete` nothing runs and nothing connects.
func (s *Server) delete(ctx context.Context, token string, urn resource.URN, olds resource.PropertyMap) error {
	cmd, err := spec.Decode(token, olds)
	if err != nil {
		return err
	}
	if cmd.Delete == nil {
		return nil
	}
	_, err = s.exec(ctx, token, urn, olds, cmd, *cmd.Delete)
	return err
}

// exec runs one command, streaming its output to the engine as ephemeral
// status lines (as upstream). Everything that leaves this function in the
// clear — log lines, errors — passes through a redactor built from the
// secret inputs.
func (s *Server) exec(ctx context.Context, token string, urn resource.URN, props resource.PropertyMap,
	cmd spec.Command, command string,
) (run.Result, error) {
	red := redact.FromInputs(inputsOnly(token, props))
	status := func(msg string) { s.log.LogStatus(ctx, diag.Info, urn, red.String(msg)) }
	logAt := func(sev diag.Severity) func(string) {
		return func(msg string) { s.log.Log(ctx, sev, urn, red.String(msg)) }
	}
	var onStdout, onStderr func(string)
	if cmd.Logging.Stdout() {
		onStdout = status
	}
	if cmd.Logging.Stderr() {
		onStderr = status
	}

	var res run.Result
	var err error
	switch token {
	case spec.LocalToken:
		var lres local.Result
		lres, err = local.Run(ctx, local.Request{
			Command: command, Interpreter: cmd.Interpreter, Dir: cmd.Dir,
			Env: cmd.Env(), PreviousOutput: cmd.PreviousOutputEnv(), Stdin: cmd.Stdin,
			OnStdout: onStdout, OnStderr: onStderr,
		})
		res = run.Result(lres)
	case spec.RemoteToken:
		res, err = s.execRemote(ctx, cmd.Conn, run.Request{
			Command: command, Stdin: cmd.Stdin, Env: cmd.Env(), PreviousOutput: cmd.PreviousOutputEnv(),
			OnStdout: onStdout, OnStderr: onStderr, OnError: logAt(diag.Error), OnWarning: logAt(diag.Warning),
		}, status)
	}
	if err != nil {
		var ce *cmdio.CommandError
		if errors.As(err, &ce) {
			return run.Result{}, errors.New(ce.Redacted(red.String))
		}
		return run.Result{}, errors.New(red.String(err.Error()))
	}
	return res, nil
}

// execRemote dials (retrying as upstream) and runs the command. The
// connection is closed afterwards; upstream leaves it open until the
// provider exits, which no program can tell.
func (s *Server) execRemote(ctx context.Context, conn sshconn.Config, req run.Request, status func(string)) (
	run.Result, error,
) {
	client, err := sshconn.Dial(ctx, conn, status)
	if err != nil {
		return run.Result{}, err
	}
	defer client.Close()
	return run.Run(client, req)
}

// inputsOnly copies the implemented input keys of m (dropping stdout/stderr
// and anything else), keeping their secret wrappers: outputs that mirror
// inputs keep the inputs' secretness, as upstream.
func inputsOnly(token string, m resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for _, k := range spec.InputKeys(token) {
		if v, ok := m[resource.PropertyKey(k)]; ok {
			out[resource.PropertyKey(k)] = v
		}
	}
	return out
}

// setOutputs stores stdout/stderr as plain strings, as upstream does even
// when the command printed a secret input: mark them secret with
// `additionalSecretOutputs` if that can happen.
func setOutputs(outs resource.PropertyMap, res run.Result) {
	outs[spec.Stdout] = resource.NewStringProperty(res.Stdout)
	outs[spec.Stderr] = resource.NewStringProperty(res.Stderr)
}

// plainString is m[key] as a string without secret wrappers ("" if absent).
func plainString(m resource.PropertyMap, key string) string {
	v, ok := m[resource.PropertyKey(key)]
	for ok && v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !ok || !v.IsString() {
		return ""
	}
	return v.StringValue()
}

// inputsChanged is upstream's test for "outputs of this update are not
// known during preview": some input is unknown, or an input present in the
// stored state has a different value (secretness included) or is gone.
// An input that is new since the stored state does not count.
func inputsChanged(token string, olds, news resource.PropertyMap) bool {
	for _, k := range spec.InputKeys(token) {
		key := resource.PropertyKey(k)
		newV, newOK := news[key]
		if newOK && spec.IsUnknown(newV) {
			return true
		}
		oldV, oldOK := olds[key]
		if oldOK && !oldV.IsNull() && (!newOK || !newV.DeepEquals(oldV)) {
			return true
		}
	}
	return false
}
