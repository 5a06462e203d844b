// Package diff decides what a change to a Command's inputs means: nothing,
// an in-place update (which runs `update`), or a replacement (which runs
// `delete` on the old resource and `create` on the new one).
//
// Rules:
//   - triggers changed                                   → replace
//   - create, stdin, environment or connection changed   → replace when the
//     new inputs have no `update` command, else update in place (the
//     `update` command is how the program says "re-running me is fine")
//   - update, delete, logging, addPreviousOutputInEnv    → update in place
//
// A property whose new value contains unknowns counts as changed: its final
// value may differ, and saying "no change" would skip a needed run.
// Secretness alone is not a change: only values are compared.
package diff

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/command/internal/spec"
)

// Kind is how one property changed.
type Kind int

const (
	Add Kind = iota
	Delete
	Update
)

// Property is one changed top-level input.
type Property struct {
	Kind    Kind
	Replace bool
}

// Result is the decision for a whole resource.
type Result struct {
	// Changed lists changed inputs in spec.InputKeys order.
	Changed []string
	// Replaces is the subset of Changed that forces replacement.
	Replaces []string
	// Detail has one entry per changed input.
	Detail map[string]Property
}

// HasChanges reports whether anything changed.
func (r Result) HasChanges() bool { return len(r.Changed) > 0 }

// replaceUnlessUpdate are the inputs that define what the create command
// does; without an update command, changing them means creating again.
var replaceUnlessUpdate = map[string]bool{
	spec.Create: true, spec.Stdin: true, spec.Environment: true, spec.Connection: true,
}

// Compute diffs the old state (or old inputs) against the new, checked
// inputs. Only input keys are compared; stdout/stderr in olds are ignored.
func Compute(olds, news resource.PropertyMap) Result {
	res := Result{Detail: map[string]Property{}}
	updateSet := HasUpdateCommand(news)
	for _, key := range spec.InputKeys {
		oldV, oldOK := present(olds, key)
		newV, newOK := present(news, key)
		var kind Kind
		switch {
		case !oldOK && !newOK:
			continue
		case !oldOK:
			kind = Add
		case !newOK:
			kind = Delete
		case newV.ContainsUnknowns():
			kind = Update
		case spec.Plain(oldV).DeepEquals(spec.Plain(newV)):
			continue
		default:
			kind = Update
		}
		replace := key == spec.Triggers || (replaceUnlessUpdate[key] && !updateSet)
		res.Changed = append(res.Changed, key)
		if replace {
			res.Replaces = append(res.Replaces, key)
		}
		res.Detail[key] = Property{Kind: kind, Replace: replace}
	}
	return res
}

// HasUpdateCommand reports whether props set a non-empty `update`. An
// unknown `update` counts as set: the engine diffs again with known values
// before it applies anything.
func HasUpdateCommand(props resource.PropertyMap) bool {
	v, ok := present(props, spec.Update)
	if !ok {
		return false
	}
	if v.ContainsUnknowns() {
		return true
	}
	p := spec.Plain(v)
	return p.IsString() && p.StringValue() != ""
}

// present treats a missing key and an explicit null alike.
func present(m resource.PropertyMap, key string) (resource.PropertyValue, bool) {
	v, ok := m[resource.PropertyKey(key)]
	if !ok || v.IsNull() {
		return v, false
	}
	return v, true
}
