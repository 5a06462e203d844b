package server

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"xingrin.invalid/providers/command/internal/sshtest"
)

const (
	remoteURN = "urn:pulumi:dev::xingrin::xingrin:worker:RemoteWorker$command:remote:Command::w1-agent"
	localURN  = "urn:pulumi:dev::xingrin::xingrin:server:MainServer$command:local:Command::main-pull"
)

type logLine struct {
	sev       diag.Severity
	ephemeral bool
	msg       string
}

type fakeLog struct {
	mu    sync.Mutex
	lines []logLine
}

func (f *fakeLog) add(l logLine) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lines = append(f.lines, l)
}

func (f *fakeLog) Log(_ context.Context, sev diag.Severity, _ resource.URN, msg string) {
	f.add(logLine{sev, false, msg})
}

func (f *fakeLog) LogStatus(_ context.Context, sev diag.Severity, _ resource.URN, msg string) {
	f.add(logLine{sev, true, msg})
}

func (f *fakeLog) all() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b strings.Builder
	for _, l := range f.lines {
		b.WriteString(l.msg)
		b.WriteString("\n")
	}
	return b.String()
}

func (f *fakeLog) has(l logLine) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.lines {
		if x == l {
			return true
		}
	}
	return false
}

func mustMarshal(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := marshal(m, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustUnmarshal(t *testing.T, s *structpb.Struct) resource.PropertyMap {
	t.Helper()
	m, err := unmarshal(s, "test")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func str(s string) resource.PropertyValue { return resource.NewStringProperty(s) }

func secret(s string) resource.PropertyValue { return resource.MakeSecret(str(s)) }

func check(t *testing.T, srv *Server, urn string, news resource.PropertyMap) resource.PropertyMap {
	t.Helper()
	resp, err := srv.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn, News: mustMarshal(t, news)})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Failures) > 0 {
		t.Fatalf("check failures: %v", resp.Failures)
	}
	return mustUnmarshal(t, resp.Inputs)
}

// lifecycle drives one resource through the gRPC handlers and keeps its
// state, as the engine would.
type lifecycle struct {
	t     *testing.T
	srv   *Server
	urn   string
	id    string
	state resource.PropertyMap
}

func (l *lifecycle) create(news resource.PropertyMap) error {
	l.t.Helper()
	news = check(l.t, l.srv, l.urn, news)
	resp, err := l.srv.Create(context.Background(), &pulumirpc.CreateRequest{Urn: l.urn, Properties: mustMarshal(l.t, news)})
	if err != nil {
		return err
	}
	l.id, l.state = resp.Id, mustUnmarshal(l.t, resp.Properties)
	return nil
}

func (l *lifecycle) diff(news resource.PropertyMap) *pulumirpc.DiffResponse {
	l.t.Helper()
	news = check(l.t, l.srv, l.urn, news)
	resp, err := l.srv.Diff(context.Background(), &pulumirpc.DiffRequest{
		Urn: l.urn, Id: l.id, Olds: mustMarshal(l.t, l.state), News: mustMarshal(l.t, news),
	})
	if err != nil {
		l.t.Fatal(err)
	}
	return resp
}

func (l *lifecycle) update(news resource.PropertyMap, preview bool) (resource.PropertyMap, error) {
	l.t.Helper()
	news = check(l.t, l.srv, l.urn, news)
	resp, err := l.srv.Update(context.Background(), &pulumirpc.UpdateRequest{
		Urn: l.urn, Id: l.id, Olds: mustMarshal(l.t, l.state), News: mustMarshal(l.t, news), Preview: preview,
	})
	if err != nil {
		return nil, err
	}
	outs := mustUnmarshal(l.t, resp.Properties)
	if !preview {
		l.state = outs
	}
	return outs, nil
}

func (l *lifecycle) delete() error {
	l.t.Helper()
	_, err := l.srv.Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: l.urn, Id: l.id, Properties: mustMarshal(l.t, l.state)})
	return err
}

func (l *lifecycle) stdout() string {
	l.t.Helper()
	v := l.state["stdout"]
	if v.IsSecret() || !v.IsString() {
		l.t.Fatalf("stdout must be a plain string, as upstream: %v", v)
	}
	return v.StringValue()
}

func TestPluginInfoAndConfigure(t *testing.T) {
	srv := New(&fakeLog{})
	info, _ := srv.GetPluginInfo(context.Background(), &emptypb.Empty{})
	if info.Version != "1.2.1" {
		t.Fatalf("version %s", info.Version)
	}
	cfg, _ := srv.Configure(context.Background(), &pulumirpc.ConfigureRequest{SendsOldInputs: true, SendsOldInputsToDelete: true})
	if !cfg.AcceptSecrets || !cfg.SupportsPreview || !cfg.AcceptResources || !srv.oldInputs {
		t.Fatalf("configure %+v", cfg)
	}
}

func TestUnknownType(t *testing.T) {
	srv := New(&fakeLog{})
	_, err := srv.Check(context.Background(), &pulumirpc.CheckRequest{Urn: "urn:pulumi:dev::p::command:remote:CopyToRemote::x"})
	if err == nil || !strings.Contains(err.Error(), "command:local:Command and command:remote:Command") {
		t.Fatalf("err = %v", err)
	}
}

// The local command as the program uses it: the docker CLI against the main
// server's daemon, a multi-line sh script, DOCKER_HOST in environment.
func localInputs(dir string) resource.PropertyMap {
	return resource.PropertyMap{
		"create": str("set -e\n# start\nfor i in 1 2; do echo \"create $i on $DOCKER_HOST\"; done\necho warn >&2\n"),
		"delete": str(`echo "deleting after: $PULUMI_COMMAND_STDOUT" > deleted; echo gone`),
		"environment": resource.NewObjectProperty(resource.PropertyMap{
			"DOCKER_HOST":       str("unix:///run/xingrin/docker.sock"),
			"REGISTRY_PASSWORD": secret("pa55word"),
		}),
		"dir": str(dir),
	}
}

func TestLocalLifecycle(t *testing.T) {
	dir := t.TempDir()
	log := &fakeLog{}
	l := &lifecycle{t: t, srv: New(log), urn: localURN}
	if err := l.create(localInputs(dir)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(l.id, "main-pull") {
		t.Fatalf("id %q", l.id)
	}
	if l.stdout() != "create 1 on unix:///run/xingrin/docker.sock\ncreate 2 on unix:///run/xingrin/docker.sock" ||
		l.state["stderr"].StringValue() != "warn" {
		t.Fatalf("state %v", l.state)
	}
	// Inputs come back as outputs with their secretness.
	env := l.state["environment"].ObjectValue()
	if !env["REGISTRY_PASSWORD"].IsSecret() || env["DOCKER_HOST"].IsSecret() {
		t.Fatalf("environment %v", env)
	}
	if _, ok := l.state["addPreviousOutputInEnv"]; ok {
		t.Fatal("no defaults for a local command")
	}
	// Output lines are ephemeral info status lines, as upstream.
	if !log.has(logLine{diag.Info, true, "create 1 on unix:///run/xingrin/docker.sock"}) || !log.has(logLine{diag.Info, true, "warn"}) {
		t.Fatalf("logs %+v", log.lines)
	}

	// A change to the environment is an update; with no `update` the
	// create command runs again, seeing the previous stdout.
	news := localInputs(dir)
	news["environment"].ObjectValue()["DOCKER_HOST"] = str("unix:///other.sock")
	news["create"] = str(`echo "now $DOCKER_HOST, before: $PULUMI_COMMAND_STDOUT" | tr '\n' ' '`)
	d := l.diff(news)
	if d.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(d.Replaces) != 0 || strings.Join(d.Diffs, ",") != "create,environment" ||
		d.DetailedDiff["environment.DOCKER_HOST"].GetKind() != pulumirpc.PropertyDiff_UPDATE {
		t.Fatalf("diff %+v", d)
	}
	if _, err := l.update(news, false); err != nil {
		t.Fatal(err)
	}
	if l.stdout() != "now unix:///other.sock, before: create 1 on unix:///run/xingrin/docker.sock create 2 on unix:///run/xingrin/docker.sock " {
		t.Fatalf("stdout %q", l.stdout())
	}

	// With `update` set, update runs instead.
	news["update"] = str(`echo updated`)
	if _, err := l.update(news, false); err != nil || l.stdout() != "updated" {
		t.Fatalf("stdout %q err %v", l.stdout(), err)
	}

	// Delete runs the stored delete command with the stored stdout.
	if err := l.delete(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "deleted"))
	if string(got) != "deleting after: updated\n" {
		t.Fatalf("delete saw %q", got)
	}
}

// Changing only `delete` (or logging) re-runs create on update, as upstream.
func TestLocalUpdateRerunsCreate(t *testing.T) {
	dir := t.TempDir()
	l := &lifecycle{t: t, srv: New(&fakeLog{}), urn: localURN}
	in := resource.PropertyMap{"create": str("echo run >> runs; wc -l < runs"), "dir": str(dir)}
	if err := l.create(in); err != nil || l.stdout() != "1" {
		t.Fatalf("stdout %q err %v", l.state["stdout"], err)
	}
	in["delete"] = str("true")
	if d := l.diff(in); d.Changes != pulumirpc.DiffResponse_DIFF_SOME || strings.Join(d.Diffs, ",") != "delete" {
		t.Fatalf("diff %+v", d)
	}
	if _, err := l.update(in, false); err != nil || l.stdout() != "2" {
		t.Fatalf("stdout %q err %v", l.state["stdout"], err)
	}
	// Neither create nor update: nothing runs, the outputs stay.
	if _, err := l.update(resource.PropertyMap{"dir": str(dir)}, false); err != nil || l.stdout() != "2" {
		t.Fatalf("stdout %q err %v", l.state["stdout"], err)
	}
}

func TestLocalTriggersReplace(t *testing.T) {
	l := &lifecycle{t: t, srv: New(&fakeLog{}), urn: localURN}
	ref := resource.MakeCustomResourceReference("urn:pulumi:dev::xingrin::docker:index/container:Container::c",
		"c-1", "5.2.0")
	in := resource.PropertyMap{"create": str("true"), "update": str("true"),
		"triggers": resource.NewArrayProperty([]resource.PropertyValue{str("v1"), ref})}
	if err := l.create(in); err != nil {
		t.Fatal(err)
	}
	if !l.state["triggers"].ArrayValue()[1].IsResourceReference() {
		t.Fatalf("a resource reference must stay one: %v", l.state["triggers"])
	}
	if d := l.diff(in); d.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("diff %+v", d)
	}
	in["triggers"] = resource.NewArrayProperty([]resource.PropertyValue{str("v2"), ref})
	d := l.diff(in)
	if strings.Join(d.Replaces, ",") != "triggers" || d.DetailedDiff["triggers[0]"].GetKind() != pulumirpc.PropertyDiff_UPDATE_REPLACE {
		t.Fatalf("diff %+v", d)
	}
	if d.DeleteBeforeReplace {
		t.Fatal("upstream never asks for delete-before-replace")
	}
}

// Secret stdin and environment values never show up in logs or errors.
// stdout is stored plain, as upstream, even if the command echoes a secret.
func TestLocalSecrets(t *testing.T) {
	log := &fakeLog{}
	l := &lifecycle{t: t, srv: New(log), urn: localURN}
	in := resource.PropertyMap{
		"create":      str(`read -r key; echo "key=$key token=$TOKEN"`),
		"stdin":       secret("s3cret-stdin\n"),
		"environment": resource.NewObjectProperty(resource.PropertyMap{"TOKEN": secret("t0ken")}),
	}
	if err := l.create(in); err != nil {
		t.Fatal(err)
	}
	if l.stdout() != "key=s3cret-stdin token=t0ken" {
		t.Fatalf("stdout %q", l.stdout())
	}
	if !l.state["stdin"].IsSecret() || !l.state["environment"].ObjectValue()["TOKEN"].IsSecret() {
		t.Fatalf("secret inputs must stay secret in the outputs: %v", l.state)
	}
	if logs := log.all(); strings.Contains(logs, "s3cret") || strings.Contains(logs, "t0ken") ||
		!strings.Contains(logs, "key=[secret] token=[secret]") {
		t.Fatalf("logs:\n%s", logs)
	}
	in["update"] = str(`echo "token=$TOKEN" >&2; exit 3`)
	_, err := l.update(in, false)
	if err == nil || err.Error() != "exit status 3: running \"echo \\\"token=$TOKEN\\\" >&2; exit 3\":\ntoken=[secret]\n" {
		t.Fatalf("err = %v", err)
	}
	if l.stdout() != "key=s3cret-stdin token=t0ken" {
		t.Fatal("a failed update must keep the old state")
	}
}

func TestLocalCreateFailure(t *testing.T) {
	l := &lifecycle{t: t, srv: New(&fakeLog{}), urn: localURN}
	err := l.create(resource.PropertyMap{"create": str("echo about to fail\nexit 7")})
	if err == nil || err.Error() != "exit status 7: running \"echo about to fail\\nexit 7\":\nabout to fail\n" {
		t.Fatalf("err = %v", err)
	}
}

// Previews run nothing. Create: unknown stdout/stderr, but an id already.
// Update: unknown outputs when an input changed, else the stored ones.
func TestPreviews(t *testing.T) {
	dir := t.TempDir()
	l := &lifecycle{t: t, srv: New(&fakeLog{}), urn: localURN}
	marker := filepath.Join(dir, "ran")
	in := resource.PropertyMap{"create": str("touch " + marker + "; echo out")}
	resp, err := l.srv.Create(context.Background(), &pulumirpc.CreateRequest{
		Urn: localURN, Properties: mustMarshal(t, check(t, l.srv, localURN, in)), Preview: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	outs := mustUnmarshal(t, resp.Properties)
	if resp.Id == "" || !outs["stdout"].IsComputed() || !outs["stderr"].IsComputed() || outs["create"].StringValue() == "" {
		t.Fatalf("preview create %q %v", resp.Id, outs)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a preview must not run the command")
	}
	if err := l.create(in); err != nil {
		t.Fatal(err)
	}
	os.Remove(marker)

	changed := in.Copy()
	changed["logging"] = str("none") // new since the state: does not count
	outs, err = l.update(changed, true)
	if err != nil || outs["stdout"].IsComputed() || outs["stdout"].StringValue() != "out" {
		t.Fatalf("outs %v err %v", outs, err)
	}
	changed["create"] = str("echo other")
	if outs, _ = l.update(changed, true); !outs["stdout"].IsComputed() {
		t.Fatalf("outs %v", outs)
	}
	unknownEnv := in.Copy()
	unknownEnv["environment"] = resource.MakeComputed(str(""))
	if outs, _ = l.update(unknownEnv, true); !outs["stdout"].IsComputed() || !outs["environment"].IsComputed() {
		t.Fatalf("outs %v", outs)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a preview must not run the command")
	}
}

// Read (refresh) returns what it was given and runs nothing.
func TestReadReturnsStateUnchanged(t *testing.T) {
	srv := New(&fakeLog{})
	state := mustMarshal(t, resource.PropertyMap{
		"connection": resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{"host": str("192.0.2.1")})),
		"create":     str("echo x"), "stdout": str("x"), "stderr": str(""),
	})
	inputs := mustMarshal(t, resource.PropertyMap{"create": str("echo x")})
	resp, err := srv.Read(context.Background(), &pulumirpc.ReadRequest{Urn: remoteURN, Id: "w1-agent-1234", Properties: state, Inputs: inputs})
	if err != nil || resp.Id != "w1-agent-1234" || resp.Properties != state || resp.Inputs != inputs {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	// An import has no state to return: it gets back what it sent.
	resp, err = srv.Read(context.Background(), &pulumirpc.ReadRequest{Urn: localURN, Id: "x"})
	if err != nil || resp.Id != "x" || len(resp.GetProperties().GetFields()) != 0 {
		t.Fatalf("resp %+v err %v", resp, err)
	}
}

// With old inputs from the engine, Diff compares against them.
func TestDiffUsesOldInputs(t *testing.T) {
	srv := New(&fakeLog{})
	_, _ = srv.Configure(context.Background(), &pulumirpc.ConfigureRequest{SendsOldInputs: true, SendsOldInputsToDelete: true})
	state := resource.PropertyMap{"create": str("a"), "stdout": str("x"), "stderr": str("")}
	resp, err := srv.Diff(context.Background(), &pulumirpc.DiffRequest{
		Urn: localURN, Olds: mustMarshal(t, state), News: mustMarshal(t, resource.PropertyMap{"create": str("b")}),
		OldInputs: mustMarshal(t, resource.PropertyMap{"create": str("b")}),
	})
	if err != nil || resp.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	srv = New(&fakeLog{}) // engine without old inputs: the state's inputs
	resp, _ = srv.Diff(context.Background(), &pulumirpc.DiffRequest{
		Urn: localURN, Olds: mustMarshal(t, state), News: mustMarshal(t, resource.PropertyMap{"create": str("b")}),
	})
	if resp.Changes != pulumirpc.DiffResponse_DIFF_SOME || strings.Join(resp.Diffs, ",") != "create" {
		t.Fatalf("resp %+v", resp)
	}
}

// customTimeouts and Cancel kill a running local command.
func TestLocalTimeoutKills(t *testing.T) {
	srv := New(&fakeLog{})
	news := check(t, srv, localURN, resource.PropertyMap{"create": str("exec sleep 30")})
	start := time.Now()
	_, err := srv.Create(context.Background(), &pulumirpc.CreateRequest{Urn: localURN, Properties: mustMarshal(t, news), Timeout: 0.3})
	if err == nil || err.Error() != "signal: killed: running \"exec sleep 30\":\n" || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v", err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := srv.Create(context.Background(), &pulumirpc.CreateRequest{Urn: localURN, Properties: mustMarshal(t, news)})
		errc <- err
	}()
	time.Sleep(200 * time.Millisecond)
	_, _ = srv.Cancel(context.Background(), &emptypb.Empty{})
	if err := <-errc; err == nil || !strings.HasPrefix(err.Error(), "signal: killed") {
		t.Fatalf("err = %v", err)
	}
}

func remoteConn(s *sshtest.Server) resource.PropertyValue {
	return resource.NewObjectProperty(resource.PropertyMap{
		"host": str(s.Host), "port": resource.NewNumberProperty(float64(s.Port)),
		"privateKey": str(s.ClientKey), "hostKey": str(s.HostKeyLine()),
		"dialErrorLimit": resource.NewNumberProperty(1),
	})
}

func remoteInputs(s *sshtest.Server) resource.PropertyMap {
	return resource.PropertyMap{
		"connection": remoteConn(s),
		"create":     str("echo hello\nread -r key\necho \"got $key\""),
		"update":     str(`echo "updated, previously: $PULUMI_COMMAND_STDOUT" | head -n1`),
		"delete":     str(`echo "deleting after: $PULUMI_COMMAND_STDOUT" | head -n1; exit 4`),
		"stdin":      secret("s3cret"),
	}
}

func TestRemoteLifecycle(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{AcceptEnv: true})
	log := &fakeLog{}
	l := &lifecycle{t: t, srv: New(log), urn: remoteURN}
	if err := l.create(remoteInputs(s)); err != nil {
		t.Fatal(err)
	}
	// stdout echoes the secret stdin and is stored plain, as upstream; the
	// logs mask it.
	if l.stdout() != "hello\ngot s3cret" {
		t.Fatalf("stdout %q", l.stdout())
	}
	if !l.state["stdin"].IsSecret() || !l.state["connection"].IsSecret() ||
		!l.state["connection"].SecretValue().Element.ObjectValue()["privateKey"].IsSecret() {
		t.Fatalf("secretness wrong: %v", l.state)
	}
	if logs := log.all(); !log.has(logLine{diag.Info, true, "hello"}) || strings.Contains(logs, "s3cret") ||
		!strings.Contains(logs, "got [secret]") {
		t.Fatalf("logs:\n%s", logs)
	}

	// Any change is an in-place update; `update` runs and sees the previous
	// stdout.
	news := remoteInputs(s)
	news["create"] = str("echo v2")
	if d := l.diff(news); d.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(d.Replaces) != 0 {
		t.Fatalf("diff %+v", d)
	}
	if _, err := l.update(news, false); err != nil || l.stdout() != "updated, previously: hello" {
		t.Fatalf("stdout %q err %v", l.state["stdout"], err)
	}

	// Without `update`, an update runs `create`.
	delete(news, "update")
	if _, err := l.update(news, false); err != nil || l.stdout() != "v2" {
		t.Fatalf("stdout %q err %v", l.state["stdout"], err)
	}

	// Delete runs the stored delete command; its failure is upstream's error.
	err := l.delete()
	if err == nil || err.Error() !=
		"Process exited with status 4: running \"echo \\\"deleting after: $PULUMI_COMMAND_STDOUT\\\" | head -n1; exit 4\":\ndeleting after: v2\n" {
		t.Fatalf("delete err = %v", err)
	}
}

// A host whose sshd does not accept the environment variable: upstream
// fails the command (it has no fallback).
func TestRemoteEnvironmentRefused(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	log := &fakeLog{}
	l := &lifecycle{t: t, srv: New(log), urn: remoteURN}
	in := remoteInputs(s)
	in["environment"] = resource.NewObjectProperty(resource.PropertyMap{"DOCKER_HOST": str("unix:///x")})
	err := l.create(in)
	if err == nil || err.Error() != `could not set environment variable "DOCKER_HOST": ssh: setenv failed` {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(log.all(), "Unable to set 'DOCKER_HOST'.") || len(s.Execs()) != 0 {
		t.Fatalf("logs %q execs %v", log.all(), s.Execs())
	}
}

func closedPort(t *testing.T) int {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := lis.Addr().(*net.TCPAddr).Port
	lis.Close()
	return port
}

// An unreachable host fails create and delete after dialErrorLimit retries
// with upstream's message; without a delete command, delete never dials.
func TestRemoteUnreachable(t *testing.T) {
	log := &fakeLog{}
	srv := New(log)
	port := closedPort(t)
	state := check(t, srv, remoteURN, resource.PropertyMap{
		"connection": resource.NewObjectProperty(resource.PropertyMap{
			"host": str("127.0.0.1"), "port": resource.NewNumberProperty(float64(port)), "password": str("pw"),
			"dialErrorLimit": resource.NewNumberProperty(2), "perDialTimeout": resource.NewNumberProperty(1),
		}),
		"create": str("true"),
		"delete": str("docker rm -f agent"),
	})
	want := fmt.Sprintf("after 2 failed attempts: dial tcp 127.0.0.1:%d: connect: connection refused", port)
	_, err := srv.Create(context.Background(), &pulumirpc.CreateRequest{Urn: remoteURN, Properties: mustMarshal(t, state)})
	if err == nil || err.Error() != want {
		t.Fatalf("create err = %v", err)
	}
	if !log.has(logLine{diag.Info, true, "Dial 1/2 failed: retrying"}) || !log.has(logLine{diag.Info, true, "Dial 2/2 failed: retrying"}) {
		t.Fatalf("logs %+v", log.lines)
	}
	state["stdout"], state["stderr"] = str(""), str("")
	_, err = srv.Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: remoteURN, Id: "x", Properties: mustMarshal(t, state)})
	if err == nil || err.Error() != want {
		t.Fatalf("delete err = %v", err)
	}
	delete(state, "delete")
	if _, err := srv.Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: remoteURN, Id: "x", Properties: mustMarshal(t, state)}); err != nil {
		t.Fatalf("delete without a delete command: %v", err)
	}
}

// A wrong host key is retried like any dial failure, as upstream.
func TestRemoteWrongHostKey(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	l := &lifecycle{t: t, srv: New(&fakeLog{}), urn: remoteURN}
	in := remoteInputs(s)
	conn := remoteConn(s).ObjectValue()
	conn["hostKey"] = str("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEeFX7g5faA2tfHbEwkJsGqDh2kwVhKdmZn0lm+wP+qO")
	in["connection"] = resource.NewObjectProperty(conn)
	err := l.create(in)
	if err == nil || err.Error() != "after 1 failed attempts: ssh: handshake failed: ssh: host key mismatch" {
		t.Fatalf("err = %v", err)
	}
}

// As upstream, a remote command that has started runs to its end: neither
// customTimeouts nor Cancel interrupt it (they stop dial retries only).
func TestRemoteRunIgnoresTimeout(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	srv := New(&fakeLog{})
	in := remoteInputs(s)
	in["create"] = str("sleep 0.6; echo finished")
	news := check(t, srv, remoteURN, in)
	resp, err := srv.Create(context.Background(), &pulumirpc.CreateRequest{Urn: remoteURN, Properties: mustMarshal(t, news), Timeout: 0.2})
	if err != nil || mustUnmarshal(t, resp.Properties)["stdout"].StringValue() != "finished" {
		t.Fatalf("resp %v err %v", resp, err)
	}
}

// Cancel stops an unlimited dial retry loop.
func TestRemoteCancelStopsDialling(t *testing.T) {
	srv := New(&fakeLog{})
	news := check(t, srv, remoteURN, resource.PropertyMap{
		"connection": resource.NewObjectProperty(resource.PropertyMap{
			"host": str("127.0.0.1"), "port": resource.NewNumberProperty(float64(closedPort(t))), "password": str("pw"),
			"dialErrorLimit": resource.NewNumberProperty(-1),
		}),
		"create": str("true"),
	})
	errc := make(chan error, 1)
	go func() {
		_, err := srv.Create(context.Background(), &pulumirpc.CreateRequest{Urn: remoteURN, Properties: mustMarshal(t, news)})
		errc <- err
	}()
	time.Sleep(300 * time.Millisecond)
	_, _ = srv.Cancel(context.Background(), &emptypb.Empty{})
	select {
	case err := <-errc:
		if err == nil || err.Error() != "context canceled" {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancel did not stop dialling")
	}
}
