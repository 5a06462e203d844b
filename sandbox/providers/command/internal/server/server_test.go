package server

import (
	"context"
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

const urn = "urn:pulumi:dev::xingrin::xingrin:worker:RemoteWorker$command:remote:Command::w1-agent"

type logLine struct {
	sev diag.Severity
	msg string
}

type fakeLog struct {
	mu    sync.Mutex
	lines []logLine
}

func (f *fakeLog) Log(_ context.Context, sev diag.Severity, _ resource.URN, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lines = append(f.lines, logLine{sev, msg})
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

func inputsFor(s *sshtest.Server) resource.PropertyMap {
	return resource.PropertyMap{
		"connection": resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
			"host": str(s.Host), "port": resource.NewNumberProperty(float64(s.Port)),
			"privateKey": resource.MakeSecret(str(s.ClientKey)), "hostKey": str(s.HostKeyLine()),
		})),
		"create": str("echo hello; cat"),
		"update": str(`echo "updated, previously: $PULUMI_COMMAND_STDOUT" | head -n1`),
		"delete": str(`echo "deleting after: $PULUMI_COMMAND_STDOUT" | head -n1`),
		"stdin":  resource.MakeSecret(str("s3cret")),
	}
}

func check(t *testing.T, srv *Server, news resource.PropertyMap) resource.PropertyMap {
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

func TestPluginInfoAndConfigure(t *testing.T) {
	srv := New(&fakeLog{})
	info, _ := srv.GetPluginInfo(context.Background(), &emptypb.Empty{})
	if info.Version != "1.2.1" {
		t.Fatalf("version %s", info.Version)
	}
	cfg, _ := srv.Configure(context.Background(), &pulumirpc.ConfigureRequest{})
	if !cfg.AcceptSecrets || !cfg.SupportsPreview {
		t.Fatalf("configure %+v", cfg)
	}
	sch, _ := srv.GetSchema(context.Background(), &pulumirpc.GetSchemaRequest{})
	if sch.Schema != `{"name":"command","version":"1.2.1"}` {
		t.Fatalf("schema %s", sch.Schema)
	}
}

func TestCheckFailureAndWrongType(t *testing.T) {
	srv := New(&fakeLog{})
	resp, err := srv.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn, News: mustMarshal(t, resource.PropertyMap{
		"connection": resource.NewObjectProperty(resource.PropertyMap{"host": str("h"), "password": str("p")}),
		"dir":        str("/tmp"),
	})})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Failures) != 1 || resp.Failures[0].Property != "dir" || !strings.Contains(resp.Failures[0].Reason, "subset") {
		t.Fatalf("failures %v", resp.Failures)
	}
	_, err = srv.Check(context.Background(), &pulumirpc.CheckRequest{Urn: "urn:pulumi:dev::p::command:local:Command::x"})
	if err == nil || !strings.Contains(err.Error(), "command:local:Command") {
		t.Fatalf("err = %v", err)
	}
}

func TestDiffResponse(t *testing.T) {
	olds := resource.PropertyMap{"create": str("a"), "delete": str("d"), "stdout": str("x")}
	news := resource.PropertyMap{"create": str("b"), "logging": str("none")}
	resp := diffResponse(olds, news)
	if resp.Changes != pulumirpc.DiffResponse_DIFF_SOME || !resp.HasDetailedDiff {
		t.Fatalf("resp %+v", resp)
	}
	if strings.Join(resp.Replaces, ",") != "create" || strings.Join(resp.Diffs, ",") != "create,delete,logging" {
		t.Fatalf("replaces %v diffs %v", resp.Replaces, resp.Diffs)
	}
	want := map[string]pulumirpc.PropertyDiff_Kind{
		"create": pulumirpc.PropertyDiff_UPDATE_REPLACE, "delete": pulumirpc.PropertyDiff_DELETE, "logging": pulumirpc.PropertyDiff_ADD,
	}
	for k, kind := range want {
		if resp.DetailedDiff[k].GetKind() != kind || !resp.DetailedDiff[k].GetInputDiff() {
			t.Errorf("%s: %v, want %v", k, resp.DetailedDiff[k], kind)
		}
	}
	same := diffResponse(olds, resource.PropertyMap{"create": str("a"), "delete": str("d")})
	if same.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("expected no changes: %+v", same)
	}
}

func TestPreviewNeverConnects(t *testing.T) {
	srv := New(&fakeLog{})
	news := resource.PropertyMap{
		// Port 1: connecting would fail.
		"connection": resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
			"host": str("127.0.0.1"), "port": resource.NewNumberProperty(1), "password": str("p"),
		})),
		"create": str("echo hi"),
		"update": str("echo hi"),
	}
	resp, err := srv.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urn, Properties: mustMarshal(t, news), Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	outs := mustUnmarshal(t, resp.Properties)
	if !outs["stdout"].IsComputed() || !outs["stderr"].IsComputed() || !outs["connection"].IsSecret() {
		t.Fatalf("preview outputs %v", outs)
	}
	olds := news.Copy()
	olds["stdout"], olds["stderr"] = str("old"), str("")
	uresp, err := srv.Update(context.Background(), &pulumirpc.UpdateRequest{
		Urn: urn, Olds: mustMarshal(t, olds), News: mustMarshal(t, news), Preview: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !mustUnmarshal(t, uresp.Properties)["stdout"].IsComputed() {
		t.Fatal("update preview with an update command must have unknown stdout")
	}
}

// The whole life cycle against an in-process SSH server: secret stdin is
// echoed by the command, yet never logged, and stdout is stored as secret.
func TestLifecycle(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	log := &fakeLog{}
	srv := New(log)
	ctx := context.Background()

	news := check(t, srv, inputsFor(s))
	cresp, err := srv.Create(ctx, &pulumirpc.CreateRequest{Urn: urn, Properties: mustMarshal(t, news)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cresp.Id, "w1-agent") {
		t.Fatalf("id %q", cresp.Id)
	}
	state := mustUnmarshal(t, cresp.Properties)
	if !state["stdout"].IsSecret() || state["stdout"].SecretValue().Element.StringValue() != "hello\ns3cret" {
		t.Fatalf("stdout should be the secret \"hello\\ns3cret\": %v", state["stdout"])
	}
	if !state["stdin"].IsSecret() || !state["connection"].IsSecret() || state["stderr"].IsSecret() {
		t.Fatalf("secretness wrong: %v", state)
	}
	logs := log.all()
	if !strings.Contains(logs, "hello") || !strings.Contains(logs, "[secret]") || strings.Contains(logs, "s3cret") {
		t.Fatalf("logs:\n%s", logs)
	}

	// Changing create with an update command set: in-place update, which
	// sees the previous stdout.
	news2 := news.Copy()
	news2["create"] = str("echo v2")
	dresp, err := srv.Diff(ctx, &pulumirpc.DiffRequest{Urn: urn, Olds: mustMarshal(t, state), News: mustMarshal(t, news2)})
	if err != nil {
		t.Fatal(err)
	}
	if dresp.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(dresp.Replaces) != 0 {
		t.Fatalf("diff %+v", dresp)
	}
	uresp, err := srv.Update(ctx, &pulumirpc.UpdateRequest{Urn: urn, Olds: mustMarshal(t, state), News: mustMarshal(t, news2)})
	if err != nil {
		t.Fatal(err)
	}
	state = mustUnmarshal(t, uresp.Properties)
	if got := state["stdout"]; got.IsSecret() || got.StringValue() != "updated, previously: hello" {
		t.Fatalf("update stdout %v", got)
	}

	// Only delete changed, no update command: nothing runs, outputs kept.
	news3 := news2.Copy()
	delete(news3, "update")
	news3["delete"] = str(`echo "deleting after: $PULUMI_COMMAND_STDOUT"; exit 4`)
	uresp, err = srv.Update(ctx, &pulumirpc.UpdateRequest{Urn: urn, Olds: mustMarshal(t, state), News: mustMarshal(t, news3)})
	if err != nil {
		t.Fatal(err)
	}
	state = mustUnmarshal(t, uresp.Properties)
	if state["stdout"].StringValue() != "updated, previously: hello" {
		t.Fatalf("outputs not kept: %v", state["stdout"])
	}

	// Delete runs the stored delete command; its failure is reported with
	// the status and the output tail.
	_, err = srv.Delete(ctx, &pulumirpc.DeleteRequest{Urn: urn, Properties: mustMarshal(t, state)})
	if err == nil || err.Error() != "command exited with status 4:\ndeleting after: updated, previously: hello" {
		t.Fatalf("delete err = %v", err)
	}
}

func TestWrongHostKeyFails(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	srv := New(&fakeLog{})
	in := inputsFor(s)
	in["connection"] = resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
		"host": str(s.Host), "port": resource.NewNumberProperty(float64(s.Port)),
		"privateKey": resource.MakeSecret(str(s.ClientKey)),
		"hostKey":    str("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEeFX7g5faA2tfHbEwkJsGqDh2kwVhKdmZn0lm+wP+qO"),
	}))
	news := check(t, srv, in)
	_, err := srv.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urn, Properties: mustMarshal(t, news)})
	if err == nil || !strings.Contains(err.Error(), s.Addr) || !strings.Contains(err.Error(), "does not match the configured hostKey") {
		t.Fatalf("err = %v", err)
	}
}

func TestCancelStopsRunningCommand(t *testing.T) {
	s := sshtest.Start(t, sshtest.Options{})
	srv := New(&fakeLog{})
	in := inputsFor(s)
	in["create"] = str("sleep 30")
	news := check(t, srv, in)
	errc := make(chan error, 1)
	go func() {
		_, err := srv.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urn, Properties: mustMarshal(t, news)})
		errc <- err
	}()
	// Let it start, then cancel.
	for i := 0; i < 250 && len(s.Execs()) == 0; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	_, _ = srv.Cancel(context.Background(), &emptypb.Empty{})
	if err := <-errc; err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("err = %v", err)
	}
}
