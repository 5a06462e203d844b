package diff

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func str(s string) resource.PropertyValue { return resource.NewStringProperty(s) }

func unknown() resource.PropertyValue { return resource.MakeComputed(str("")) }

func conn(host string) resource.PropertyValue {
	return resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
		"host": str(host), "port": resource.NewNumberProperty(22), "user": str("root"),
		"privateKey": resource.MakeSecret(str("KEY")),
	}))
}

// base is a stored state: inputs plus outputs.
func base(withUpdate bool) resource.PropertyMap {
	m := resource.PropertyMap{
		"connection":             conn("10.0.0.1"),
		"create":                 str("echo create"),
		"delete":                 str("echo delete"),
		"stdin":                  resource.MakeSecret(str("s3cret")),
		"environment":            resource.NewObjectProperty(resource.PropertyMap{"A": str("1")}),
		"triggers":               resource.NewArrayProperty([]resource.PropertyValue{str("t1")}),
		"addPreviousOutputInEnv": resource.NewBoolProperty(true),
		"stdout":                 str("old out"),
		"stderr":                 str(""),
	}
	if withUpdate {
		m["update"] = str("echo update")
	}
	return m
}

// inputs drops the outputs, as Check would return them.
func inputs(m resource.PropertyMap) resource.PropertyMap {
	c := m.Copy()
	delete(c, "stdout")
	delete(c, "stderr")
	return c
}

func TestNoChange(t *testing.T) {
	for _, withUpdate := range []bool{false, true} {
		r := Compute(base(withUpdate), inputs(base(withUpdate)))
		if r.HasChanges() {
			t.Errorf("withUpdate=%v: unexpected changes %v", withUpdate, r.Changed)
		}
	}
}

func TestSecretnessAloneIsNoChange(t *testing.T) {
	news := inputs(base(false))
	news["stdin"] = str("s3cret") // same value, no longer secret
	if r := Compute(base(false), news); r.HasChanges() {
		t.Fatalf("unexpected changes %v", r.Changed)
	}
}

func TestDecisions(t *testing.T) {
	cases := []struct {
		name       string
		withUpdate bool
		mutate     func(resource.PropertyMap)
		changed    string
		replace    bool
		kind       Kind
	}{
		{"create without update", false, func(m resource.PropertyMap) { m["create"] = str("echo v2") }, "create", true, Update},
		{"create with update", true, func(m resource.PropertyMap) { m["create"] = str("echo v2") }, "create", false, Update},
		{"stdin without update", false, func(m resource.PropertyMap) { m["stdin"] = resource.MakeSecret(str("other")) }, "stdin", true, Update},
		{"stdin with update", true, func(m resource.PropertyMap) { m["stdin"] = resource.MakeSecret(str("other")) }, "stdin", false, Update},
		{"environment without update", false, func(m resource.PropertyMap) {
			m["environment"] = resource.NewObjectProperty(resource.PropertyMap{"A": str("2")})
		}, "environment", true, Update},
		{"environment with update", true, func(m resource.PropertyMap) {
			m["environment"] = resource.NewObjectProperty(resource.PropertyMap{"A": str("2")})
		}, "environment", false, Update},
		{"connection without update", false, func(m resource.PropertyMap) { m["connection"] = conn("10.0.0.2") }, "connection", true, Update},
		{"connection with update", true, func(m resource.PropertyMap) { m["connection"] = conn("10.0.0.2") }, "connection", false, Update},
		{"triggers without update", false, func(m resource.PropertyMap) {
			m["triggers"] = resource.NewArrayProperty([]resource.PropertyValue{str("t2")})
		}, "triggers", true, Update},
		{"triggers with update", true, func(m resource.PropertyMap) {
			m["triggers"] = resource.NewArrayProperty([]resource.PropertyValue{str("t2")})
		}, "triggers", true, Update},
		{"delete changed", false, func(m resource.PropertyMap) { m["delete"] = str("echo bye") }, "delete", false, Update},
		{"delete removed", false, func(m resource.PropertyMap) { delete(m, "delete") }, "delete", false, Delete},
		{"logging added", false, func(m resource.PropertyMap) { m["logging"] = str("none") }, "logging", false, Add},
		{"update changed", true, func(m resource.PropertyMap) { m["update"] = str("echo update2") }, "update", false, Update},
		{"addPreviousOutputInEnv", false, func(m resource.PropertyMap) {
			m["addPreviousOutputInEnv"] = resource.NewBoolProperty(false)
		}, "addPreviousOutputInEnv", false, Update},
		{"stdin removed without update", false, func(m resource.PropertyMap) { delete(m, "stdin") }, "stdin", true, Delete},
		{"unknown create without update", false, func(m resource.PropertyMap) { m["create"] = unknown() }, "create", true, Update},
		{"unknown create with update", true, func(m resource.PropertyMap) { m["create"] = unknown() }, "create", false, Update},
		{"unknown inside connection", false, func(m resource.PropertyMap) {
			m["connection"] = resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{"host": unknown()}))
		}, "connection", true, Update},
		{"unknown trigger element", true, func(m resource.PropertyMap) {
			m["triggers"] = resource.NewArrayProperty([]resource.PropertyValue{unknown()})
		}, "triggers", true, Update},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			news := inputs(base(tc.withUpdate))
			tc.mutate(news)
			r := Compute(base(tc.withUpdate), news)
			if !reflect.DeepEqual(r.Changed, []string{tc.changed}) {
				t.Fatalf("Changed = %v, want [%s]", r.Changed, tc.changed)
			}
			got := r.Detail[tc.changed]
			if got.Replace != tc.replace || got.Kind != tc.kind {
				t.Fatalf("Detail[%s] = %+v, want kind %v replace %v", tc.changed, got, tc.kind, tc.replace)
			}
			wantReplaces := []string(nil)
			if tc.replace {
				wantReplaces = []string{tc.changed}
			}
			if !reflect.DeepEqual(r.Replaces, wantReplaces) {
				t.Fatalf("Replaces = %v, want %v", r.Replaces, wantReplaces)
			}
		})
	}
}

// Adding an update command together with a create change makes the change
// in-place: the new inputs decide.
func TestNewUpdateCommandDecides(t *testing.T) {
	news := inputs(base(false))
	news["create"] = str("echo v2")
	news["update"] = str("echo v2")
	r := Compute(base(false), news)
	if len(r.Replaces) != 0 {
		t.Fatalf("Replaces = %v, want none", r.Replaces)
	}
	if !reflect.DeepEqual(r.Changed, []string{"create", "update"}) {
		t.Fatalf("Changed = %v", r.Changed)
	}

	// Removing it while changing create replaces.
	news = inputs(base(true))
	news["create"] = str("echo v2")
	delete(news, "update")
	r = Compute(base(true), news)
	if !reflect.DeepEqual(r.Replaces, []string{"create"}) {
		t.Fatalf("Replaces = %v, want [create]", r.Replaces)
	}
}

func TestHasUpdateCommand(t *testing.T) {
	cases := map[string]struct {
		m    resource.PropertyMap
		want bool
	}{
		"absent":  {resource.PropertyMap{}, false},
		"null":    {resource.PropertyMap{"update": resource.NewNullProperty()}, false},
		"empty":   {resource.PropertyMap{"update": str("")}, false},
		"set":     {resource.PropertyMap{"update": str("x")}, true},
		"secret":  {resource.PropertyMap{"update": resource.MakeSecret(str("x"))}, true},
		"unknown": {resource.PropertyMap{"update": unknown()}, true},
	}
	for name, tc := range cases {
		if got := HasUpdateCommand(tc.m); got != tc.want {
			t.Errorf("%s: got %v, want %v", name, got, tc.want)
		}
	}
}

// stdout/stderr in the old state are outputs, never diffed.
func TestOutputsIgnored(t *testing.T) {
	olds := base(false)
	olds["stdout"] = str("something else")
	if r := Compute(olds, inputs(base(false))); r.HasChanges() {
		t.Fatalf("unexpected changes %v", r.Changed)
	}
}
