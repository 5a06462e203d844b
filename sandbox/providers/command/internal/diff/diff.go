// Package diff decides what a change to a Command's inputs means, with
// upstream command 1.2.1's rules (the default diff of pulumi-go-provider
// v1.3.0's infer package, for a resource that implements Update):
//
//   - the old inputs (as the engine sends them) are compared with the new,
//     checked inputs, property by property and element by element; an
//     unknown new value is a change, and so is a change of secretness alone;
//   - every change is an in-place update, which re-runs `update`, or
//     `create` when `update` is unset — except changes under `triggers`,
//     which replace the resource.
//
// Upstream's provider marks a replacement only when `triggers` itself
// appears or disappears; element changes (`triggers[0]`) become replacements
// in the engine because every SDK registers the resource with
// replaceOnChanges ["triggers[*]"]. Marking them here gives the same
// result.
package diff

import (
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"

	"xingrin.invalid/providers/command/internal/spec"
)

// Result is the decision for a whole resource.
type Result struct {
	// Detail maps each changed property path ("create", "environment.A",
	// "triggers[0]") to its kind; replacing kinds carry the replace flag.
	Detail map[string]plugin.DiffKind
	// Changed lists the changed top-level properties, sorted.
	Changed []string
	// Replaces lists the top-level properties whose change replaces.
	Replaces []string
}

// HasChanges reports whether anything changed.
func (r Result) HasChanges() bool { return len(r.Detail) > 0 }

// Compute diffs oldInputs against news (both as the engine sends them).
// Engine-internal keys ("__…", "version") in news are ignored, as upstream.
func Compute(oldInputs, news resource.PropertyMap) Result {
	news = news.Copy()
	for k := range news {
		if k == "version" || strings.HasPrefix(string(k), "__") {
			delete(news, k)
		}
	}
	res := Result{Detail: map[string]plugin.DiffKind{}}
	changed, replaces := map[string]bool{}, map[string]bool{}
	for path, d := range plugin.NewDetailedDiffFromObjectDiff(oldInputs.Diff(news), false) {
		head := path
		if pp, err := resource.ParsePropertyPath(path); err == nil && len(pp) > 0 {
			if s, ok := pp[0].(string); ok {
				head = s
			}
		}
		kind := d.Kind
		if head == spec.Triggers {
			kind = kind.AsReplace()
			replaces[head] = true
		}
		res.Detail[path] = kind
		changed[head] = true
	}
	res.Changed, res.Replaces = sorted(changed), sorted(replaces)
	return res
}

// OldInputs is what the engine's old inputs would be when it does not send
// them: the input properties of the stored state.
func OldInputs(token string, state resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for _, k := range spec.InputKeys(token) {
		if v, ok := state[resource.PropertyKey(k)]; ok {
			out[resource.PropertyKey(k)] = v
		}
	}
	return out
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
