package resources

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/docker/internal/diff"
	"xingrin.invalid/providers/docker/internal/dockercli"
	"xingrin.invalid/providers/docker/internal/props"
)

func init() {
	pollInterval = 5 * time.Millisecond
}

func pm(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func checked(t *testing.T, r Resource, m map[string]any) resource.PropertyMap {
	t.Helper()
	out, failures := r.Schema().Check(pm(m))
	if len(failures) != 0 {
		t.Fatalf("check failures: %v", failures)
	}
	return out
}

func baseContainer() map[string]any {
	return map[string]any{
		"name":    "xingrin-server",
		"image":   "sha256:aaa",
		"labels":  []any{map[string]any{"label": "xingrin.image", "value": "reg/server:v1.1.0"}},
		"envs":    []any{"A=1"},
		"restart": "always",
		"healthcheck": map[string]any{
			"tests": []any{"CMD-SHELL", "curl -f http://localhost:8888/api/health/ || exit 1"}, "interval": "2s",
		},
		"networksAdvanced": []any{map[string]any{"name": "xingrin_network", "aliases": []any{"server"}}},
		"ports":            []any{map[string]any{"internal": 8888.0, "external": 18888.0}},
		"wait":             true,
		"waitTimeout":      180.0,
	}
}

func TestContainerCheckDefaultsAndUnsupported(t *testing.T) {
	c := &Container{}
	out := checked(t, c, map[string]any{"name": "n", "image": "i", "ports": []any{map[string]any{"internal": 80.0}}})
	if out["restart"].StringValue() != "no" || out["waitTimeout"].NumberValue() != 60 || !out["mustRun"].BoolValue() {
		t.Fatalf("defaults: %v", out)
	}
	port := out["ports"].ArrayValue()[0].ObjectValue()
	if port["ip"].StringValue() != "0.0.0.0" || port["protocol"].StringValue() != "tcp" {
		t.Fatalf("port defaults: %v", port)
	}

	_, failures := c.Schema().Check(pm(map[string]any{
		"name": "n", "image": "i", "privileged": true, "logs": true, "start": true,
		"healthcheck": map[string]any{"tests": []any{"CMD-SHELL", "x"}, "interval": "30"},
		"volumes":     []any{map[string]any{"containerPath": "/d", "fromContainer": "other"}},
	}))
	props := map[string]bool{}
	for _, f := range failures {
		props[f.Property] = true
	}
	want := map[string]bool{"privileged": true, "logs": true, "healthcheck.interval": true, "volumes[0].fromContainer": true}
	if !reflect.DeepEqual(props, want) {
		t.Fatalf("failures %v", failures)
	}
}

func TestContainerDiffReplaceVersusUpdate(t *testing.T) {
	c := &Container{}
	old := checked(t, c, baseContainer())

	for key, value := range map[string]any{
		"image": "sha256:bbb", "labels": []any{}, "envs": []any{"A=2"}, "ports": []any{}, "networksAdvanced": []any{},
		"command": []any{"x"}, "user": "root", "name": "other",
	} {
		m := baseContainer()
		m[key] = value
		r := diff.Compute(c.Schema(), old, checked(t, c, m))
		if !reflect.DeepEqual(r.Replaces, []string{key}) {
			t.Errorf("changing %s: replaces %v, want [%s]", key, r.Replaces, key)
		}
	}
	// Not ForceNew upstream, the healthcheck included: an in-place update.
	for key, value := range map[string]any{"restart": "unless-stopped", "wait": false, "waitTimeout": 30.0, "mustRun": false,
		"healthcheck": map[string]any{"tests": []any{"CMD", "true"}}} {
		m := baseContainer()
		m[key] = value
		r := diff.Compute(c.Schema(), old, checked(t, c, m))
		if len(r.Replaces) != 0 || !reflect.DeepEqual(r.Diffs, []string{key}) {
			t.Errorf("changing %s: diffs %v replaces %v, want an in-place update", key, r.Diffs, r.Replaces)
		}
	}
	// A tag bump in a preview: the image id is unknown, the label names the new tag.
	m := baseContainer()
	m["labels"] = []any{map[string]any{"label": "xingrin.image", "value": "reg/server:v1.2.0"}}
	news := checked(t, c, m)
	news["image"] = resource.MakeComputed(resource.NewStringProperty(""))
	if r := diff.Compute(c.Schema(), old, news); !reflect.DeepEqual(r.Replaces, []string{"image", "labels"}) {
		t.Fatalf("tag bump replaces %v", r.Replaces)
	}
}

// scripted answers docker commands by their first words; "container inspect" answers for the
// state come from states in turn (the last one repeats), full inspects from inspect (else a
// running container built by inspectDoc).
type scripted struct {
	states  []string
	inspect string
	created string
}

func (s *scripted) respond(args []string) (string, error) {
	cmd := strings.Join(args, " ")
	switch {
	case args[0] == "create":
		for i, a := range args {
			if a == "--env-file" {
				data, err := os.ReadFile(args[i+1])
				if err != nil {
					return "", err
				}
				s.created = string(data)
			}
		}
		return "cid123", nil
	case strings.HasPrefix(cmd, "container inspect --format {{json .State}}"):
		st := s.states[0]
		if len(s.states) > 1 {
			s.states = s.states[1:]
		}
		return st, nil
	case strings.HasPrefix(cmd, "container inspect --format {{json .}}"):
		if s.inspect != "" {
			return s.inspect, nil
		}
		return inspectDoc(nil), nil
	case args[0] == "logs":
		return "server: listening\nserver: db unreachable", nil
	}
	return "", nil
}

const (
	starting  = `{"Status":"running","Running":true,"Health":{"Status":"starting","Log":[]}}`
	healthy   = `{"Status":"running","Running":true,"Health":{"Status":"healthy","Log":[{"ExitCode":0,"Output":"ok"}]}}`
	unhealthy = `{"Status":"running","Running":true,"Health":{"Status":"unhealthy","FailingStreak":4,"Log":[{"ExitCode":7,"Output":"curl: (7) Failed to connect to localhost port 8888\n"}]}}`
	exited    = `{"Status":"exited","Running":false,"ExitCode":2,"Health":{"Status":"unhealthy","Log":[]}}`
)

func testEnv(f *dockercli.Fake) (*Env, *[]string) {
	var status []string
	return &Env{Docker: f, Host: "unix:///var/run/docker.sock", APIVersion: "1.41",
		Status: func(m string) { status = append(status, m) }}, &status
}

func TestContainerCreateWaitsUntilHealthy(t *testing.T) {
	s := &scripted{states: []string{starting, starting, healthy}}
	f := &dockercli.Fake{Respond: s.respond}
	env, status := testEnv(f)
	inputs := checked(t, &Container{}, baseContainer())
	id, computed, err := (&Container{}).Create(context.Background(), env, inputs)
	if err != nil {
		t.Fatal(err)
	}
	if id != "cid123" || computed["id"] != "cid123" {
		t.Fatalf("id %q computed %v", id, computed)
	}
	cmds := f.Commands()
	if !strings.HasPrefix(cmds[0], "create --name xingrin-server --restart always") || cmds[1] != "start cid123" {
		t.Fatalf("commands %q", cmds)
	}
	if strings.Contains(cmds[0], "health-start-interval") {
		t.Fatal("API 1.41 must not get --health-start-interval")
	}
	if s.created != "A=1\n" {
		t.Fatalf("env file %q", s.created)
	}
	// Upstream says nothing while it waits for health; neither does the stand-in.
	if len(*status) != 0 {
		t.Fatalf("progress messages while waiting: %q", *status)
	}
}

func TestContainerWaitTimeoutLeavesContainerAndNamesHealthOutput(t *testing.T) {
	s := &scripted{states: []string{unhealthy}}
	f := &dockercli.Fake{Respond: s.respond}
	env, _ := testEnv(f)
	m := baseContainer()
	m["waitTimeout"] = 1.0
	_, _, err := (&Container{}).Create(context.Background(), env, checked(t, &Container{}, m))
	var initErr *InitError
	if !errors.As(err, &initErr) || initErr.ID != "cid123" {
		t.Fatalf("want an InitError for cid123, got %v", err)
	}
	for _, want := range []string{"xingrin-server", "not healthy after 1s", "Failed to connect to localhost port 8888", "exit 7", "left in place"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	for _, c := range f.Commands() {
		if strings.HasPrefix(c, "rm") {
			t.Fatalf("the unhealthy container must be left in place, got %q", c)
		}
	}
}

func TestContainerExitWhileWaitingQuotesLogs(t *testing.T) {
	s := &scripted{states: []string{starting, exited}}
	env, _ := testEnv(&dockercli.Fake{Respond: s.respond})
	_, _, err := (&Container{}).Create(context.Background(), env, checked(t, &Container{}, baseContainer()))
	if err == nil || !strings.Contains(err.Error(), "exited (code 2)") || !strings.Contains(err.Error(), "db unreachable") {
		t.Fatalf("error %v", err)
	}
}

// As upstream (the terraform provider sets the id before it starts the container), a container
// that fails to start stays in place and is recorded with its id: the engine keeps it in the
// state, and an update killed at that moment leaves it for recovery rather than hiding it.
func TestContainerStartFailureLeavesItRecorded(t *testing.T) {
	f := &dockercli.Fake{Respond: func(args []string) (string, error) {
		switch args[0] {
		case "create":
			return "cid9", nil
		case "start":
			return "", &dockercli.Error{Stderr: "port is already allocated"}
		}
		return "", nil
	}}
	env, _ := testEnv(f)
	m := baseContainer()
	delete(m, "envs")
	_, _, err := (&Container{}).Create(context.Background(), env, checked(t, &Container{}, m))
	var initErr *InitError
	if !errors.As(err, &initErr) || initErr.ID != "cid9" || !strings.Contains(err.Error(), "port is already allocated") {
		t.Fatalf("error %v", err)
	}
	for _, cmd := range f.Commands() {
		if strings.HasPrefix(cmd, "rm ") {
			t.Fatalf("the container was removed: %q", f.Commands())
		}
	}
}

// Upstream's create checks nothing without wait: it reads the container back, and one that is
// not running reads as mustRun false (with its exit code), which the next preview shows as an
// update that starts it again.
func TestContainerNotRunningAfterCreateReadsMustRunFalse(t *testing.T) {
	s := &scripted{inspect: inspectDoc(func(d map[string]any) {
		d["State"] = map[string]any{"Status": "exited", "Running": false, "ExitCode": 2}
		d["NetworkSettings"].(map[string]any)["Ports"] = map[string]any{}
	})}
	f := &dockercli.Fake{Respond: s.respond}
	env, _ := testEnv(f)
	m := baseContainer()
	m["wait"] = false
	inputs := checked(t, &Container{}, m)
	_, computed, err := (&Container{}).Create(context.Background(), env, inputs)
	if err != nil {
		t.Fatal(err)
	}
	if computed["mustRun"] != false || computed["exitCode"] != 2.0 {
		t.Fatalf("computed %v", computed)
	}
	d := diff.Compute(containerSchema, props.Merge(inputs, computed), inputs)
	if !reflect.DeepEqual(d.Diffs, []string{"mustRun", "ports"}) || !reflect.DeepEqual(d.Replaces, []string{"ports"}) {
		t.Fatalf("a stopped container's ports read back empty, as upstream's do: %+v", d)
	}
}

// wait without a healthcheck is refused, as upstream refuses it (the container stays, recorded).
func TestContainerWaitWithoutHealthcheckFails(t *testing.T) {
	s := &scripted{states: []string{`{"Status":"running","Running":true}`}}
	env, _ := testEnv(&dockercli.Fake{Respond: s.respond})
	m := baseContainer()
	delete(m, "healthcheck")
	_, _, err := (&Container{}).Create(context.Background(), env, checked(t, &Container{}, m))
	var initErr *InitError
	if !errors.As(err, &initErr) || !strings.HasPrefix(err.Error(), "you have supplied a 'wait' argument, but the container does not have a healthcheck defined") {
		t.Fatalf("error %v", err)
	}
}

// Upstream's update: the restart policy with `docker update`, a container that must run again
// started; nothing waited for or read back.
func TestContainerUpdateRestartInPlace(t *testing.T) {
	s := &scripted{states: []string{unhealthy}}
	f := &dockercli.Fake{Respond: s.respond}
	env, _ := testEnv(f)
	olds := checked(t, &Container{}, baseContainer())
	m := baseContainer()
	m["restart"] = "unless-stopped"
	if _, err := (&Container{}).Update(context.Background(), env, "cid123", olds, checked(t, &Container{}, m)); err != nil {
		t.Fatal(err)
	}
	if cmds := f.Commands(); !reflect.DeepEqual(cmds, []string{"update --restart unless-stopped cid123"}) {
		t.Fatalf("commands %q", cmds)
	}

	f = &dockercli.Fake{Respond: s.respond}
	env, _ = testEnv(f)
	olds["mustRun"] = resource.NewBoolProperty(false) // read back from a stopped container
	if _, err := (&Container{}).Update(context.Background(), env, "cid123", olds, checked(t, &Container{}, baseContainer())); err != nil {
		t.Fatal(err)
	}
	if cmds := f.Commands(); !reflect.DeepEqual(cmds, []string{"start cid123"}) {
		t.Fatalf("commands %q", cmds)
	}
}

func TestContainerReadAndDeleteTolerateMissing(t *testing.T) {
	missing := func([]string) (string, error) { return "", &dockercli.Error{Stderr: "Error: No such object: cid"} }
	env, _ := testEnv(&dockercli.Fake{Respond: missing})
	res, err := (&Container{}).Read(context.Background(), env, "cid", pm(map[string]any{"name": "x"}), nil)
	if err != nil || res.ID != "" {
		t.Fatalf("missing container should read as deleted: %+v %v", res, err)
	}
	env, _ = testEnv(&dockercli.Fake{Respond: func([]string) (string, error) {
		return "", &dockercli.Error{Stderr: "Error response from daemon: No such container: cid"}
	}})
	if err := (&Container{}).Delete(context.Background(), env, "cid", nil); err != nil {
		t.Fatal(err)
	}
}

// Upstream's Docker client refuses a healthcheck startInterval on a daemon older than API 1.44,
// before anything is created; the stand-in must fail the same way instead of dropping it.
func TestContainerStartIntervalRefusedBelowAPI144(t *testing.T) {
	m := baseContainer()
	m["healthcheck"] = map[string]any{"tests": []any{"CMD-SHELL", "true"}, "interval": "2s", "startInterval": "1s"}

	s := &scripted{states: []string{healthy}}
	f := &dockercli.Fake{Respond: s.respond}
	env, _ := testEnv(f) // API 1.41
	_, _, err := (&Container{}).Create(context.Background(), env, checked(t, &Container{}, m))
	want := `unable to create container xingrin-server on unix:///var/run/docker.sock: ` +
		`"specify health-check start interval" requires API version 1.44, but the Docker daemon API version is 1.41`
	if err == nil || err.Error() != want {
		t.Fatalf("error %v\nwant %s", err, want)
	}
	var initErr *InitError
	if errors.As(err, &initErr) || len(f.Calls) != 0 {
		t.Fatalf("nothing may be created: %q", f.Commands())
	}

	// Daemon check disabled: the provider asks the daemon before creating.
	f = &dockercli.Fake{Respond: func(args []string) (string, error) {
		if args[0] == "version" {
			return "1.43", nil
		}
		return s.respond(args)
	}}
	env, _ = testEnv(f)
	env.APIVersion = ""
	_, _, err = (&Container{}).Create(context.Background(), env, checked(t, &Container{}, m))
	if err == nil || !strings.HasSuffix(err.Error(), "but the Docker daemon API version is 1.43") {
		t.Fatalf("error %v", err)
	}

	// A new daemon gets the flag; "0s" (the default) is no start interval at all.
	f = &dockercli.Fake{Respond: s.respond}
	env, _ = testEnv(f)
	env.APIVersion = "1.44"
	if _, _, err := (&Container{}).Create(context.Background(), env, checked(t, &Container{}, m)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.Commands()[0], "--health-start-interval 1s") {
		t.Fatalf("create %q", f.Commands()[0])
	}
	m["healthcheck"] = map[string]any{"tests": []any{"CMD-SHELL", "true"}, "startInterval": "0s"}
	f = &dockercli.Fake{Respond: s.respond}
	env, _ = testEnv(f)
	if _, _, err := (&Container{}).Create(context.Background(), env, checked(t, &Container{}, m)); err != nil {
		t.Fatalf("0s on API 1.41: %v", err)
	}
}

// Ports diff as upstream's: Docker reports them sorted by internal port and with the external
// port it chose; neither the order nor a chosen external port is a change.
func TestContainerPortsDiffLikeUpstream(t *testing.T) {
	c := &Container{}
	port := func(internal, external float64, ip string) map[string]any {
		m := map[string]any{"internal": internal, "ip": ip, "protocol": "tcp"}
		if external != 0 {
			m["external"] = external
		}
		return m
	}
	state := checked(t, c, map[string]any{"name": "n", "image": "i",
		"ports": []any{port(80, 8080, "0.0.0.0"), port(443, 32768, "0.0.0.0")}})
	changes := func(ports ...any) []string {
		return diff.Compute(c.Schema(), state, checked(t, c, map[string]any{"name": "n", "image": "i", "ports": ports})).Replaces
	}
	if r := changes(port(443, 32768, "0.0.0.0"), port(80, 8080, "0.0.0.0")); len(r) != 0 {
		t.Fatalf("order: %v", r)
	}
	if r := changes(port(80, 8080, "0.0.0.0"), port(443, 0, "0.0.0.0")); len(r) != 0 {
		t.Fatalf("an external port Docker chose: %v", r)
	}
	if r := changes(port(80, 8080, "127.0.0.1"), port(443, 32768, "0.0.0.0")); !reflect.DeepEqual(r, []string{"ports"}) {
		t.Fatalf("a changed ip replaces: %v", r)
	}
}

// inspectDoc is `docker container inspect` of the server container of baseContainer as
// Docker 20.10 reports it after this provider created it through the CLI, changed by edit.
func inspectDoc(edit func(map[string]any)) string {
	d := map[string]any{
		"Id":    "cid123",
		"Name":  "/xingrin-server",
		"Image": "sha256:aaa",
		"State": map[string]any{"Status": "running", "Running": true, "ExitCode": 0,
			"Health": map[string]any{"Status": "healthy"}},
		"Config": map[string]any{
			"Hostname": "cid123456789", "User": "", "WorkingDir": "/app", "Image": "sha256:aaa",
			"Cmd": []any{"/start.sh"}, "Entrypoint": nil,
			"Env":    []any{"A=1", "PATH=/usr/bin"},
			"Labels": map[string]any{"xingrin.image": "reg/server:v1.1.0", "from.image": "x"},
			"Healthcheck": map[string]any{
				"Test":     []any{"CMD-SHELL", "curl -f http://localhost:8888/api/health/ || exit 1"},
				"Interval": int64(2 * time.Second),
			},
		},
		"HostConfig": map[string]any{"AutoRemove": false, "RestartPolicy": map[string]any{"Name": "always", "MaximumRetryCount": 0}},
		"NetworkSettings": map[string]any{
			"Bridge": "",
			"Ports": map[string]any{
				"8888/tcp": []any{map[string]any{"HostIp": "0.0.0.0", "HostPort": "18888"}},
				"9000/tcp": nil, // exposed by the image, not published
			},
			"Networks": map[string]any{"xingrin_network": map[string]any{
				"IPAddress": "172.18.0.2", "IPPrefixLen": 16, "Gateway": "172.18.0.1", "MacAddress": "02:42:ac:12:00:02",
				"Aliases": []any{"server", "cid123456789"}}},
		},
	}
	if edit != nil {
		edit(d)
	}
	out, _ := json.Marshal(d)
	return string(out)
}

func healthDoc(h map[string]any) func(map[string]any) {
	return func(d map[string]any) { d["Config"].(map[string]any)["Healthcheck"] = h }
}

// After a create, the state is what upstream's read function stores: Docker's values for the
// properties it reads, normalized the same way, and the program's own for the rest.
func TestContainerCreateReadsBackLikeUpstream(t *testing.T) {
	m := baseContainer()
	m["healthcheck"] = map[string]any{"tests": []any{"CMD", "redis-cli", "ping"}, "interval": "2s", "timeout": "5s",
		"retries": 25.0, "startPeriod": "60s"}
	s := &scripted{states: []string{healthy}, inspect: inspectDoc(healthDoc(map[string]any{
		// The CLI stores the exec-form test as the equivalent shell command.
		"Test":     []any{"CMD-SHELL", "redis-cli ping"},
		"Interval": int64(2 * time.Second), "Timeout": int64(5 * time.Second), "StartPeriod": int64(60 * time.Second),
		"Retries": 25,
	}))}
	env, _ := testEnv(&dockercli.Fake{Respond: s.respond})
	inputs := checked(t, &Container{}, m)
	id, computed, err := (&Container{}).Create(context.Background(), env, inputs)
	if err != nil || id != "cid123" {
		t.Fatal(id, err)
	}
	want := map[string]any{
		"id": "cid123", "name": "xingrin-server", "image": "sha256:aaa", "restart": "always", "rm": false,
		"hostname": "cid123456789", "user": "", "workingDir": "/app", "command": []any{"/start.sh"}, "entrypoints": []any{},
		"healthcheck": map[string]any{"tests": []any{"CMD", "redis-cli", "ping"}, "interval": "2s", "timeout": "5s",
			"startPeriod": "1m0s", "startInterval": "0s", "retries": 25.0},
		"ports":  []any{map[string]any{"internal": 8888.0, "external": 18888.0, "ip": "0.0.0.0", "protocol": "tcp"}},
		"bridge": "",
		"networkData": []any{map[string]any{"networkName": "xingrin_network", "ipAddress": "172.18.0.2", "ipPrefixLength": 16.0,
			"gateway": "172.18.0.1", "globalIpv6Address": "", "globalIpv6PrefixLength": 0.0, "ipv6Gateway": "",
			"macAddress": "02:42:ac:12:00:02"}},
	}
	if !reflect.DeepEqual(computed, want) {
		t.Fatalf("read back\n got %v\nwant %v", computed, want)
	}

	// The next preview: "60s" came back as "1m0s", a diff on every preview (as upstream shows
	// it); everything else round-trips. The healthcheck is updated in place, not replaced.
	state := props.Merge(inputs, computed)
	d := diff.Compute(containerSchema, state, inputs)
	if !reflect.DeepEqual(d.Diffs, []string{"healthcheck"}) || len(d.Replaces) != 0 {
		t.Fatalf("diff %+v", d)
	}
	m["healthcheck"].(map[string]any)["startPeriod"] = "1m0s"
	if d := diff.Compute(containerSchema, state, checked(t, &Container{}, m)); d.Changed() {
		t.Fatalf("1m0s round-trips: %+v", d)
	}
}

// A refresh reads the container back: drift made by hand shows, a removed container is gone.
func TestContainerReadDriftAndGone(t *testing.T) {
	inputs := checked(t, &Container{}, baseContainer())
	s := &scripted{inspect: inspectDoc(func(d map[string]any) {
		d["HostConfig"].(map[string]any)["RestartPolicy"] = map[string]any{"Name": "no"} // docker update --restart no
	})}
	env, _ := testEnv(&dockercli.Fake{Respond: s.respond})
	res, err := (&Container{}).Read(context.Background(), env, "cid123", inputs, inputs)
	if err != nil || res.ID != "cid123" {
		t.Fatal(res, err)
	}
	if res.State["restart"].StringValue() != "no" || !res.State["envs"].DeepEquals(inputs["envs"]) {
		t.Fatalf("state %v", res.State)
	}
	if d := diff.Compute(containerSchema, res.State, inputs); !reflect.DeepEqual(d.Diffs, []string{"restart"}) || len(d.Replaces) != 0 {
		t.Fatalf("diff %+v", d)
	}

	gone := func([]string) (string, error) {
		return "", &dockercli.Error{Stderr: "Error: No such container: cid123"}
	}
	env, _ = testEnv(&dockercli.Fake{Respond: gone})
	if res, err := (&Container{}).Read(context.Background(), env, "cid123", inputs, inputs); err != nil || res.ID != "" {
		t.Fatalf("a removed container must read as gone: %+v %v", res, err)
	}
}

func TestReadBackUndoesTheCLIsRewrites(t *testing.T) {
	for _, c := range []struct{ sent, read, want []string }{
		{[]string{"CMD", "redis-cli", "ping"}, []string{"CMD-SHELL", "redis-cli ping"}, []string{"CMD", "redis-cli", "ping"}},
		{[]string{"CMD", "sh", "-c", "a b"}, []string{"CMD-SHELL", "sh -c 'a b'"}, []string{"CMD", "sh", "-c", "a b"}},
		{[]string{"CMD-SHELL", "a", "b"}, []string{"CMD-SHELL", "a b"}, []string{"CMD-SHELL", "a", "b"}},
		{[]string{"NONE"}, []string{"NONE"}, []string{"NONE"}},
		{[]string{"CMD", "redis-cli", "ping"}, []string{"CMD-SHELL", "redis-cli -p 7000 ping"}, []string{"CMD-SHELL", "redis-cli -p 7000 ping"}},
	} {
		if got := unCLITest(c.read, c.sent); !reflect.DeepEqual(got, c.want) {
			t.Errorf("unCLITest(%q, %q) = %q, want %q", c.read, c.sent, got, c.want)
		}
	}
	ep, cmd := unCLIEntrypoint([]string{"/bin/sh"}, []string{"-c", "echo hi"}, []string{"/bin/sh", "-c"}, []string{"echo hi"})
	if !reflect.DeepEqual(ep, []string{"/bin/sh", "-c"}) || !reflect.DeepEqual(cmd, []string{"echo hi"}) {
		t.Fatalf("entrypoint %q command %q", ep, cmd)
	}
}
