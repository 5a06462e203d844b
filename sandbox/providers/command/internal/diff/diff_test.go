package diff

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

func str(s string) resource.PropertyValue { return resource.NewStringProperty(s) }

func unknown() resource.PropertyValue { return resource.MakeComputed(str("")) }

func conn(host string) resource.PropertyValue {
	return resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
		"host": str(host), "port": resource.NewNumberProperty(22), "user": str("root"),
		"privateKey": resource.MakeSecret(str("KEY")),
	}))
}

// old is a resource's old inputs.
func old(withUpdate bool) resource.PropertyMap {
	m := resource.PropertyMap{
		"connection":  conn("10.0.0.1"),
		"create":      str("echo create"),
		"delete":      str("echo delete"),
		"stdin":       resource.MakeSecret(str("s3cret")),
		"environment": resource.NewObjectProperty(resource.PropertyMap{"A": str("1")}),
		"triggers":    resource.NewArrayProperty([]resource.PropertyValue{str("t1")}),
	}
	if withUpdate {
		m["update"] = str("echo update")
	}
	return m
}

func TestNoChange(t *testing.T) {
	news := old(true).Copy()
	news["__defaults"] = resource.NewArrayProperty(nil)
	if r := Compute(old(true), news); r.HasChanges() {
		t.Fatalf("unexpected changes %v", r.Detail)
	}
}

func TestDecisions(t *testing.T) {
	cases := []struct {
		name       string
		withUpdate bool
		mutate     func(resource.PropertyMap)
		detail     map[string]plugin.DiffKind
	}{
		// Whether or not `update` is set, a change is an update (which runs
		// create when update is unset).
		{"create without update", false, func(m resource.PropertyMap) { m["create"] = str("echo v2") },
			map[string]plugin.DiffKind{"create": plugin.DiffUpdate}},
		{"create with update", true, func(m resource.PropertyMap) { m["create"] = str("echo v2") },
			map[string]plugin.DiffKind{"create": plugin.DiffUpdate}},
		{"delete only", false, func(m resource.PropertyMap) { m["delete"] = str("echo bye") },
			map[string]plugin.DiffKind{"delete": plugin.DiffUpdate}},
		{"delete removed", false, func(m resource.PropertyMap) { delete(m, "delete") },
			map[string]plugin.DiffKind{"delete": plugin.DiffDelete}},
		{"logging added", false, func(m resource.PropertyMap) { m["logging"] = str("none") },
			map[string]plugin.DiffKind{"logging": plugin.DiffAdd}},
		{"environment value", false, func(m resource.PropertyMap) {
			m["environment"] = resource.NewObjectProperty(resource.PropertyMap{"A": str("2"), "B": str("x")})
		}, map[string]plugin.DiffKind{"environment.A": plugin.DiffUpdate, "environment.B": plugin.DiffAdd}},
		// The connection is secret as a whole, so it diffs as one value.
		{"connection host", false, func(m resource.PropertyMap) { m["connection"] = conn("10.0.0.2") },
			map[string]plugin.DiffKind{"connection": plugin.DiffUpdate}},
		// Secretness alone is a change.
		{"stdin no longer secret", false, func(m resource.PropertyMap) { m["stdin"] = str("s3cret") },
			map[string]plugin.DiffKind{"stdin": plugin.DiffUpdate}},
		{"unknown create", true, func(m resource.PropertyMap) { m["create"] = unknown() },
			map[string]plugin.DiffKind{"create": plugin.DiffUpdate}},
		// triggers replace, with or without update.
		{"trigger changed", true, func(m resource.PropertyMap) {
			m["triggers"] = resource.NewArrayProperty([]resource.PropertyValue{str("t2")})
		}, map[string]plugin.DiffKind{"triggers[0]": plugin.DiffUpdateReplace}},
		{"trigger added", false, func(m resource.PropertyMap) {
			m["triggers"] = resource.NewArrayProperty([]resource.PropertyValue{str("t1"), str("t2")})
		}, map[string]plugin.DiffKind{"triggers[1]": plugin.DiffAddReplace}},
		{"triggers removed", false, func(m resource.PropertyMap) { delete(m, "triggers") },
			map[string]plugin.DiffKind{"triggers": plugin.DiffDeleteReplace}},
		{"unknown trigger", true, func(m resource.PropertyMap) {
			m["triggers"] = resource.NewArrayProperty([]resource.PropertyValue{unknown()})
		}, map[string]plugin.DiffKind{"triggers[0]": plugin.DiffUpdateReplace}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			news := old(tc.withUpdate).Copy()
			tc.mutate(news)
			r := Compute(old(tc.withUpdate), news)
			if !reflect.DeepEqual(r.Detail, tc.detail) {
				t.Fatalf("detail %v, want %v", r.Detail, tc.detail)
			}
			replace := false
			for _, kind := range tc.detail {
				replace = replace || kind.IsReplace()
			}
			if len(r.Changed) != 1 || (len(r.Replaces) == 1) != replace {
				t.Fatalf("changed %v replaces %v", r.Changed, r.Replaces)
			}
		})
	}
}

func TestOldInputsFromState(t *testing.T) {
	state := old(false)
	state["stdout"], state["stderr"] = str("x"), str("")
	got := OldInputs("command:remote:Command", state)
	if !got.DeepEquals(old(false)) {
		t.Fatalf("got %v", got)
	}
	if _, ok := OldInputs("command:local:Command", state)["connection"]; ok {
		t.Fatal("connection is not a local input")
	}
}
