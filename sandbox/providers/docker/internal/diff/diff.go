// Package diff decides, per top-level property, whether old and new inputs differ and
// whether the difference replaces the resource. It produces everything the engine's
// DiffResponse needs, so `pulumi preview --diff` shows each changed property with its
// old and new value and says which ones force the replacement.
package diff

import (
	"sort"

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
		// InputDiff: the comparison is between old and new inputs, not old outputs.
		resp.DetailedDiff[k] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	return resp
}

// Compute compares old inputs with new (checked) inputs over the resource's properties.
// An unknown new value counts as a change: it may well differ once known, and a preview
// must not promise "no change" for it.
func Compute(r *schema.Resource, olds, news resource.PropertyMap) Result {
	res := Result{Detailed: map[string]pulumirpc.PropertyDiff_Kind{}}
	keys := make([]string, 0, len(r.Fields))
	for k := range r.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		o, n := olds[resource.PropertyKey(key)], news[resource.PropertyKey(key)]
		if Equal(o, n) {
			continue
		}
		var kind pulumirpc.PropertyDiff_Kind
		switch {
		case !known(n):
			kind = pulumirpc.PropertyDiff_UPDATE
		case props.IsNull(o):
			kind = pulumirpc.PropertyDiff_ADD
		case props.IsNull(n):
			kind = pulumirpc.PropertyDiff_DELETE
		default:
			kind = pulumirpc.PropertyDiff_UPDATE
		}
		if r.Fields[key].Replace {
			kind = replaceKind(kind)
			res.Replaces = append(res.Replaces, key)
		}
		res.Diffs = append(res.Diffs, key)
		res.Detailed[key] = kind
	}
	res.DeleteBeforeReplace = len(res.Replaces) > 0 && (r.DeleteBeforeReplace || r.ExplicitName(news))
	return res
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

func known(v resource.PropertyValue) bool {
	_, _, k := props.Unwrap(v)
	return k
}

// Equal compares two values deeply with secrets unwrapped (turning a value secret is not a
// change to Docker) and absent equal to null. Anything unknown is unequal.
func Equal(a, b resource.PropertyValue) bool {
	a, _, ka := props.Unwrap(a)
	b, _, kb := props.Unwrap(b)
	if !ka || !kb {
		return false
	}
	switch {
	case a.IsNull() || b.IsNull():
		return a.IsNull() && b.IsNull()
	case a.IsString() && b.IsString():
		return a.StringValue() == b.StringValue()
	case a.IsNumber() && b.IsNumber():
		return a.NumberValue() == b.NumberValue()
	case a.IsBool() && b.IsBool():
		return a.BoolValue() == b.BoolValue()
	case a.IsArray() && b.IsArray():
		x, y := a.ArrayValue(), b.ArrayValue()
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case a.IsObject() && b.IsObject():
		x, y := a.ObjectValue(), b.ObjectValue()
		for k, v := range x {
			if !Equal(v, y[k]) {
				return false
			}
		}
		for k, v := range y {
			if _, ok := x[k]; !ok && !props.IsNull(v) {
				return false
			}
		}
		return true
	default:
		return false
	}
}
