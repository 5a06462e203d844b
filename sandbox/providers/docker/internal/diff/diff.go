// Package diff decides, per top-level property, whether the new inputs differ from the old
// state and whether the difference replaces the resource. It follows the Terraform bridge
// that upstream runs on: the new inputs are compared with the old STATE (what the provider
// read back from Docker after the last create, update or refresh), with Terraform's rules
// for each attribute:
//
//   - an optional+computed property left out of the inputs keeps the state's value (no diff);
//   - any other property left out counts as its zero value ("", 0, false, empty), so a state
//     value that is zero as well shows no diff, and anything else is a removal;
//   - sets compare without regard to order, lists element by element, nested objects field
//     by field with the same rules (a nested default stands in for a missing value);
//   - a property's DiffSuppressFunc (schema.Field.Suppress) can declare a difference void.
//
// So a value the program sets that Docker reports back differently ("60s" read back as
// "1m0s") is a diff on every preview, exactly as upstream shows it.
package diff

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"xingrin.invalid/providers/docker/internal/props"
	"xingrin.invalid/providers/docker/internal/schema"
)

// Result is a computed diff.
type Result struct {
	Diffs    []string // changed top-level properties, sorted
	Replaces []string // the subset of Diffs that force a replacement
	Detailed map[string]pulumirpc.PropertyDiff_Kind
	// DeleteBeforeReplace: the replacement must remove the old object first (upstream sets
	// it for containers: two containers cannot share a name).
	DeleteBeforeReplace bool
}

// Changed reports whether anything differs.
func (r Result) Changed() bool { return len(r.Diffs) > 0 }

// Response renders the result for the engine.
func (r Result) Response() *pulumirpc.DiffResponse {
	resp := &pulumirpc.DiffResponse{
		Changes:             pulumirpc.DiffResponse_DIFF_NONE,
		Diffs:               r.Diffs,
		Replaces:            r.Replaces,
		DeleteBeforeReplace: r.DeleteBeforeReplace,
		HasDetailedDiff:     true,
		DetailedDiff:        map[string]*pulumirpc.PropertyDiff{},
	}
	if r.Changed() {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	for k, kind := range r.Detailed {
		// InputDiff false: the comparison is with the old state, as the bridge's is.
		resp.DetailedDiff[k] = &pulumirpc.PropertyDiff{Kind: kind}
	}
	return resp
}

// Compute compares the new (checked) inputs with the old state over the resource's
// properties. An unknown new value counts as a change: it may well differ once known, and a
// preview must not promise "no change" for it. Keys outside the schema (computed outputs,
// the defaults list) are not compared.
func Compute(r *schema.Resource, state, news resource.PropertyMap) Result {
	res := Result{Detailed: map[string]pulumirpc.PropertyDiff_Kind{}}
	for _, key := range schema.Names(r.Fields) {
		f := r.Fields[key]
		o, n := state[resource.PropertyKey(key)], news[resource.PropertyKey(key)]
		if !Changed(f, o, n) {
			continue
		}
		kind := pulumirpc.PropertyDiff_UPDATE
		if !hasUnknown(n) {
			switch {
			case plain(o) == nil:
				kind = pulumirpc.PropertyDiff_ADD
			case plain(n) == nil:
				kind = pulumirpc.PropertyDiff_DELETE
			}
		}
		if f.Replace {
			kind = replaceKind(kind)
			res.Replaces = append(res.Replaces, key)
		}
		res.Diffs = append(res.Diffs, key)
		res.Detailed[key] = kind
	}
	res.DeleteBeforeReplace = len(res.Replaces) > 0 && (r.DeleteBeforeReplace || r.ExplicitName(news))
	return res
}

// Changed reports whether input n changes state value o of property f.
func Changed(f *schema.Field, o, n resource.PropertyValue) bool {
	if hasUnknown(n) {
		return true
	}
	po, pn := plain(o), plain(n)
	if pn == nil && f.Computed {
		return false
	}
	if f.Suppress != nil && f.Suppress(po, pn) {
		return false
	}
	return !Equal(f, po, pn)
}

func replaceKind(k pulumirpc.PropertyDiff_Kind) pulumirpc.PropertyDiff_Kind {
	switch k {
	case pulumirpc.PropertyDiff_ADD:
		return pulumirpc.PropertyDiff_ADD_REPLACE
	case pulumirpc.PropertyDiff_DELETE:
		return pulumirpc.PropertyDiff_DELETE_REPLACE
	default:
		return pulumirpc.PropertyDiff_UPDATE_REPLACE
	}
}

func hasUnknown(v resource.PropertyValue) bool {
	_, err := props.Plain("", v)
	var unknown *props.ErrUnknown
	return errors.As(err, &unknown)
}

// plain is v as plain data with secrets unwrapped (nil for null, absent or unconvertible).
func plain(v resource.PropertyValue) any {
	p, err := props.Plain("", v)
	if err != nil {
		return nil
	}
	return p
}

// Equal compares a state value with an input value of field f, both plain (nil = absent),
// by Terraform's rules: absent equals the zero value, sets ignore order.
func Equal(f *schema.Field, state, input any) bool {
	switch f.Kind {
	case schema.String:
		return str(state) == str(input)
	case schema.Bool:
		return boolean(state) == boolean(input)
	case schema.Number:
		return num(state) == num(input)
	case schema.StringList:
		a, b := list(state), list(input)
		if f.Set {
			return sameSet(a, b, func(x, y any) bool { return str(x) == str(y) })
		}
		return sameList(a, b, func(x, y any) bool { return str(x) == str(y) })
	case schema.StringMap:
		a, b := object(state), object(input)
		if len(a) != len(b) {
			return false
		}
		for k, v := range a {
			w, ok := b[k]
			if !ok || str(v) != str(w) {
				return false
			}
		}
		return true
	case schema.Object:
		if state == nil && input == nil {
			return true
		}
		if (state == nil) != (input == nil) {
			return isZero(state) && isZero(input)
		}
		return equalObject(f.Fields, object(state), object(input))
	case schema.ObjectList:
		a, b := list(state), list(input)
		eq := func(x, y any) bool { return equalObject(f.Fields, object(x), object(y)) }
		if f.Set {
			return sameSet(a, b, eq)
		}
		return sameList(a, b, eq)
	default: // Any
		if isZero(state) && isZero(input) {
			return true
		}
		return fmt.Sprint(state) == fmt.Sprint(input)
	}
}

// equalObject compares the members of a nested object (state a, input b) field by field.
func equalObject(fields map[string]*schema.Field, a, b map[string]any) bool {
	for name, f := range fields {
		sv, iv := a[name], b[name]
		if iv == nil {
			if f.Computed {
				continue
			}
			iv = f.Default
		}
		if !Equal(f, sv, iv) {
			return false
		}
	}
	return true
}

func sameList(a, b []any, eq func(x, y any) bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !eq(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameSet: every element of each side has an equal element on the other (duplicates collapse).
func sameSet(a, b []any, eq func(x, y any) bool) bool {
	contains := func(list []any, x any) bool {
		for _, y := range list {
			if eq(x, y) {
				return true
			}
		}
		return false
	}
	for _, x := range a {
		if !contains(b, x) {
			return false
		}
	}
	for _, y := range b {
		if !contains(a, y) {
			return false
		}
	}
	return true
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case float64:
		return x == 0
	case bool:
		return !x
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) float64 {
	n, _ := v.(float64)
	return n
}

func boolean(v any) bool {
	b, _ := v.(bool)
	return b
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
