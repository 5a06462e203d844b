package spec

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/command/internal/sshconn"
)

// Command is a decoded, fully known resource state: inputs, plus stdout and
// stderr when decoding stored outputs. Optional strings are pointers
// because upstream tells "unset" from "": an empty `update` runs "" rather
// than falling back to `create`.
type Command struct {
	Create, Update, Delete *string
	Stdin                  string
	Environment            map[string]string
	Logging                LogMode
	// AddPreviousOutputInEnv is true when unset, as upstream.
	AddPreviousOutputInEnv bool
	Stdout, Stderr         string

	// command:local:Command only.
	Interpreter []string
	Dir         *string

	// command:remote:Command only.
	Conn sshconn.Config
}

// EnvVar is one environment variable for a command.
type EnvVar struct {
	Name  string
	Value string
}

// Decode reads props for execution. Unknown values are an error: the
// engine only asks for real (non-preview) operations once inputs resolved.
func Decode(token string, props resource.PropertyMap) (Command, error) {
	d := decoder{}
	c := Command{AddPreviousOutputInEnv: true}

	c.Create = d.str(props, Create, Create)
	c.Update = d.str(props, Update, Update)
	c.Delete = d.str(props, Delete, Delete)
	c.Stdin = deref(d.str(props, Stdin, Stdin))
	c.Stdout = deref(d.str(props, Stdout, Stdout))
	c.Stderr = deref(d.str(props, Stderr, Stderr))
	c.Logging = LogMode(deref(d.str(props, Logging, Logging)))
	if b := d.known(props, AddPreviousOutputInEnv, AddPreviousOutputInEnv); b != nil {
		if !b.IsBool() {
			d.setErr(fmt.Errorf("%s must be a boolean", AddPreviousOutputInEnv))
		} else {
			c.AddPreviousOutputInEnv = b.BoolValue()
		}
	}
	if env := d.known(props, Environment, Environment); env != nil {
		if !env.IsObject() {
			d.setErr(fmt.Errorf("%s must be a map of strings", Environment))
		} else {
			c.Environment = map[string]string{}
			for k := range env.ObjectValue() {
				if v := d.str(env.ObjectValue(), string(k), Environment+"."+string(k)); v != nil {
					c.Environment[string(k)] = *v
				}
			}
		}
	}

	switch token {
	case LocalToken:
		c.Dir = d.str(props, Dir, Dir)
		if arr := d.known(props, Interpreter, Interpreter); arr != nil {
			if !arr.IsArray() {
				d.setErr(fmt.Errorf("%s must be a list of strings", Interpreter))
			} else {
				for i, e := range arr.ArrayValue() {
					m := resource.PropertyMap{"e": e}
					c.Interpreter = append(c.Interpreter, deref(d.str(m, "e", fmt.Sprintf("%s[%d]", Interpreter, i))))
				}
			}
		}
	case RemoteToken:
		conn := d.known(props, Connection, Connection)
		if conn == nil || !conn.IsObject() {
			d.setErr(fmt.Errorf("missing required property '%s'", Connection))
			break
		}
		co := conn.ObjectValue()
		p := func(k string) string { return Connection + "." + k }
		c.Conn = sshconn.Config{
			Host:               deref(d.str(co, ConnHost, p(ConnHost))),
			Port:               d.num(co, ConnPort, p(ConnPort), DefaultPort),
			User:               DefaultUser,
			Password:           d.str(co, ConnPassword, p(ConnPassword)),
			PrivateKey:         d.str(co, ConnPrivateKey, p(ConnPrivateKey)),
			PrivateKeyPassword: d.str(co, ConnPrivateKeyPassword, p(ConnPrivateKeyPassword)),
			AgentSocketPath:    d.str(co, ConnAgentSocketPath, p(ConnAgentSocketPath)),
			HostKey:            d.str(co, ConnHostKey, p(ConnHostKey)),
			DialErrorLimit:     d.num(co, ConnDialErrorLimit, p(ConnDialErrorLimit), DefaultDialErrorLimit),
			PerDialTimeout:     d.num(co, ConnPerDialTimeout, p(ConnPerDialTimeout), DefaultPerDialTimeout),
		}
		if u := d.str(co, ConnUser, p(ConnUser)); u != nil {
			c.Conn.User = *u
		}
	default:
		d.setErr(fmt.Errorf("unknown resource type %q", token))
	}
	return c, d.err
}

// Env is the user's environment in a stable order.
func (c Command) Env() []EnvVar {
	names := make([]string, 0, len(c.Environment))
	for k := range c.Environment {
		names = append(names, k)
	}
	sort.Strings(names)
	vars := make([]EnvVar, 0, len(names))
	for _, k := range names {
		vars = append(vars, EnvVar{Name: k, Value: c.Environment[k]})
	}
	return vars
}

// PreviousOutputEnv is PULUMI_COMMAND_STDOUT/STDERR from the outputs held
// in c (the previous create/update), when addPreviousOutputInEnv allows and
// the output is not empty — upstream's rule. On create there are no
// previous outputs, so nothing is set.
func (c Command) PreviousOutputEnv() []EnvVar {
	if !c.AddPreviousOutputInEnv {
		return nil
	}
	var vars []EnvVar
	if c.Stdout != "" {
		vars = append(vars, EnvVar{Name: EnvPrevStdout, Value: c.Stdout})
	}
	if c.Stderr != "" {
		vars = append(vars, EnvVar{Name: EnvPrevStderr, Value: c.Stderr})
	}
	return vars
}

type decoder struct{ err error }

func (d *decoder) setErr(err error) {
	if d.err == nil {
		d.err = err
	}
}

// known returns the unwrapped value of m[k], or nil when absent or null;
// an unknown value is an error.
func (d *decoder) known(m resource.PropertyMap, k, label string) *resource.PropertyValue {
	v, ok := m[resource.PropertyKey(k)]
	if !ok || v.IsNull() {
		return nil
	}
	in, _, unknown := peel(v)
	if unknown {
		d.setErr(fmt.Errorf("%s is not known yet", label))
		return nil
	}
	if in.IsNull() {
		return nil
	}
	return &in
}

func (d *decoder) str(m resource.PropertyMap, k, label string) *string {
	v := d.known(m, k, label)
	if v == nil {
		return nil
	}
	if !v.IsString() {
		d.setErr(fmt.Errorf("%s must be a string", label))
		return nil
	}
	s := v.StringValue()
	return &s
}

func (d *decoder) num(m resource.PropertyMap, k, label string, def int) int {
	v := d.known(m, k, label)
	if v == nil {
		return def
	}
	if !v.IsNumber() {
		d.setErr(fmt.Errorf("%s must be a number", label))
		return def
	}
	return int(v.NumberValue())
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
