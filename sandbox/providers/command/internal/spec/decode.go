package spec

import (
	"fmt"
	"sort"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/command/internal/run"
	"xingrin.invalid/providers/command/internal/sshconn"
)

// Command is a decoded, fully known resource state (inputs, plus stdout and
// stderr when decoding stored outputs).
type Command struct {
	Conn                   sshconn.Config
	Create, Update, Delete string // "" means not set
	Stdin                  string
	Environment            map[string]string
	Logging                LogMode
	AddPreviousOutputInEnv bool
	Stdout, Stderr         string
}

// Decode reads props for execution. Unknown values are an error: the
// engine only asks for real (non-preview) operations once inputs resolved.
func Decode(props resource.PropertyMap) (Command, error) {
	c := Command{AddPreviousOutputInEnv: true, Logging: LogStdoutAndStderr}
	var err error
	str := func(m resource.PropertyMap, k, label string) string {
		v, ok := m[resource.PropertyKey(k)]
		if !ok || v.IsNull() || err != nil {
			return ""
		}
		in, _, unknown := peel(v)
		switch {
		case unknown:
			err = fmt.Errorf("%s is not known yet", label)
		case in.IsNull():
		case !in.IsString():
			err = fmt.Errorf("%s must be a string", label)
		default:
			return in.StringValue()
		}
		return ""
	}
	num := func(m resource.PropertyMap, k, label string, def float64) float64 {
		v, ok := m[resource.PropertyKey(k)]
		if !ok || v.IsNull() || err != nil {
			return def
		}
		in, _, unknown := peel(v)
		switch {
		case unknown:
			err = fmt.Errorf("%s is not known yet", label)
		case !in.IsNumber():
			err = fmt.Errorf("%s must be a number", label)
		default:
			return in.NumberValue()
		}
		return def
	}

	cv, ok := props[Connection]
	if !ok || cv.IsNull() {
		return c, fmt.Errorf("missing required property 'connection'")
	}
	conn, _, unknown := peel(cv)
	if unknown {
		return c, fmt.Errorf("connection is not known yet")
	}
	if !conn.IsObject() {
		return c, fmt.Errorf("connection must be an object")
	}
	co := conn.ObjectValue()
	c.Conn = sshconn.Config{
		Host:               str(co, ConnHost, "connection.host"),
		Port:               int(num(co, ConnPort, "connection.port", sshconn.DefaultPort)),
		User:               str(co, ConnUser, "connection.user"),
		PrivateKey:         str(co, ConnPrivateKey, "connection.privateKey"),
		PrivateKeyPassword: str(co, ConnPrivateKeyPassword, "connection.privateKeyPassword"),
		Password:           str(co, ConnPassword, "connection.password"),
		HostKey:            str(co, ConnHostKey, "connection.hostKey"),
		DialErrorLimit:     int(num(co, ConnDialErrorLimit, "connection.dialErrorLimit", sshconn.DefaultDialErrorLimit)),
		PerDialTimeout: time.Duration(num(co, ConnPerDialTimeout, "connection.perDialTimeout",
			sshconn.DefaultPerDialTimeout) * float64(time.Second)),
	}
	if c.Conn.User == "" {
		c.Conn.User = sshconn.DefaultUser
	}

	c.Create = str(props, Create, Create)
	c.Update = str(props, Update, Update)
	c.Delete = str(props, Delete, Delete)
	c.Stdin = str(props, Stdin, Stdin)
	c.Stdout = str(props, Stdout, Stdout)
	c.Stderr = str(props, Stderr, Stderr)
	if l := str(props, Logging, Logging); l != "" {
		c.Logging = LogMode(l)
	}

	if v, ok := props[AddPreviousOutputInEnv]; ok && !v.IsNull() {
		in, _, unknown := peel(v)
		if unknown || !in.IsBool() {
			return c, fmt.Errorf("addPreviousOutputInEnv must be a known boolean")
		}
		c.AddPreviousOutputInEnv = in.BoolValue()
	}

	if v, ok := props[Environment]; ok && !v.IsNull() {
		in, _, unknown := peel(v)
		if unknown || !in.IsObject() {
			return c, fmt.Errorf("environment must be a known map of strings")
		}
		c.Environment = map[string]string{}
		for k := range in.ObjectValue() {
			c.Environment[string(k)] = str(in.ObjectValue(), string(k), "environment."+string(k))
		}
	}
	return c, err
}

// Env returns the variables for a run: the user's environment in a stable
// order, then — when addPreviousOutputInEnv and a previous run exists — the
// previous stdout/stderr under the upstream names.
func (c Command) Env(withPrevious bool) []run.EnvVar {
	names := make([]string, 0, len(c.Environment))
	for k := range c.Environment {
		names = append(names, k)
	}
	sort.Strings(names)
	vars := make([]run.EnvVar, 0, len(names)+2)
	for _, k := range names {
		vars = append(vars, run.EnvVar{Name: k, Value: c.Environment[k]})
	}
	if withPrevious && c.AddPreviousOutputInEnv {
		if c.Stdout != "" {
			vars = append(vars, run.EnvVar{Name: EnvPrevStdout, Value: c.Stdout})
		}
		if c.Stderr != "" {
			vars = append(vars, run.EnvVar{Name: EnvPrevStderr, Value: c.Stderr})
		}
	}
	return vars
}
