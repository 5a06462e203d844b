package spec

import (
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEeFX7g5faA2tfHbEwkJsGqDh2kwVhKdmZn0lm+wP+qO"

func s(v string) resource.PropertyValue { return resource.NewStringProperty(v) }

func minimal() resource.PropertyMap {
	return resource.PropertyMap{
		"connection": resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
			"host": s("127.0.1.1"), "password": s("pw"),
		})),
		"create": s("echo hi"),
	}
}

func connObj(t *testing.T, m resource.PropertyMap) resource.PropertyMap {
	t.Helper()
	c := m["connection"]
	if !c.IsSecret() {
		t.Fatalf("connection is not secret: %v", c)
	}
	return c.SecretValue().Element.ObjectValue()
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

func TestCheckDefaults(t *testing.T) {
	out, fails := Check(minimal())
	if len(fails) != 0 {
		t.Fatalf("unexpected failures: %+v", fails)
	}
	c := connObj(t, out)
	if c["port"].NumberValue() != 22 || c["user"].StringValue() != "root" ||
		c["dialErrorLimit"].NumberValue() != 10 || c["perDialTimeout"].NumberValue() != 15 {
		t.Fatalf("connection defaults not applied: %v", c)
	}
	if !out["addPreviousOutputInEnv"].BoolValue() {
		t.Fatal("addPreviousOutputInEnv should default to true")
	}
	if _, ok := out["logging"]; ok {
		t.Fatal("logging must stay unset (absent means stdoutAndStderr)")
	}
}

func TestCheckKeepsExplicitValues(t *testing.T) {
	in := minimal()
	in["connection"] = resource.NewObjectProperty(resource.PropertyMap{ // not secret: Check makes it one
		"host": s("h"), "port": resource.NewNumberProperty(2222), "user": s("deploy"),
		"password": resource.MakeSecret(s("pw")), "dialErrorLimit": resource.NewNumberProperty(-1),
		"perDialTimeout": resource.NewNumberProperty(0), "hostKey": s(hostKey),
	})
	in["addPreviousOutputInEnv"] = resource.NewBoolProperty(false)
	out, fails := Check(in)
	if len(fails) != 0 {
		t.Fatalf("unexpected failures: %+v", fails)
	}
	c := connObj(t, out)
	if c["port"].NumberValue() != 2222 || c["user"].StringValue() != "deploy" || c["dialErrorLimit"].NumberValue() != -1 {
		t.Fatalf("explicit values overwritten: %v", c)
	}
	if !c["password"].IsSecret() {
		t.Fatal("nested secret lost")
	}
	if out["addPreviousOutputInEnv"].BoolValue() {
		t.Fatal("explicit addPreviousOutputInEnv=false overwritten")
	}
}

func TestCheckRejectsUnsupported(t *testing.T) {
	in := minimal()
	in["interpreter"] = resource.NewArrayProperty(nil)
	in["connection"] = resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
		"host": s("h"), "password": s("pw"),
		"proxy":           resource.NewObjectProperty(resource.PropertyMap{"host": s("bastion")}),
		"agentSocketPath": s("/tmp/agent"),
	}))
	_, fails := Check(in)
	for _, prop := range []string{"interpreter", "connection.proxy", "connection.agentSocketPath"} {
		f := failuresFor(fails, prop)
		if len(f) != 1 {
			t.Fatalf("want one failure for %s, got %+v", prop, fails)
		}
		if !strings.Contains(f[0].Reason, "subset") || !strings.Contains(f[0].Reason, strings.TrimPrefix(prop, "connection.")) {
			t.Errorf("%s: reason should name the property and the subset: %q", prop, f[0].Reason)
		}
	}
}

func TestCheckFailures(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(resource.PropertyMap)
		prop   string
		reason string
	}{
		{"missing connection", func(m resource.PropertyMap) { delete(m, "connection") }, "connection", "missing required property 'connection'"},
		{"missing host", func(m resource.PropertyMap) {
			m["connection"] = resource.NewObjectProperty(resource.PropertyMap{"password": s("pw")})
		}, "connection.host", "missing required property"},
		{"no credentials", func(m resource.PropertyMap) {
			m["connection"] = resource.NewObjectProperty(resource.PropertyMap{"host": s("h")})
		}, "connection", "privateKey or password"},
		{"bad private key", func(m resource.PropertyMap) {
			m["connection"] = resource.NewObjectProperty(resource.PropertyMap{"host": s("h"), "privateKey": s("not a key")})
		}, "connection.privateKey", "cannot parse privateKey"},
		{"bad host key", func(m resource.PropertyMap) {
			m["connection"] = resource.NewObjectProperty(resource.PropertyMap{"host": s("h"), "password": s("p"), "hostKey": s("garbage")})
		}, "connection.hostKey", "not a public key line"},
		{"port type", func(m resource.PropertyMap) {
			m["connection"] = resource.NewObjectProperty(resource.PropertyMap{"host": s("h"), "password": s("p"), "port": s("22")})
		}, "connection.port", "integer"},
		{"port range", func(m resource.PropertyMap) {
			m["connection"] = resource.NewObjectProperty(resource.PropertyMap{"host": s("h"), "password": s("p"), "port": resource.NewNumberProperty(70000)})
		}, "connection.port", "65535"},
		{"bad logging", func(m resource.PropertyMap) { m["logging"] = s("everything") }, "logging", "must be one of"},
		{"create type", func(m resource.PropertyMap) { m["create"] = resource.NewNumberProperty(1) }, "create", "must be a string"},
		{"env name", func(m resource.PropertyMap) {
			m["environment"] = resource.NewObjectProperty(resource.PropertyMap{"BAD-NAME": s("x")})
		}, "environment.BAD-NAME", "not a valid shell identifier"},
		{"triggers type", func(m resource.PropertyMap) { m["triggers"] = s("x") }, "triggers", "must be a list"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := minimal()
			tc.mutate(in)
			_, fails := Check(in)
			f := failuresFor(fails, tc.prop)
			if len(f) == 0 || !strings.Contains(f[0].Reason, tc.reason) {
				t.Fatalf("want failure on %s containing %q, got %+v", tc.prop, tc.reason, fails)
			}
		})
	}
}

// During preview inputs may be unknown; Check must let them through.
func TestCheckUnknowns(t *testing.T) {
	unk := resource.MakeComputed(s(""))
	in := resource.PropertyMap{
		"connection": resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
			"host": unk, "privateKey": unk, "hostKey": unk,
		})),
		"create":      unk,
		"stdin":       resource.MakeSecret(unk),
		"environment": unk,
		"triggers":    resource.NewArrayProperty([]resource.PropertyValue{unk}),
		"logging":     unk,
	}
	out, fails := Check(in)
	if len(fails) != 0 {
		t.Fatalf("unexpected failures: %+v", fails)
	}
	if !out["create"].IsComputed() {
		t.Fatal("unknown create was not preserved")
	}
	if _, fails := Check(resource.PropertyMap{"connection": unk}); len(fails) != 0 {
		t.Fatalf("wholly unknown connection: %+v", fails)
	}
}

func TestDecode(t *testing.T) {
	in := minimal()
	in["stdin"] = resource.MakeSecret(s("s3cret"))
	in["environment"] = resource.NewObjectProperty(resource.PropertyMap{"B": s("2"), "A": resource.MakeSecret(s("1"))})
	in["logging"] = s("stderr")
	checked, _ := Check(in)
	checked["stdout"] = s("prev out")
	c, err := Decode(checked)
	if err != nil {
		t.Fatal(err)
	}
	if c.Conn.Host != "127.0.1.1" || c.Conn.Port != 22 || c.Conn.User != "root" || c.Conn.Password != "pw" ||
		c.Conn.DialErrorLimit != 10 || c.Conn.PerDialTimeout != 15*time.Second {
		t.Fatalf("connection decoded wrong: %+v", c.Conn)
	}
	if c.Stdin != "s3cret" || c.Create != "echo hi" || c.Logging != LogStderr || !c.AddPreviousOutputInEnv {
		t.Fatalf("decoded wrong: %+v", c)
	}
	if c.Logging.Stdout() || !c.Logging.Stderr() {
		t.Fatal("logging=stderr must log stderr only")
	}
	env := c.Env(true)
	if len(env) != 3 || env[0].Name != "A" || env[0].Value != "1" || env[1].Name != "B" || env[2].Name != EnvPrevStdout {
		t.Fatalf("env = %+v", env)
	}
	if len(c.Env(false)) != 2 {
		t.Fatal("previous output must only be added on request")
	}
	c.AddPreviousOutputInEnv = false
	if len(c.Env(true)) != 2 {
		t.Fatal("addPreviousOutputInEnv=false must not add previous output")
	}
	if _, err := Decode(resource.PropertyMap{"connection": resource.MakeComputed(s(""))}); err == nil {
		t.Fatal("decoding an unknown connection must fail")
	}
}

func TestLogModes(t *testing.T) {
	for mode, want := range map[LogMode][2]bool{
		"": {true, true}, LogStdoutAndStderr: {true, true}, LogStdout: {true, false}, LogStderr: {false, true}, LogNone: {false, false},
	} {
		if mode.Stdout() != want[0] || mode.Stderr() != want[1] {
			t.Errorf("%q: got %v/%v want %v", mode, mode.Stdout(), mode.Stderr(), want)
		}
	}
}
