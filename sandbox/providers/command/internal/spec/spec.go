// Package spec is the command:remote:Command resource's shape: the
// property names of the @pulumi/command 1.2.1 schema that this provider
// implements, input validation and defaults (Check), and decoding of known
// values for execution.
package spec

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Token is the resource type; it must match the Node SDK's
// Command.__pulumiType so the unchanged program talks to this provider.
const Token = "command:remote:Command"

// Input and output property names, spelled as in the upstream schema.
const (
	Connection             = "connection"
	Create                 = "create"
	Update                 = "update"
	Delete                 = "delete"
	Stdin                  = "stdin"
	Environment            = "environment"
	Triggers               = "triggers"
	Logging                = "logging"
	AddPreviousOutputInEnv = "addPreviousOutputInEnv"

	Stdout = "stdout"
	Stderr = "stderr"
)

// InputKeys is the implemented subset of inputs, in display order.
var InputKeys = []string{
	Connection, Create, Update, Delete, Stdin, Environment, Triggers, Logging, AddPreviousOutputInEnv,
}

// Connection object fields.
const (
	ConnHost               = "host"
	ConnPort               = "port"
	ConnUser               = "user"
	ConnPrivateKey         = "privateKey"
	ConnPrivateKeyPassword = "privateKeyPassword"
	ConnPassword           = "password"
	ConnHostKey            = "hostKey"
	ConnDialErrorLimit     = "dialErrorLimit"
	ConnPerDialTimeout     = "perDialTimeout"
)

var connectionKeys = []string{
	ConnHost, ConnPort, ConnUser, ConnPrivateKey, ConnPrivateKeyPassword, ConnPassword, ConnHostKey,
	ConnDialErrorLimit, ConnPerDialTimeout,
}

// Environment variables carrying the previous run's output (upstream names).
const (
	EnvPrevStdout = "PULUMI_COMMAND_STDOUT"
	EnvPrevStderr = "PULUMI_COMMAND_STDERR"
)

// LogMode is the `logging` input.
type LogMode string

const (
	LogStdout          LogMode = "stdout"
	LogStderr          LogMode = "stderr"
	LogStdoutAndStderr LogMode = "stdoutAndStderr"
	LogNone            LogMode = "none"
)

// Stdout reports whether stdout lines go to the engine log.
func (m LogMode) Stdout() bool { return m == LogStdout || m == LogStdoutAndStderr || m == "" }

// Stderr reports whether stderr lines go to the engine log.
func (m LogMode) Stderr() bool { return m == LogStderr || m == LogStdoutAndStderr || m == "" }

func validLogMode(s string) bool {
	switch LogMode(s) {
	case LogStdout, LogStderr, LogStdoutAndStderr, LogNone:
		return true
	}
	return false
}

func isInputKey(k string) bool {
	for _, x := range InputKeys {
		if x == k {
			return true
		}
	}
	return false
}

// peel strips secret (and known-output) wrappers, reporting whether the
// value is secret and whether it is unknown.
func peel(v resource.PropertyValue) (inner resource.PropertyValue, secret, unknown bool) {
	for {
		switch {
		case v.IsSecret():
			secret = true
			v = v.SecretValue().Element
		case v.IsComputed():
			return v, secret, true
		case v.IsOutput():
			o := v.OutputValue()
			secret = secret || o.Secret
			if !o.Known {
				return v, secret, true
			}
			v = o.Element
		default:
			return v, secret, false
		}
	}
}

// Plain returns v with all secret wrappers removed at every depth, for
// comparing values regardless of secretness.
func Plain(v resource.PropertyValue) resource.PropertyValue {
	inner, _, unknown := peel(v)
	if unknown {
		return inner
	}
	switch {
	case inner.IsArray():
		arr := inner.ArrayValue()
		out := make([]resource.PropertyValue, len(arr))
		for i, e := range arr {
			out[i] = Plain(e)
		}
		return resource.NewArrayProperty(out)
	case inner.IsObject():
		out := resource.PropertyMap{}
		for k, e := range inner.ObjectValue() {
			if !e.IsNull() {
				out[k] = Plain(e)
			}
		}
		return resource.NewObjectProperty(out)
	}
	return inner
}
