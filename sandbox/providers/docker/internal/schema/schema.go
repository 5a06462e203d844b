// Package schema describes, per resource, the subset of pulumi-docker's inputs this
// provider implements: which properties exist (at every nesting level), their types,
// defaults, and which top-level properties force a replacement. Check and Diff are both
// driven by it, so "supported", "defaulted" and "replaces" are stated once per resource.
package schema

import "sort"

// Kind is the shape of a property value.
type Kind int

const (
	String Kind = iota
	Bool
	Number
	StringList // list of strings
	StringMap  // map of string to string
	Object     // nested object with Fields
	ObjectList // list of nested objects with Fields
	Any        // any value, not checked (e.g. an image's `triggers`)
)

func (k Kind) String() string {
	switch k {
	case String:
		return "a string"
	case Bool:
		return "a boolean"
	case Number:
		return "a number"
	case StringList:
		return "a list of strings"
	case StringMap:
		return "a map of strings"
	case Object:
		return "an object"
	case ObjectList:
		return "a list of objects"
	case Any:
		return "any value"
	}
	return "?"
}

// Field is one property.
type Field struct {
	Kind     Kind
	Required bool
	// Default is set by Check when the property is absent (nil: no default). Plain Go value.
	Default any
	// OneOf limits a string to these values.
	OneOf []string
	// Validate checks a known, correctly typed plain value; it returns a reason or "".
	Validate func(v any) string
	// Fields are the members of an Object or of each element of an ObjectList.
	Fields map[string]*Field
	// Replace (top level only): a change replaces the resource instead of updating it
	// (Terraform's ForceNew).
	Replace bool
	// Computed: optional and computed in upstream's Terraform schema. Left out of the inputs,
	// the property keeps whatever the state holds (what Docker reported) and shows no diff.
	Computed bool
	// Set: a list that upstream keeps as a Terraform set, so order and duplicates do not count.
	Set bool
	// Suppress (top level only) is upstream's DiffSuppressFunc: given the state's and the
	// inputs' plain values (nil when absent), true means "no change".
	Suppress func(state, input any) bool
	// Only, when set, is the only accepted value: the property exists upstream but this
	// provider implements only its default (e.g. a container's `logs: false`).
	Only any
}

// Resource is one resource type's implemented subset.
type Resource struct {
	Token  string
	Fields map[string]*Field
	// DeleteBeforeReplace: a replacement removes the old object before creating the new one
	// (upstream's ResourceInfo.DeleteBeforeReplace, set for docker_container).
	DeleteBeforeReplace bool
	// AutoName: a `name` left out of the inputs is generated (upstream's SetAutonaming(255, "-")
	// covers every resource whose Terraform schema has an input string `name` and no field
	// override for it). See ApplyAutoName in autoname.go.
	AutoName bool
}

// DefaultsKey lists, in checked inputs, the top-level properties Check filled in from
// defaults (the Terraform bridge's "__defaults"). An auto-generated name is kept across
// updates only while it is listed there.
const DefaultsKey = "__defaults"

// Names returns the sorted property names of a field set (for messages).
func Names(fields map[string]*Field) []string {
	out := make([]string, 0, len(fields))
	for k := range fields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
