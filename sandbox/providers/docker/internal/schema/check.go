package schema

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/docker/internal/props"
)

// Failure is one reason Check rejects the inputs, for the engine's CheckFailure.
type Failure struct {
	Property string // path such as "ports[0].protocol"
	Reason   string
}

// subsetNote ends every "unsupported" message: the operator must learn that the property
// is valid pulumi-docker, just not implemented by this stand-in provider.
const subsetNote = "this offline docker provider implements only a subset of pulumi-docker 5.2.0"

// Check validates news against the resource's subset and applies defaults. It returns the
// inputs to store (secrets and unknowns left as they came, defaults added, and DefaultsKey
// naming the top-level properties that were defaulted) and the failures. Unknown values
// (previews) pass: they are checked once known.
func (r *Resource) Check(news resource.PropertyMap) (resource.PropertyMap, []Failure) {
	c := &checker{}
	out := c.object("", r.Fields, news)
	defaulted := make([]resource.PropertyValue, 0, len(c.topDefaults))
	for _, k := range c.topDefaults {
		defaulted = append(defaulted, resource.NewStringProperty(k))
	}
	out[DefaultsKey] = resource.NewArrayProperty(defaulted)
	sort.Slice(c.failures, func(i, j int) bool { return c.failures[i].Property < c.failures[j].Property })
	return out, c.failures
}

type checker struct {
	failures    []Failure
	topDefaults []string // top-level keys set from a default, sorted
}

func (c *checker) fail(path, format string, args ...any) {
	c.failures = append(c.failures, Failure{Property: path, Reason: fmt.Sprintf(format, args...)})
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// object checks the members of one object and returns it with defaults applied.
func (c *checker) object(path string, fields map[string]*Field, m resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for _, k := range m.StableKeys() {
		key, v := string(k), m[k]
		p := join(path, key)
		if path == "" && strings.HasPrefix(key, "__") { // the engine's and the bridge's bookkeeping
			continue
		}
		f, ok := fields[key]
		if !ok {
			if props.IsNull(v) {
				continue
			}
			c.fail(p, "property %q is not supported: %s (supported here: %s)", p, subsetNote,
				strings.Join(Names(fields), ", "))
			continue
		}
		out[k] = c.value(p, f, v)
	}
	for _, key := range Names(fields) {
		f, k := fields[key], resource.PropertyKey(key)
		if v, ok := out[k]; ok && !props.IsNull(v) {
			continue
		}
		switch {
		case f.Required:
			c.fail(join(path, key), "missing required property %q", join(path, key))
		case f.Default != nil:
			out[k] = resource.NewPropertyValue(f.Default)
			if path == "" {
				c.topDefaults = append(c.topDefaults, key)
			}
		}
	}
	return out
}

// value checks one value against its field. Secrets are checked inside and re-wrapped, so
// a secret stays secret in the checked inputs.
func (c *checker) value(path string, f *Field, v resource.PropertyValue) resource.PropertyValue {
	if v.IsSecret() {
		return resource.MakeSecret(c.value(path, f, v.SecretValue().Element))
	}
	inner, _, known := props.Unwrap(v)
	if !known || inner.IsNull() {
		return v
	}
	if v.IsOutput() { // a known output value: check what it holds, keep it secret if it was
		_, secret, _ := props.Unwrap(v)
		checked := c.value(path, f, inner)
		if secret {
			checked = resource.MakeSecret(checked)
		}
		return checked
	}

	ok := true
	switch f.Kind {
	case String:
		ok = v.IsString()
		if ok && len(f.OneOf) > 0 && !contains(f.OneOf, v.StringValue()) {
			c.fail(path, "%s must be one of %s, not %q", path, strings.Join(f.OneOf, ", "), v.StringValue())
			return v
		}
	case Bool:
		ok = v.IsBool()
	case Number:
		ok = v.IsNumber()
	case StringList:
		ok = v.IsArray()
		if ok {
			for i, e := range v.ArrayValue() {
				c.scalar(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	case StringMap:
		ok = v.IsObject()
		if ok {
			for _, k := range v.ObjectValue().StableKeys() {
				c.scalar(join(path, string(k)), v.ObjectValue()[k])
			}
		}
	case Object:
		if !v.IsObject() {
			ok = false
			break
		}
		v = resource.NewObjectProperty(c.object(path, f.Fields, v.ObjectValue()))
	case ObjectList:
		if !v.IsArray() {
			ok = false
			break
		}
		elems := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			elems[i] = c.element(fmt.Sprintf("%s[%d]", path, i), f.Fields, e)
		}
		v = resource.NewArrayProperty(elems)
	}
	if !ok {
		c.fail(path, "%s must be %s, not %s", path, f.Kind, v.TypeString())
		return v
	}
	if f.Only != nil || f.Validate != nil {
		plain, err := props.Plain(path, v)
		if err != nil { // holds an unknown: checked once known
			return v
		}
		if f.Only != nil && !reflect.DeepEqual(plain, f.Only) {
			c.fail(path, "%s = %v is not supported: %s (only %v is)", path, plain, subsetNote, f.Only)
		}
		if f.Validate != nil {
			if reason := f.Validate(plain); reason != "" {
				c.fail(path, "%s: %s", path, reason)
			}
		}
	}
	return v
}

// element checks one object of an ObjectList (it may itself be secret or unknown).
func (c *checker) element(path string, fields map[string]*Field, e resource.PropertyValue) resource.PropertyValue {
	if e.IsSecret() {
		return resource.MakeSecret(c.element(path, fields, e.SecretValue().Element))
	}
	inner, _, known := props.Unwrap(e)
	if !known {
		return e
	}
	if !inner.IsObject() {
		c.fail(path, "%s must be an object, not %s", path, inner.TypeString())
		return e
	}
	return resource.NewObjectProperty(c.object(path, fields, inner.ObjectValue()))
}

// scalar checks a member of a StringList or StringMap. Numbers and booleans are refused
// rather than converted: the SDK's types say string.
func (c *checker) scalar(path string, e resource.PropertyValue) {
	inner, _, known := props.Unwrap(e)
	if known && !inner.IsString() {
		c.fail(path, "%s must be a string, not %s", path, inner.TypeString())
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
