// Package props converts between the engine's property values and plain Go data.
//
// The engine sends inputs with secrets and unknowns marked (the provider asks for both).
// Resource code works on plain data with secrets unwrapped; outputs are built from the
// engine's own input map so that whatever was secret going in stays secret coming out,
// at the same nesting.
package props

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Unwrap strips secret and (known) output wrappers. known is false for an unknown value
// (a computed value, or an output whose value is not yet known).
func Unwrap(v resource.PropertyValue) (inner resource.PropertyValue, secret bool, known bool) {
	for {
		switch {
		case v.IsSecret():
			secret = true
			v = v.SecretValue().Element
		case v.IsOutput():
			o := v.OutputValue()
			if o.Secret {
				secret = true
			}
			if !o.Known {
				return v, secret, false
			}
			v = o.Element
		case v.IsComputed():
			return v, secret, false
		default:
			return v, secret, true
		}
	}
}

// IsNull reports a value that counts as "not set": absent, null, or a secret/output of null.
func IsNull(v resource.PropertyValue) bool {
	inner, _, known := Unwrap(v)
	return known && inner.IsNull()
}

// ErrUnknown is returned when plain data is needed but a value is not known yet.
type ErrUnknown struct{ Path string }

func (e *ErrUnknown) Error() string {
	return fmt.Sprintf("property %s is not known yet (unknown values are only valid in a preview)", e.Path)
}

// Plain converts a value to plain Go data (string, float64, bool, nil, []any,
// map[string]any) with secrets unwrapped. Unknown values are an *ErrUnknown.
func Plain(path string, v resource.PropertyValue) (any, error) {
	inner, _, known := Unwrap(v)
	if !known {
		return nil, &ErrUnknown{Path: path}
	}
	switch {
	case inner.IsNull():
		return nil, nil
	case inner.IsString():
		return inner.StringValue(), nil
	case inner.IsNumber():
		return inner.NumberValue(), nil
	case inner.IsBool():
		return inner.BoolValue(), nil
	case inner.IsArray():
		arr := inner.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			p, err := Plain(fmt.Sprintf("%s[%d]", path, i), e)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case inner.IsObject():
		return PlainMap(path, inner.ObjectValue())
	default:
		return nil, fmt.Errorf("property %s: %s values are not supported by this provider", path, inner.TypeString())
	}
}

// PlainMap is Plain for a whole property map; null members are dropped.
func PlainMap(path string, m resource.PropertyMap) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		p := string(k)
		if path != "" {
			p = path + "." + p
		}
		pv, err := Plain(p, v)
		if err != nil {
			return nil, err
		}
		if pv != nil {
			out[string(k)] = pv
		}
	}
	return out, nil
}

// Decode fills out (a pointer to a struct with json tags) from a property map, secrets
// unwrapped. Going through JSON keeps each resource's input type a plain Go struct.
func Decode(m resource.PropertyMap, out any) error {
	plain, err := PlainMap("", m)
	if err != nil {
		return err
	}
	data, err := json.Marshal(plain)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}

// Merge returns a copy of base (secrets and all) with the given plain values set on top.
// Create and Update build their outputs this way: inputs as the engine sent them plus the
// values the provider computed.
func Merge(base resource.PropertyMap, computed map[string]any) resource.PropertyMap {
	out := base.Copy()
	for k, v := range computed {
		out[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
	}
	return out
}

// WithUnknown returns a copy of base where each key is unknown unless base already has it
// (a preview of a create: the provider cannot know what Docker will assign).
func WithUnknown(base resource.PropertyMap, keys ...string) resource.PropertyMap {
	out := base.Copy()
	for _, k := range keys {
		if _, ok := out[resource.PropertyKey(k)]; !ok || IsNull(out[resource.PropertyKey(k)]) {
			out[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewStringProperty(""))
		}
	}
	return out
}

// Pick returns the plain values of keys in m that are known and set (used to carry
// computed outputs of the old state into an update's outputs).
func Pick(m resource.PropertyMap, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		v, ok := m[resource.PropertyKey(k)]
		if !ok {
			continue
		}
		p, err := Plain(k, v)
		if err == nil && p != nil {
			out[k] = p
		}
	}
	return out
}

// KeepSecret marks values of outs secret wherever the same value in ins was secret (at the
// top level, in objects by key, in lists of the same length by position), as the bridge
// carries the secretness of inputs over to the outputs. Values read back from Docker are
// plain; this keeps, say, secret envs or a secret healthcheck secret in the state. outs is
// modified and returned.
func KeepSecret(outs, ins resource.PropertyMap) resource.PropertyMap {
	for k, in := range ins {
		if out, ok := outs[k]; ok {
			outs[k] = keepSecret(out, in)
		}
	}
	return outs
}

func keepSecret(out, in resource.PropertyValue) resource.PropertyValue {
	inner, secret, known := Unwrap(in)
	if secret {
		if out.IsSecret() {
			return out
		}
		return resource.MakeSecret(out)
	}
	if !known || out.IsSecret() || out.IsComputed() || out.IsOutput() {
		return out
	}
	switch {
	case inner.IsObject() && out.IsObject():
		return resource.NewObjectProperty(KeepSecret(out.ObjectValue().Copy(), inner.ObjectValue()))
	case inner.IsArray() && out.IsArray() && len(inner.ArrayValue()) == len(out.ArrayValue()):
		elems := make([]resource.PropertyValue, len(out.ArrayValue()))
		for i, e := range out.ArrayValue() {
			elems[i] = keepSecret(e, inner.ArrayValue()[i])
		}
		return resource.NewArrayProperty(elems)
	}
	return out
}

// RefreshedInputs is the bridge's input extraction on a refresh: every input the program gave
// takes the value the refreshed state now holds (within objects, only the keys the program
// gave; lists element by element), inputs the state no longer has are dropped, and so is the
// defaults list. Secret inputs stay secret.
func RefreshedInputs(oldInputs, state resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, old := range oldInputs {
		if len(k) > 1 && k[0] == '_' && k[1] == '_' {
			continue
		}
		if v, ok := state[k]; ok {
			out[k] = refreshedInput(old, v)
		}
	}
	return out
}

func refreshedInput(old, now resource.PropertyValue) resource.PropertyValue {
	o, secret, known := Unwrap(old)
	n, _, nKnown := Unwrap(now)
	result := n
	switch {
	case !known || !nKnown:
		result = now
	case o.IsObject() && n.IsObject():
		m := resource.PropertyMap{}
		for k, ov := range o.ObjectValue() {
			if nv, ok := n.ObjectValue()[k]; ok {
				m[k] = refreshedInput(ov, nv)
			}
		}
		result = resource.NewObjectProperty(m)
	case o.IsArray() && n.IsArray():
		var elems []resource.PropertyValue
		for i, ov := range o.ArrayValue() {
			if i >= len(n.ArrayValue()) {
				break
			}
			elems = append(elems, refreshedInput(ov, n.ArrayValue()[i]))
		}
		result = resource.NewArrayProperty(elems)
	}
	if secret && !result.IsSecret() {
		return resource.MakeSecret(result)
	}
	return result
}
