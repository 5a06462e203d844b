package spec

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Failure is one Check failure, reported against a property path.
type Failure struct {
	Property string
	Reason   string
}

const standInNote = "this stand-in command provider (sandbox/providers/command) does not implement it"

// Type names as upstream's Check messages print them (the Go types its
// inputs decode into).
const (
	localInputsType  = "local.CommandInputs"
	remoteInputsType = "remote.CommandInputs"
	connectionType   = "remote.Connection"
)

// Check validates new inputs like upstream's Check: the values must decode
// into upstream's input types (unrecognized fields and wrong types are
// failures), and the connection gets its defaults — port 22, user "root",
// dialErrorLimit 10, perDialTimeout 15 — and is marked secret, as are its
// credential fields. Nothing else is defaulted (addPreviousOutputInEnv
// stays absent when unset) and nothing is checked beyond types: a bad key
// or host key fails when the command runs, as upstream. Unknown values
// (preview) pass unchecked. Inputs upstream has and this provider lacks
// are failures that say so.
func Check(token string, news resource.PropertyMap) (resource.PropertyMap, []Failure) {
	c := checker{token: token, out: news.Copy()}
	typeName := localInputsType
	if token == RemoteToken {
		typeName = remoteInputsType
	}
	keys := InputKeys(token)
	for _, k := range news.StableKeys() {
		key := string(k)
		switch {
		case strings.HasPrefix(key, "__"): // engine/SDK-internal keys
		case contains(keys, key):
		case token == LocalToken && contains(localUnimplemented, key):
			c.fail(key, "%s is not supported: %s", key, standInNote)
		default:
			c.fail(key, "Unrecognized field '%s' on '%s'", key, typeName)
		}
	}

	for _, k := range []string{Create, Update, Delete, Stdin} {
		c.want(typeName, k, "string")
	}
	c.want(typeName, Environment, "map[string]string")
	c.want(typeName, Triggers, "[]interface {}")
	c.want(typeName, Logging, "string")
	c.want(typeName, AddPreviousOutputInEnv, "bool")
	if token == LocalToken {
		c.want(typeName, Dir, "string")
		c.want(typeName, Interpreter, "[]string")
	}
	if token == RemoteToken {
		conn, ok := c.out[Connection]
		if !ok || conn.IsNull() {
			c.fail(Connection, "Missing required field '%s' on '%s'", Connection, remoteInputsType)
		} else {
			c.out[Connection] = c.connection(conn)
		}
	}
	return c.out, c.fails
}

type checker struct {
	token string
	out   resource.PropertyMap
	fails []Failure
}

func (c *checker) fail(prop, format string, args ...any) {
	c.fails = append(c.fails, Failure{Property: prop, Reason: fmt.Sprintf(format, args...)})
}

// want checks that m[key], if present and known, has the shape named by
// goType (the upstream field's Go type).
func (c *checker) want(typeName, key, goType string) {
	c.wantIn(c.out, key, key, typeName, goType)
}

func (c *checker) wantIn(m resource.PropertyMap, key, path, typeName, goType string) {
	v, ok := m[resource.PropertyKey(key)]
	if !ok || v.IsNull() {
		return
	}
	inner, _, unknown := peel(v)
	if unknown {
		return
	}
	if !hasShape(inner, goType) {
		c.fail(path, "Field '%s' on '%s' must be a '%s'; got '%s' instead", key, typeName, goType, goTypeOf(inner))
	}
}

// hasShape reports whether a known value decodes into goType; elements
// of collections may be unknown or secret.
func hasShape(v resource.PropertyValue, goType string) bool {
	elem := func(e resource.PropertyValue, want func(resource.PropertyValue) bool) bool {
		in, _, unknown := peel(e)
		return unknown || in.IsNull() || want(in)
	}
	switch goType {
	case "string":
		return v.IsString()
	case "bool":
		return v.IsBool()
	case "float64", "int":
		return v.IsNumber()
	case "[]interface {}":
		return v.IsArray()
	case "[]string":
		if !v.IsArray() {
			return false
		}
		for _, e := range v.ArrayValue() {
			if !elem(e, resource.PropertyValue.IsString) {
				return false
			}
		}
		return true
	case "map[string]string":
		if !v.IsObject() {
			return false
		}
		for _, e := range v.ObjectValue() {
			if !elem(e, resource.PropertyValue.IsString) {
				return false
			}
		}
		return true
	}
	return false
}

func goTypeOf(v resource.PropertyValue) string {
	switch {
	case v.IsString():
		return "string"
	case v.IsNumber():
		return "float64"
	case v.IsBool():
		return "bool"
	case v.IsArray():
		return "[]interface {}"
	case v.IsObject():
		return "map[string]interface {}"
	}
	return v.TypeString()
}

// connection checks and defaults the connection object and marks it (and
// its credential fields) secret, as upstream's `provider:"secret"` tags do.
func (c *checker) connection(v resource.PropertyValue) resource.PropertyValue {
	inner, _, unknown := peel(v)
	if unknown {
		return resource.MakeSecret(inner)
	}
	if !inner.IsObject() {
		c.fail(Connection, "Field '%s' on '%s' must be a '%s'; got '%s' instead",
			Connection, remoteInputsType, connectionType, goTypeOf(inner))
		return v
	}
	obj := inner.ObjectValue().Copy()
	path := func(k string) string { return Connection + "." + k }

	for _, k := range obj.StableKeys() {
		key := string(k)
		switch {
		case strings.HasPrefix(key, "__") || obj[k].IsNull():
		case key == ConnProxy:
			c.fail(path(key), "connection.proxy (bastion hosts) is not supported: %s", standInNote)
		case !contains(connectionKeys, key):
			c.fail(path(key), "Unrecognized field '%s' on '%s'", key, connectionType)
		}
	}

	if h, ok := obj[ConnHost]; !ok || h.IsNull() {
		c.fail(path(ConnHost), "Missing required field '%s' on '%s'", ConnHost, connectionType)
	}
	for _, k := range []string{ConnHost, ConnUser, ConnPassword, ConnPrivateKey, ConnPrivateKeyPassword,
		ConnAgentSocketPath, ConnHostKey} {
		c.wantIn(obj, k, path(k), connectionType, "string")
	}
	c.wantIn(obj, ConnPort, path(ConnPort), connectionType, "float64")
	c.wantIn(obj, ConnDialErrorLimit, path(ConnDialErrorLimit), connectionType, "int")
	c.wantIn(obj, ConnPerDialTimeout, path(ConnPerDialTimeout), connectionType, "int")

	def := func(k string, v resource.PropertyValue) {
		if cur, ok := obj[resource.PropertyKey(k)]; !ok || cur.IsNull() {
			obj[resource.PropertyKey(k)] = v
		}
	}
	def(ConnUser, resource.NewStringProperty(DefaultUser))
	def(ConnPort, resource.NewNumberProperty(DefaultPort))
	def(ConnDialErrorLimit, resource.NewNumberProperty(DefaultDialErrorLimit))
	def(ConnPerDialTimeout, resource.NewNumberProperty(DefaultPerDialTimeout))

	for _, k := range CredentialFields {
		if v, ok := obj[resource.PropertyKey(k)]; ok && !v.IsNull() && !v.IsSecret() {
			obj[resource.PropertyKey(k)] = resource.MakeSecret(v)
		}
	}
	return resource.MakeSecret(resource.NewObjectProperty(obj))
}

// Connection defaults, as upstream's schema and Check apply them.
const (
	DefaultPort           = 22
	DefaultUser           = "root"
	DefaultDialErrorLimit = 10
	DefaultPerDialTimeout = 15 // seconds
)
