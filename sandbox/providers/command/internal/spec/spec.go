// Package spec is the shape of the two resources this provider serves,
// command:local:Command and command:remote:Command: the property names of
// the @pulumi/command 1.2.1 schema that are implemented, input validation
// and defaults (Check), and decoding of known values for execution.
package spec

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Resource type tokens; they must match the Node SDK's __pulumiType so the
// unchanged program talks to this provider.
const (
	LocalToken  = "command:local:Command"
	RemoteToken = "command:remote:Command"
)

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
	Interpreter            = "interpreter"
	Dir                    = "dir"

	Stdout = "stdout"
	Stderr = "stderr"
)

// localUnimplemented are inputs upstream's command:local:Command has and
// this provider does not implement: Check names them instead of ignoring
// them. (connection.proxy is the remote counterpart, see check.go.)
var localUnimplemented = []string{"assetPaths", "archivePaths"}

// commonKeys are the inputs both resources share.
var commonKeys = []string{Create, Update, Delete, Stdin, Environment, Triggers, Logging, AddPreviousOutputInEnv}

// InputKeys returns the implemented inputs of the resource type token.
func InputKeys(token string) []string {
	switch token {
	case RemoteToken:
		return append([]string{Connection}, commonKeys...)
	case LocalToken:
		return append(append([]string{}, commonKeys...), Interpreter, Dir)
	}
	return nil
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
	ConnAgentSocketPath    = "agentSocketPath"
	ConnDialErrorLimit     = "dialErrorLimit"
	ConnPerDialTimeout     = "perDialTimeout"
	ConnProxy              = "proxy"
)

var connectionKeys = []string{
	ConnHost, ConnPort, ConnUser, ConnPrivateKey, ConnPrivateKeyPassword, ConnPassword, ConnHostKey,
	ConnAgentSocketPath, ConnDialErrorLimit, ConnPerDialTimeout,
}

// CredentialFields are the connection fields upstream marks secret
// (`provider:"secret"`), each on its own as well as inside the secret
// connection object.
var CredentialFields = []string{ConnPassword, ConnPrivateKey, ConnPrivateKeyPassword}

// Environment variables carrying the previous run's output (upstream names).
const (
	EnvPrevStdout = "PULUMI_COMMAND_STDOUT"
	EnvPrevStderr = "PULUMI_COMMAND_STDERR"
)

// LogMode is the `logging` input; "" means unset.
type LogMode string

const (
	LogStdout          LogMode = "stdout"
	LogStderr          LogMode = "stderr"
	LogStdoutAndStderr LogMode = "stdoutAndStderr"
	LogNone            LogMode = "none"
)

// Stdout reports whether stdout lines go to the engine log. As upstream:
// unset logs both, and a value outside the enum logs neither (upstream does
// not validate the enum).
func (m LogMode) Stdout() bool { return m == "" || m == LogStdout || m == LogStdoutAndStderr }

// Stderr reports whether stderr lines go to the engine log.
func (m LogMode) Stderr() bool { return m == "" || m == LogStderr || m == LogStdoutAndStderr }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
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

// IsUnknown reports whether v itself (under any secret wrapper) is unknown.
func IsUnknown(v resource.PropertyValue) bool {
	_, _, unknown := peel(v)
	return unknown
}
