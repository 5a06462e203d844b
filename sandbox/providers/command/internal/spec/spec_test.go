package spec

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func s(v string) resource.PropertyValue { return resource.NewStringProperty(v) }

func unknown() resource.PropertyValue { return resource.MakeComputed(s("")) }

func remoteMinimal() resource.PropertyMap {
	return resource.PropertyMap{
		"connection": resource.NewObjectProperty(resource.PropertyMap{"host": s("127.0.1.1")}),
		"create":     s("echo hi"),
	}
}

func failuresFor(fails []Failure, prop string) []Failure {
	var out []Failure
	for _, f := range fails {
		if f.Property == prop {
			out = append(out, f)
		}
	}
	return out
}

// Upstream's Check fills the connection defaults and marks it secret, and
// nothing else (pulumi-command provider/tests/provider_test.go TestRegress248).
func TestCheckRemoteDefaults(t *testing.T) {
	out, fails := Check(RemoteToken, remoteMinimal())
	if len(fails) != 0 {
		t.Fatalf("unexpected failures: %+v", fails)
	}
	want := resource.PropertyMap{
		"create": s("echo hi"),
		"connection": resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
			"host": s("127.0.1.1"), "port": resource.NewNumberProperty(22), "user": s("root"),
			"dialErrorLimit": resource.NewNumberProperty(10), "perDialTimeout": resource.NewNumberProperty(15),
		})),
	}
	if !out.DeepEquals(want) {
		t.Fatalf("got %v\nwant %v", out, want)
	}
}

func TestCheckRemoteKeepsValuesAndMarksCredentials(t *testing.T) {
	in := remoteMinimal()
	in["connection"] = resource.NewObjectProperty(resource.PropertyMap{
		"host": s("h"), "port": resource.NewNumberProperty(2222), "user": s("deploy"),
		"password": s("pw"), "privateKey": resource.MakeSecret(s("KEY")), "dialErrorLimit": resource.NewNumberProperty(-1),
		"perDialTimeout": resource.NewNumberProperty(0), "hostKey": s("127.0.1.1 ssh-ed25519 AAAA"),
		"agentSocketPath": s("/run/agent.sock"),
	})
	in["addPreviousOutputInEnv"] = resource.NewBoolProperty(false)
	out, fails := Check(RemoteToken, in)
	if len(fails) != 0 {
		t.Fatalf("unexpected failures: %+v", fails)
	}
	c := out["connection"].SecretValue().Element.ObjectValue()
	if c["port"].NumberValue() != 2222 || c["user"].StringValue() != "deploy" || c["dialErrorLimit"].NumberValue() != -1 ||
		c["perDialTimeout"].NumberValue() != 0 || c["hostKey"].StringValue() != "127.0.1.1 ssh-ed25519 AAAA" {
		t.Fatalf("explicit values overwritten: %v", c)
	}
	if !c["password"].IsSecret() || !c["privateKey"].IsSecret() || c["host"].IsSecret() {
		t.Fatalf("credential fields must be secret on their own: %v", c)
	}
	if out["addPreviousOutputInEnv"].BoolValue() {
		t.Fatal("explicit addPreviousOutputInEnv=false overwritten")
	}
}

func TestCheckLocal(t *testing.T) {
	in := resource.PropertyMap{
		"create":      s("docker ps"),
		"environment": resource.NewObjectProperty(resource.PropertyMap{"DOCKER_HOST": s("unix:///x"), "K": resource.MakeSecret(s("v"))}),
		"interpreter": resource.NewArrayProperty([]resource.PropertyValue{s("/bin/bash"), s("-c")}),
		"dir":         s("/tmp"),
		"logging":     s("stderr"),
		"triggers":    resource.NewArrayProperty([]resource.PropertyValue{resource.NewNumberProperty(1)}),
		"__defaults":  resource.NewArrayProperty(nil),
	}
	out, fails := Check(LocalToken, in)
	if len(fails) != 0 {
		t.Fatalf("unexpected failures: %+v", fails)
	}
	// No defaults for a local command; secrets stay where they were.
	if !out.DeepEquals(in) {
		t.Fatalf("got %v", out)
	}
	if _, fails := Check(LocalToken, resource.PropertyMap{}); len(fails) != 0 {
		t.Fatalf("every local input is optional: %+v", fails)
	}
}

func TestCheckFailures(t *testing.T) {
	cases := []struct {
		name   string
		token  string
		in     resource.PropertyMap
		prop   string
		reason string
	}{
		{"missing connection", RemoteToken, resource.PropertyMap{"create": s("x")}, "connection",
			"Missing required field 'connection' on 'remote.CommandInputs'"},
		{"missing host", RemoteToken, resource.PropertyMap{"connection": resource.NewObjectProperty(resource.PropertyMap{})},
			"connection.host", "Missing required field 'host' on 'remote.Connection'"},
		{"unknown field", LocalToken, resource.PropertyMap{"cwd": s("/")}, "cwd",
			"Unrecognized field 'cwd' on 'local.CommandInputs'"},
		{"remote has no dir", RemoteToken, resource.PropertyMap{"dir": s("/"),
			"connection": resource.NewObjectProperty(resource.PropertyMap{"host": s("h")})}, "dir",
			"Unrecognized field 'dir' on 'remote.CommandInputs'"},
		{"assetPaths", LocalToken, resource.PropertyMap{"assetPaths": resource.NewArrayProperty(nil)}, "assetPaths",
			"assetPaths is not supported: this stand-in"},
		{"proxy", RemoteToken, resource.PropertyMap{"connection": resource.NewObjectProperty(resource.PropertyMap{
			"host": s("h"), "proxy": resource.NewObjectProperty(resource.PropertyMap{"host": s("b")})})},
			"connection.proxy", "connection.proxy (bastion hosts) is not supported"},
		{"connection field", RemoteToken, resource.PropertyMap{"connection": resource.NewObjectProperty(resource.PropertyMap{
			"host": s("h"), "timeout": s("1")})}, "connection.timeout", "Unrecognized field 'timeout' on 'remote.Connection'"},
		{"create type", LocalToken, resource.PropertyMap{"create": resource.NewNumberProperty(1)}, "create",
			"Field 'create' on 'local.CommandInputs' must be a 'string'; got 'float64' instead"},
		{"env value type", LocalToken, resource.PropertyMap{"environment": resource.NewObjectProperty(resource.PropertyMap{
			"A": resource.NewBoolProperty(true)})}, "environment", "must be a 'map[string]string'"},
		{"interpreter type", LocalToken, resource.PropertyMap{"interpreter": s("/bin/sh -c")}, "interpreter",
			"must be a '[]string'"},
		{"triggers type", LocalToken, resource.PropertyMap{"triggers": s("x")}, "triggers", "must be a '[]interface {}'"},
		{"port type", RemoteToken, resource.PropertyMap{"connection": resource.NewObjectProperty(resource.PropertyMap{
			"host": s("h"), "port": s("22")})}, "connection.port", "Field 'port' on 'remote.Connection' must be a 'float64'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, fails := Check(tc.token, tc.in)
			f := failuresFor(fails, tc.prop)
			if len(f) != 1 || !strings.Contains(f[0].Reason, tc.reason) {
				t.Fatalf("want one failure on %s containing %q, got %+v", tc.prop, tc.reason, fails)
			}
		})
	}
}

// Upstream checks types only: these fail (if at all) when the command runs.
func TestCheckLeavesValuesToRuntime(t *testing.T) {
	in := remoteMinimal()
	in["connection"] = resource.NewObjectProperty(resource.PropertyMap{
		"host": s("h"), "port": resource.NewNumberProperty(70000), "privateKey": s("not a key"),
		"hostKey": s("garbage"), "dialErrorLimit": resource.NewNumberProperty(-7),
	})
	in["logging"] = s("everything")
	in["environment"] = resource.NewObjectProperty(resource.PropertyMap{"NOT-A-SHELL-NAME": s("x")})
	if _, fails := Check(RemoteToken, in); len(fails) != 0 {
		t.Fatalf("unexpected failures: %+v", fails)
	}
}

// During preview inputs may be unknown; Check must let them through.
func TestCheckUnknowns(t *testing.T) {
	in := resource.PropertyMap{
		"connection": resource.NewObjectProperty(resource.PropertyMap{
			"host": unknown(), "privateKey": unknown(), "port": unknown(),
		}),
		"create":      unknown(),
		"stdin":       resource.MakeSecret(unknown()),
		"environment": resource.NewObjectProperty(resource.PropertyMap{"A": unknown()}),
		"triggers":    resource.NewArrayProperty([]resource.PropertyValue{unknown()}),
		"logging":     unknown(),
	}
	out, fails := Check(RemoteToken, in)
	if len(fails) != 0 {
		t.Fatalf("unexpected failures: %+v", fails)
	}
	if !out["create"].IsComputed() || !out["connection"].SecretValue().Element.ObjectValue()["port"].IsComputed() {
		t.Fatalf("unknowns not preserved: %v", out)
	}
	out, fails = Check(RemoteToken, resource.PropertyMap{"connection": unknown()})
	if len(fails) != 0 || !out["connection"].IsSecret() {
		t.Fatalf("wholly unknown connection: %v %+v", out, fails)
	}
}

func TestDecodeRemote(t *testing.T) {
	in := remoteMinimal()
	in["connection"] = resource.NewObjectProperty(resource.PropertyMap{"host": s("127.0.1.1"), "password": s("pw")})
	in["stdin"] = resource.MakeSecret(s("s3cret"))
	in["environment"] = resource.NewObjectProperty(resource.PropertyMap{"B": s("2"), "A": resource.MakeSecret(s("1"))})
	in["update"] = s("")
	checked, _ := Check(RemoteToken, in)
	checked["stdout"] = s("prev out")
	c, err := Decode(RemoteToken, checked)
	if err != nil {
		t.Fatal(err)
	}
	if c.Conn.Host != "127.0.1.1" || c.Conn.Port != 22 || c.Conn.User != "root" || *c.Conn.Password != "pw" ||
		c.Conn.PrivateKey != nil || c.Conn.HostKey != nil || c.Conn.DialErrorLimit != 10 || c.Conn.PerDialTimeout != 15 {
		t.Fatalf("connection decoded wrong: %+v", c.Conn)
	}
	if c.Stdin != "s3cret" || *c.Create != "echo hi" || c.Update == nil || *c.Update != "" || c.Delete != nil ||
		c.Logging != "" || !c.AddPreviousOutputInEnv || c.Stdout != "prev out" {
		t.Fatalf("decoded wrong: %+v", c)
	}
	env := c.Env()
	if len(env) != 2 || env[0] != (EnvVar{"A", "1"}) || env[1] != (EnvVar{"B", "2"}) {
		t.Fatalf("env = %+v", env)
	}
	if _, err := Decode(RemoteToken, resource.PropertyMap{"connection": unknown()}); err == nil {
		t.Fatal("decoding an unknown connection must fail")
	}
}

func TestDecodeLocal(t *testing.T) {
	c, err := Decode(LocalToken, resource.PropertyMap{
		"interpreter": resource.NewArrayProperty([]resource.PropertyValue{s("/bin/bash"), resource.MakeSecret(s("-c"))}),
		"dir":         s("sub"),
		"delete":      s("rm -f x"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Interpreter, " ") != "/bin/bash -c" || *c.Dir != "sub" || *c.Delete != "rm -f x" || c.Create != nil {
		t.Fatalf("decoded wrong: %+v", c)
	}
}

func TestPreviousOutputEnv(t *testing.T) {
	c := Command{AddPreviousOutputInEnv: true, Stdout: "out"}
	if env := c.PreviousOutputEnv(); len(env) != 1 || env[0] != (EnvVar{EnvPrevStdout, "out"}) {
		t.Fatalf("empty outputs are not set: %+v", env)
	}
	c.Stderr = "err"
	if len(c.PreviousOutputEnv()) != 2 {
		t.Fatal("both outputs")
	}
	c.AddPreviousOutputInEnv = false
	if len(c.PreviousOutputEnv()) != 0 {
		t.Fatal("addPreviousOutputInEnv=false must not add previous output")
	}
	// Unset means true.
	d, _ := Decode(LocalToken, resource.PropertyMap{"stdout": s("x")})
	if len(d.PreviousOutputEnv()) != 1 {
		t.Fatal("addPreviousOutputInEnv defaults to true")
	}
}

func TestLogModes(t *testing.T) {
	for mode, want := range map[LogMode][2]bool{
		"": {true, true}, LogStdoutAndStderr: {true, true}, LogStdout: {true, false}, LogStderr: {false, true},
		LogNone: {false, false}, "everything": {false, false},
	} {
		if mode.Stdout() != want[0] || mode.Stderr() != want[1] {
			t.Errorf("%q: got %v/%v want %v", mode, mode.Stdout(), mode.Stderr(), want)
		}
	}
}
