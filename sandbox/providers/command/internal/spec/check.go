package spec

import (
	"fmt"
	"math"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/command/internal/run"
	"xingrin.invalid/providers/command/internal/sshconn"
)

// Failure is one Check failure, reported against a property path.
type Failure struct {
	Property string
	Reason   string
}

const subsetNote = "this offline command provider (providers/command) implements only a subset of " +
	"command:remote:Command: connection, create, update, delete, stdin, environment, triggers, logging, " +
	"addPreviousOutputInEnv"

// Check validates new inputs and fills defaults, like the upstream
// provider's Check: connection.port 22, user "root", dialErrorLimit 10,
// perDialTimeout 15, addPreviousOutputInEnv true. Unknown values (preview
// before dependencies exist) are let through unchecked. Anything outside the
// implemented subset is a failure that says so, rather than being ignored
// and silently behaving differently from upstream.
func Check(news resource.PropertyMap) (resource.PropertyMap, []Failure) {
	out := news.Copy()
	var fails []Failure
	fail := func(prop, format string, args ...any) {
		fails = append(fails, Failure{Property: prop, Reason: fmt.Sprintf(format, args...)})
	}

	for _, k := range news.StableKeys() {
		key := string(k)
		if strings.HasPrefix(key, "__") { // engine/SDK-internal keys
			continue
		}
		if !isInputKey(key) {
			fail(key, "property %q is not supported: %s", key, subsetNote)
		}
	}

	// connection: required, always stored as a secret (it holds credentials).
	conn, ok := out[Connection]
	if !ok || conn.IsNull() {
		fail(Connection, "missing required property 'connection'")
	} else {
		out[Connection] = checkConnection(conn, fail)
	}

	for _, k := range []string{Create, Update, Delete, Stdin} {
		if v, ok := out[resource.PropertyKey(k)]; ok && !v.IsNull() {
			if inner, _, unknown := peel(v); !unknown && !inner.IsString() {
				fail(k, "%s must be a string, not %s", k, inner.TypeString())
			}
		}
	}

	if v, ok := out[Environment]; ok && !v.IsNull() {
		if inner, _, unknown := peel(v); !unknown {
			if !inner.IsObject() {
				fail(Environment, "environment must be a map of strings, not %s", inner.TypeString())
			} else {
				for _, name := range inner.ObjectValue().StableKeys() {
					ev := inner.ObjectValue()[name]
					if !run.ValidEnvName(string(name)) {
						fail(Environment+"."+string(name), "environment variable name %q is not a valid shell identifier", name)
					}
					if evi, _, unk := peel(ev); !unk && !evi.IsString() && !evi.IsNull() {
						fail(Environment+"."+string(name), "environment values must be strings, not %s", evi.TypeString())
					}
				}
			}
		}
	}

	if v, ok := out[Triggers]; ok && !v.IsNull() {
		if inner, _, unknown := peel(v); !unknown && !inner.IsArray() {
			fail(Triggers, "triggers must be a list, not %s", inner.TypeString())
		}
	}

	if v, ok := out[Logging]; ok && !v.IsNull() {
		if inner, _, unknown := peel(v); !unknown && (!inner.IsString() || !validLogMode(inner.StringValue())) {
			fail(Logging, `logging must be one of "stdout", "stderr", "stdoutAndStderr", "none"`)
		}
	}

	if v, ok := out[AddPreviousOutputInEnv]; !ok || v.IsNull() {
		out[AddPreviousOutputInEnv] = resource.NewBoolProperty(true)
	} else if inner, _, unknown := peel(v); !unknown && !inner.IsBool() {
		fail(AddPreviousOutputInEnv, "addPreviousOutputInEnv must be a boolean, not %s", inner.TypeString())
	}

	return out, fails
}

func checkConnection(v resource.PropertyValue, fail func(string, string, ...any)) resource.PropertyValue {
	inner, _, unknown := peel(v)
	if unknown {
		return resource.MakeSecret(inner)
	}
	if !inner.IsObject() {
		fail(Connection, "connection must be an object, not %s", inner.TypeString())
		return v
	}
	obj := inner.ObjectValue().Copy()
	path := func(k string) string { return Connection + "." + k }

	for _, k := range obj.StableKeys() {
		key := string(k)
		if strings.HasPrefix(key, "__") || obj[k].IsNull() {
			continue
		}
		switch key {
		case "proxy":
			fail(path(key), "connection.proxy (bastion hosts) is not supported: %s", subsetNote)
		case "agentSocketPath":
			fail(path(key), "connection.agentSocketPath (ssh-agent) is not supported: %s", subsetNote)
		default:
			known := false
			for _, c := range connectionKeys {
				known = known || c == key
			}
			if !known {
				fail(path(key), "connection property %q is not supported: %s", key, subsetNote)
			}
		}
	}

	str := func(k string) (string, bool) { // value, known
		v, ok := obj[resource.PropertyKey(k)]
		if !ok || v.IsNull() {
			return "", true
		}
		in, _, unk := peel(v)
		if unk {
			return "", false
		}
		if !in.IsString() {
			fail(path(k), "%s must be a string, not %s", path(k), in.TypeString())
			return "", true
		}
		return in.StringValue(), true
	}
	defaultNum := func(k string, def float64, min float64) {
		pk := resource.PropertyKey(k)
		v, ok := obj[pk]
		if !ok || v.IsNull() {
			obj[pk] = resource.NewNumberProperty(def)
			return
		}
		in, _, unk := peel(v)
		if unk {
			return
		}
		if !in.IsNumber() || in.NumberValue() != math.Trunc(in.NumberValue()) || in.NumberValue() < min {
			fail(path(k), "%s must be an integer >= %v", path(k), min)
		}
	}

	if host, known := str(ConnHost); known && host == "" {
		fail(path(ConnHost), "missing required property 'connection.host'")
	}
	defaultNum(ConnPort, sshconn.DefaultPort, 1)
	if p, ok := obj[ConnPort]; ok && p.IsNumber() && p.NumberValue() > 65535 {
		fail(path(ConnPort), "connection.port must be <= 65535")
	}
	if _, ok := obj[ConnUser]; !ok || obj[ConnUser].IsNull() {
		obj[ConnUser] = resource.NewStringProperty(sshconn.DefaultUser)
	}
	str(ConnUser)
	defaultNum(ConnDialErrorLimit, sshconn.DefaultDialErrorLimit, -1)
	defaultNum(ConnPerDialTimeout, sshconn.DefaultPerDialTimeout, 0)

	key, keyKnown := str(ConnPrivateKey)
	pass, passKnown := str(ConnPrivateKeyPassword)
	pw, pwKnown := str(ConnPassword)
	if keyKnown && key != "" && passKnown {
		// Reject an unusable key now rather than after the dependencies ran.
		if _, err := sshconn.ParsePrivateKey(key, pass); err != nil {
			fail(path(ConnPrivateKey), "%v", err)
		}
	}
	if keyKnown && pwKnown && key == "" && pw == "" {
		fail(Connection, "connection needs privateKey or password (ssh-agent is not supported: %s)", subsetNote)
	}
	if hk, known := str(ConnHostKey); known && hk != "" {
		if _, err := sshconn.ParseHostKey(hk); err != nil {
			fail(path(ConnHostKey), "%v", err)
		}
	}
	return resource.MakeSecret(resource.NewObjectProperty(obj))
}
