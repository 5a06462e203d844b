package server

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"xingrin.invalid/providers/docker/internal/dockercli"
)

const containerURN = "urn:pulumi:dev::p::docker:index/container:Container::c"

func st(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := marshal("test", m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func back(t *testing.T, s *structpb.Struct) resource.PropertyMap {
	t.Helper()
	m, err := unmarshal("test", s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// configured returns a server whose docker commands go to f (a probe answering API 1.41).
func configured(t *testing.T, f *dockercli.Fake) *Server {
	t.Helper()
	s := New(nil)
	s.NewRunner = func(string) dockercli.Runner { return f }
	respond := f.Respond
	f.Respond = func(args []string) (string, error) {
		if args[0] == "version" {
			return "20.10.24 1.41", nil
		}
		if respond == nil {
			return "", nil
		}
		return respond(args)
	}
	if _, err := s.Configure(context.Background(), &pulumirpc.ConfigureRequest{
		Args: st(t, resource.NewPropertyMapFromMap(map[string]any{"host": "unix:///var/run/docker.sock"}))}); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCheckRejectsUnsupportedPropertyAndAppliesDefaults(t *testing.T) {
	s := New(nil)
	resp, err := s.Check(context.Background(), &pulumirpc.CheckRequest{
		Urn:  containerURN,
		News: st(t, resource.NewPropertyMapFromMap(map[string]any{"name": "c", "image": "i", "gpus": "all"})),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Failures) != 1 || resp.Failures[0].Property != "gpus" ||
		!strings.Contains(resp.Failures[0].Reason, "offline docker provider implements only a subset") {
		t.Fatalf("failures %v", resp.Failures)
	}
	if in := back(t, resp.Inputs); in["restart"].StringValue() != "no" || !in["mustRun"].BoolValue() {
		t.Fatalf("inputs %v", in)
	}
}

func TestPreviewCreateNeverTouchesDocker(t *testing.T) {
	s := New(nil) // not even configured: a preview must not need Docker
	inputs := resource.PropertyMap{
		"name":  resource.NewStringProperty("c"),
		"image": resource.MakeComputed(resource.NewStringProperty("")),
	}
	resp, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: containerURN, Properties: st(t, inputs), Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	out := back(t, resp.Properties)
	if !out["image"].IsComputed() || !out["id"].IsComputed() || out["name"].StringValue() != "c" {
		t.Fatalf("preview outputs %v", out)
	}
}

func TestCreateKeepsSecretInputsSecret(t *testing.T) {
	f := &dockercli.Fake{Respond: func(args []string) (string, error) {
		switch {
		case args[0] == "create":
			return "cid", nil
		case args[0] == "container":
			return `{"Id":"cid","Name":"/c","Image":"sha256:b","State":{"Status":"running","Running":true},` +
				`"Config":{"Image":"busybox","Env":["PW=hunter2"]},"HostConfig":{"RestartPolicy":{"Name":"no"}}}`, nil
		}
		return "", nil
	}}
	s := configured(t, f)
	inputs := resource.PropertyMap{
		"name":    resource.NewStringProperty("c"),
		"image":   resource.NewStringProperty("busybox"),
		"envs":    resource.MakeSecret(resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("PW=hunter2")})),
		"mustRun": resource.NewBoolProperty(true),
	}
	resp, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: containerURN, Properties: st(t, inputs)})
	if err != nil {
		t.Fatal(err)
	}
	out := back(t, resp.Properties)
	if resp.Id != "cid" || !out["envs"].IsSecret() || out["id"].StringValue() != "cid" || out["image"].StringValue() != "busybox" {
		t.Fatalf("id %q outputs %v", resp.Id, out)
	}
	for _, c := range f.Commands() {
		if strings.Contains(c, "hunter2") {
			t.Fatalf("secret on a command line: %q", c)
		}
	}
}

func TestUnhealthyCreateIsAPartialFailure(t *testing.T) {
	f := &dockercli.Fake{Respond: func(args []string) (string, error) {
		switch args[0] {
		case "create":
			return "cid", nil
		case "container":
			return `{"Status":"exited","Running":false,"ExitCode":1,"Health":{"Status":"unhealthy"}}`, nil
		}
		return "", nil
	}}
	s := configured(t, f)
	inputs := resource.NewPropertyMapFromMap(map[string]any{"name": "c", "image": "i", "wait": true, "waitTimeout": 5.0})
	_, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: containerURN, Properties: st(t, inputs)})
	stat, ok := status.FromError(err)
	if !ok || len(stat.Details()) != 1 {
		t.Fatalf("want a status with details, got %v", err)
	}
	detail, ok := stat.Details()[0].(*pulumirpc.ErrorResourceInitFailed)
	if !ok || detail.Id != "cid" || !strings.Contains(detail.Reasons[0], "exited (code 1)") {
		t.Fatalf("detail %v", stat.Details()[0])
	}
}

// The bridge diffs the new inputs against the old STATE (what was read back from Docker), not
// against the old inputs: a startPeriod of "60s" that Docker reports as "1m0s" is a diff on
// every preview, an in-place update (the healthcheck is not ForceNew upstream).
func TestDiffComparesInputsWithOldState(t *testing.T) {
	s := New(nil)
	health := func(startPeriod string) map[string]any {
		return map[string]any{"tests": []any{"CMD-SHELL", "true"}, "interval": "2s", "timeout": "10s",
			"startPeriod": startPeriod, "startInterval": "0s", "retries": 45.0}
	}
	inputs := resource.NewPropertyMapFromMap(map[string]any{"name": "c", "image": "sha256:1", "restart": "always", "healthcheck": health("60s")})
	state := resource.NewPropertyMapFromMap(map[string]any{"name": "c", "image": "sha256:1", "restart": "always", "healthcheck": health("1m0s"),
		"id": "cid", "hostname": "0123456789ab", "command": []any{"/start.sh"}})
	diff := func(news resource.PropertyMap) *pulumirpc.DiffResponse {
		t.Helper()
		resp, err := s.Diff(context.Background(), &pulumirpc.DiffRequest{
			Urn: containerURN, Id: "cid", OldInputs: st(t, inputs), Olds: st(t, state), News: st(t, news)})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := diff(inputs)
	if resp.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(resp.Diffs) != 1 || resp.Diffs[0] != "healthcheck" ||
		len(resp.Replaces) != 0 || resp.DetailedDiff["healthcheck"].Kind != pulumirpc.PropertyDiff_UPDATE {
		t.Fatalf("60s against a state of 1m0s: %v", resp)
	}
	// What round-trips shows nothing; computed values Docker chose (hostname, command) neither.
	roundTrip := inputs.Copy()
	roundTrip["healthcheck"] = resource.NewObjectProperty(resource.NewPropertyMapFromMap(health("1m0s")))
	if resp := diff(roundTrip); resp.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("round-tripped values: %v", resp)
	}
	// ignoreChanges hides what Docker reported differently, as the bridge's diff does.
	resp, err := s.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: containerURN, Id: "cid", Olds: st(t, state),
		News: st(t, inputs), IgnoreChanges: []string{"healthcheck.startPeriod"}})
	if err != nil || resp.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("ignoreChanges: %v %v", resp, err)
	}
	// Drift: restart changed by hand (docker update --restart no) and read back by a refresh.
	state["restart"] = resource.NewStringProperty("no")
	if resp := diff(roundTrip); len(resp.Diffs) != 1 || resp.Diffs[0] != "restart" || len(resp.Replaces) != 0 {
		t.Fatalf("drifted restart policy: %v", resp)
	}
}

func TestConfigureNamesHostAndFix(t *testing.T) {
	s := New(nil)
	s.NewRunner = func(string) dockercli.Runner {
		return &dockercli.Fake{Respond: func([]string) (string, error) {
			return "", &dockercli.Error{Stderr: "Cannot connect to the Docker daemon at tcp://10.9.9.9:2376."}
		}}
	}
	_, err := s.Configure(context.Background(), &pulumirpc.ConfigureRequest{
		Args: st(t, resource.NewPropertyMapFromMap(map[string]any{"host": "tcp://10.9.9.9:2376"}))})
	if err == nil || !strings.Contains(err.Error(), "tcp://10.9.9.9:2376 does not answer") || !strings.Contains(err.Error(), "Fix:") {
		t.Fatalf("error %v", err)
	}

	// Skipped on request, and not attempted while the host is unknown.
	for _, args := range []resource.PropertyMap{
		resource.NewPropertyMapFromMap(map[string]any{"host": "tcp://10.9.9.9:2376", "disableDockerDaemonCheck": "true"}),
		{"host": resource.MakeComputed(resource.NewStringProperty(""))},
	} {
		resp, err := s.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: st(t, args)})
		if err != nil || !resp.AcceptSecrets || !resp.SupportsPreview || !resp.AcceptResources {
			t.Fatalf("resp %v err %v", resp, err)
		}
	}
}

func TestConfigHostDefaultsAndDiff(t *testing.T) {
	t.Setenv("DOCKER_HOST", "")
	if effectiveHost("") != DefaultHost {
		t.Fatal("default host")
	}
	t.Setenv("DOCKER_HOST", "ssh://root@h")
	if effectiveHost("") != "ssh://root@h" || effectiveHost("tcp://x:1") != "tcp://x:1" {
		t.Fatal("DOCKER_HOST")
	}
	s := New(nil)
	same := resource.NewPropertyMapFromMap(map[string]any{"host": "ssh://root@h", "version": "5.2.0"})
	resp, _ := s.DiffConfig(context.Background(), &pulumirpc.DiffRequest{Olds: st(t, same), News: st(t, resource.PropertyMap{})})
	if resp.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("unset host means DOCKER_HOST: %v", resp)
	}
	other := resource.NewPropertyMapFromMap(map[string]any{"host": "tcp://x:1"})
	resp, _ = s.DiffConfig(context.Background(), &pulumirpc.DiffRequest{Olds: st(t, same), News: st(t, other)})
	if resp.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(resp.Replaces) != 0 || resp.Diffs[0] != "host" {
		t.Fatalf("host change: %v", resp)
	}
}

func TestCheckConfigRefusesUnsupportedSettings(t *testing.T) {
	s := New(nil)
	news := resource.NewPropertyMapFromMap(map[string]any{
		"host": "unix:///var/run/docker.sock", "version": "5.2.0", "sshOpts": "[]", "registryAuth": `[{"address":"r"}]`})
	resp, err := s.CheckConfig(context.Background(), &pulumirpc.CheckRequest{News: st(t, news)})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Failures) != 1 || resp.Failures[0].Property != "registryAuth" {
		t.Fatalf("failures %v", resp.Failures)
	}
}

func TestUnknownTypeIsAnError(t *testing.T) {
	_, err := New(nil).Check(context.Background(), &pulumirpc.CheckRequest{Urn: "urn:pulumi:d::p::docker:index/service:Service::s"})
	if err == nil || !strings.Contains(err.Error(), "docker:index/service:Service is not implemented") {
		t.Fatalf("error %v", err)
	}
}

// Upstream's ResourceInfo for docker_container sets DeleteBeforeReplace: the engine removes
// the old container before it creates the replacement, even without the resource option.
func TestContainerReplacementIsDeleteBeforeReplace(t *testing.T) {
	s := New(nil)
	old := resource.NewPropertyMapFromMap(map[string]any{"name": "c", "image": "sha256:1", "restart": "no"})
	diff := func(news map[string]any) *pulumirpc.DiffResponse {
		t.Helper()
		resp, err := s.Diff(context.Background(), &pulumirpc.DiffRequest{
			Urn: containerURN, Id: "cid", Olds: st(t, old), OldInputs: st(t, old),
			News: st(t, resource.NewPropertyMapFromMap(news))})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := diff(map[string]any{"name": "c", "image": "sha256:2", "restart": "no"}); len(resp.Replaces) != 1 || !resp.DeleteBeforeReplace {
		t.Fatalf("a replaced container must be delete-before-replace: %v", resp)
	}
	if resp := diff(map[string]any{"name": "c", "image": "sha256:1", "restart": "always"}); len(resp.Replaces) != 0 || resp.DeleteBeforeReplace {
		t.Fatalf("an in-place update is not a replacement: %v", resp)
	}
}

// check runs Check for one resource type and returns its inputs (or fails on failures).
func check(t *testing.T, s *Server, req *pulumirpc.CheckRequest) resource.PropertyMap {
	t.Helper()
	resp, err := s.Check(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Failures) != 0 {
		t.Fatalf("failures %v", resp.Failures)
	}
	return back(t, resp.Inputs)
}

// Upstream's SetAutonaming(255, "-"): a name left out is "<URN name>-<7 hex>", drawn from the
// engine's random seed (so a preview and its update agree), and kept while the resource lives.
func TestAutonamingContainerNetworkVolume(t *testing.T) {
	s := New(nil)
	autoName := regexp.MustCompile(`^main-server-redis-[0-9a-f]{7}$`)
	for _, typ := range []string{"docker:index/container:Container", "docker:index/network:Network", "docker:index/volume:Volume"} {
		urn := "urn:pulumi:dev::p::" + typ + "::main-server-redis"
		news := map[string]any{}
		if typ == "docker:index/container:Container" {
			news["image"] = "sha256:1"
		}
		req := func(seed string, olds map[string]any) *pulumirpc.CheckRequest {
			r := &pulumirpc.CheckRequest{Urn: urn, News: st(t, resource.NewPropertyMapFromMap(news)), RandomSeed: []byte(seed)}
			if olds != nil {
				r.Olds = st(t, resource.NewPropertyMapFromMap(olds))
			}
			return r
		}
		first := check(t, s, req("seed-1", nil))
		name := first["name"].StringValue()
		if !autoName.MatchString(name) {
			t.Fatalf("%s: auto-name %q", typ, name)
		}
		if defaults := first["__defaults"].ArrayValue(); !containsString(defaults, "name") {
			t.Fatalf("%s: name must be listed as a default: %v", typ, defaults)
		}
		if again := check(t, s, req("seed-1", nil)); again["name"].StringValue() != name {
			t.Fatalf("%s: the same seed must give the same name (preview and up agree)", typ)
		}
		if other := check(t, s, req("seed-2", nil)); other["name"].StringValue() == name {
			t.Fatalf("%s: another seed gave the same name %q", typ, name)
		}
		// An existing resource keeps its name: listed as a default, or no defaults list at all.
		for _, olds := range []map[string]any{
			{"name": "main-server-redis-abcdef0", "__defaults": []any{"name"}},
			{"name": "main-server-redis-abcdef0"},
		} {
			if kept := check(t, s, req("seed-3", olds)); kept["name"].StringValue() != "main-server-redis-abcdef0" {
				t.Fatalf("%s: old name not kept from %v: %v", typ, olds, kept["name"])
			}
		}
		// A name the program gave and then dropped is replaced by a generated one.
		if fresh := check(t, s, req("seed-3", map[string]any{"name": "xingrin-redis", "__defaults": []any{}})); !autoName.MatchString(fresh["name"].StringValue()) {
			t.Fatalf("%s: dropped explicit name: %v", typ, fresh["name"])
		}
	}
	// RemoteImage has a field override for name upstream: not auto-named, still required.
	resp, err := s.Check(context.Background(), &pulumirpc.CheckRequest{
		Urn: "urn:pulumi:dev::p::docker:index/remoteImage:RemoteImage::img", News: st(t, resource.PropertyMap{}), RandomSeed: []byte("s")})
	if err != nil || len(resp.Failures) != 1 || resp.Failures[0].Property != "name" {
		t.Fatalf("image: %v %v", resp, err)
	}
}

func TestAutonamingFollowsTheEnginesConfiguration(t *testing.T) {
	s := New(nil)
	req := func(mode pulumirpc.CheckRequest_AutonamingOptions_Mode) *pulumirpc.CheckRequest {
		return &pulumirpc.CheckRequest{
			Urn: containerURN, News: st(t, resource.NewPropertyMapFromMap(map[string]any{"image": "i"})), RandomSeed: []byte("s"),
			Autonaming: &pulumirpc.CheckRequest_AutonamingOptions{ProposedName: "c-proposed", Mode: mode},
		}
	}
	for _, mode := range []pulumirpc.CheckRequest_AutonamingOptions_Mode{
		pulumirpc.CheckRequest_AutonamingOptions_PROPOSE, pulumirpc.CheckRequest_AutonamingOptions_ENFORCE,
	} {
		if got := check(t, s, req(mode))["name"].StringValue(); got != "c-proposed" {
			t.Fatalf("%v: %q", mode, got)
		}
	}
	_, err := s.Check(context.Background(), req(pulumirpc.CheckRequest_AutonamingOptions_DISABLE))
	if err == nil || err.Error() != "automatic naming is disabled but no explicit name was provided" {
		t.Fatalf("disabled: %v", err)
	}
	resp, err := New(nil).Configure(context.Background(), &pulumirpc.ConfigureRequest{
		Args: st(t, resource.NewPropertyMapFromMap(map[string]any{"disableDockerDaemonCheck": "true"}))})
	if err != nil || !resp.SupportsAutonamingConfiguration {
		t.Fatalf("configure %v %v", resp, err)
	}
}

// The bridge's nameRequiresDeleteBeforeReplace: a network or volume whose name the program
// gives is deleted before its replacement is created (both would have the same name); an
// auto-named one is not.
func TestExplicitNameReplacementIsDeleteBeforeReplace(t *testing.T) {
	s := New(nil)
	urn := "urn:pulumi:dev::p::docker:index/network:Network::net"
	old := resource.NewPropertyMapFromMap(map[string]any{"name": "xingrin_network", "driver": "bridge"})
	for _, c := range []struct {
		news map[string]any
		dbr  bool
	}{
		{map[string]any{"name": "xingrin_net2", "driver": "bridge", "__defaults": []any{}}, true},
		{map[string]any{"name": "net-1234567", "driver": "bridge", "__defaults": []any{"name"}}, false},
	} {
		resp, err := s.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: urn, Id: "nid", Olds: st(t, old),
			News: st(t, resource.NewPropertyMapFromMap(c.news))})
		if err != nil || len(resp.Replaces) != 1 || resp.DeleteBeforeReplace != c.dbr {
			t.Fatalf("%v: %v %v", c.news, resp, err)
		}
	}
}

func containsString(list []resource.PropertyValue, s string) bool {
	for _, v := range list {
		if v.IsString() && v.StringValue() == s {
			return true
		}
	}
	return false
}

// fakeDaemon answers a container's full inspect from doc (nil: no such container), and
// records everything else.
type fakeDaemon struct{ doc map[string]any }

func (d *fakeDaemon) respond(args []string) (string, error) {
	switch {
	case args[0] == "create":
		return "cid", nil
	case args[0] == "container" && d.doc == nil:
		return "", &dockercli.Error{Stderr: "Error: No such container: cid"}
	case args[0] == "container" && args[3] == "{{json .State}}":
		out, _ := json.Marshal(d.doc["State"])
		return string(out), nil
	case args[0] == "container":
		out, _ := json.Marshal(d.doc)
		return string(out), nil
	}
	return "", nil
}

// The whole cycle on the engine's protocol: the state holds what Docker reports; a preview
// compares the program with it; a refresh reads drift back (inputs too) and drops a container
// removed by hand.
func TestContainerLifecycleReadsDockerBack(t *testing.T) {
	daemon := &fakeDaemon{doc: map[string]any{
		"Id": "cid", "Name": "/xingrin-redis", "Image": "sha256:r",
		"State": map[string]any{"Status": "running", "Running": true, "Health": map[string]any{"Status": "healthy"}},
		"Config": map[string]any{"Image": "sha256:r", "Hostname": "cid", "Cmd": []any{"redis-server"},
			"Healthcheck": map[string]any{"Test": []any{"CMD-SHELL", "redis-cli ping"}, "Interval": 2e9, "StartPeriod": 60e9, "Retries": 25}},
		"HostConfig":      map[string]any{"RestartPolicy": map[string]any{"Name": "always"}},
		"NetworkSettings": map[string]any{"Networks": map[string]any{"xingrin_network": map[string]any{"IPAddress": "172.18.0.3"}}},
	}}
	f := &dockercli.Fake{Respond: daemon.respond}
	s := configured(t, f)
	program := resource.NewPropertyMapFromMap(map[string]any{
		"name": "xingrin-redis", "image": "sha256:r", "restart": "always", "wait": true, "waitTimeout": 180.0,
		"healthcheck": map[string]any{"tests": []any{"CMD", "redis-cli", "ping"}, "interval": "2s", "retries": 25.0, "startPeriod": "60s"},
	})
	program["envs"] = resource.MakeSecret(resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("PW=hunter2")}))
	inputs := check(t, s, &pulumirpc.CheckRequest{Urn: containerURN, News: st(t, program), RandomSeed: []byte("s")})

	created, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: containerURN, Properties: st(t, inputs)})
	if err != nil {
		t.Fatal(err)
	}
	state := back(t, created.Properties)
	health := state["healthcheck"].ObjectValue()
	if health["startPeriod"].StringValue() != "1m0s" || health["timeout"].StringValue() != "0s" || !state["envs"].IsSecret() ||
		state["networkData"].ArrayValue()[0].ObjectValue()["ipAddress"].StringValue() != "172.18.0.3" {
		t.Fatalf("state %v", state)
	}
	if _, ok := state["__defaults"]; ok {
		t.Fatal("the defaults list belongs to the inputs only")
	}

	diff := func(state resource.PropertyMap) *pulumirpc.DiffResponse {
		t.Helper()
		resp, err := s.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: containerURN, Id: "cid",
			Olds: st(t, state), OldInputs: st(t, inputs), News: st(t, inputs)})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := diff(state); len(resp.Diffs) != 1 || resp.Diffs[0] != "healthcheck" || len(resp.Replaces) != 0 {
		t.Fatalf("preview after up: %v", resp)
	}

	// Update: the planned state (the program's healthcheck), nothing done to the container.
	f.Calls = nil
	updated, err := s.Update(context.Background(), &pulumirpc.UpdateRequest{Urn: containerURN, Id: "cid",
		Olds: st(t, state), OldInputs: st(t, inputs), News: st(t, inputs)})
	if err != nil {
		t.Fatal(err)
	}
	state = back(t, updated.Properties)
	if state["healthcheck"].ObjectValue()["startPeriod"].StringValue() != "60s" || len(f.Calls) != 0 || !state["envs"].IsSecret() ||
		state["hostname"].StringValue() != "cid" {
		t.Fatalf("updated state %v, commands %q", state, f.Commands())
	}
	if resp := diff(state); resp.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("preview after the update: %v", resp)
	}

	// Refresh after `docker update --restart no`: state and inputs follow Docker.
	daemon.doc["HostConfig"] = map[string]any{"RestartPolicy": map[string]any{"Name": "no"}}
	read, err := s.Read(context.Background(), &pulumirpc.ReadRequest{Urn: containerURN, Id: "cid",
		Properties: st(t, state), Inputs: st(t, inputs)})
	if err != nil {
		t.Fatal(err)
	}
	state, refreshedInputs := back(t, read.Properties), back(t, read.Inputs)
	if state["restart"].StringValue() != "no" || refreshedInputs["restart"].StringValue() != "no" || !refreshedInputs["envs"].IsSecret() ||
		refreshedInputs["healthcheck"].ObjectValue()["startPeriod"].StringValue() != "1m0s" {
		t.Fatalf("refreshed state %v inputs %v", state, refreshedInputs)
	}
	if _, ok := refreshedInputs["__defaults"]; ok {
		t.Fatal("a refresh drops the defaults list, as the bridge does")
	}
	if resp := diff(state); len(resp.Diffs) != 2 || resp.Diffs[0] != "healthcheck" || resp.Diffs[1] != "restart" {
		t.Fatalf("preview --refresh: %v", resp)
	}

	// Removed by hand: the refresh drops it.
	daemon.doc = nil
	read, err = s.Read(context.Background(), &pulumirpc.ReadRequest{Urn: containerURN, Id: "cid",
		Properties: st(t, state), Inputs: st(t, inputs)})
	if err != nil || read.Id != "" {
		t.Fatalf("removed container: %v %v", read, err)
	}
}

// A preview of an update is the planned state, without Docker.
func TestUpdatePreviewIsThePlannedState(t *testing.T) {
	s := New(nil) // not configured: a preview must not need Docker
	state := resource.NewPropertyMapFromMap(map[string]any{"id": "cid", "name": "c", "image": "sha256:1", "restart": "always",
		"hostname": "cid", "command": []any{"x"}, "envs": []any{"A=1"}})
	news := resource.NewPropertyMapFromMap(map[string]any{"name": "c", "image": "sha256:1", "restart": "no", "__defaults": []any{}})
	resp, err := s.Update(context.Background(), &pulumirpc.UpdateRequest{Urn: containerURN, Id: "cid", Olds: st(t, state),
		News: st(t, news), Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	want := resource.NewPropertyMapFromMap(map[string]any{"id": "cid", "name": "c", "image": "sha256:1", "restart": "no",
		"hostname": "cid", "command": []any{"x"}, "envs": []any{"A=1"}})
	if got := back(t, resp.Properties); !got.DeepEquals(want) {
		t.Fatalf("planned %v", got)
	}
}
