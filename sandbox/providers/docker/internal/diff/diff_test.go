package diff

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"xingrin.invalid/providers/docker/internal/schema"
)

var testSchema = &schema.Resource{
	Token: "test:index/thing:Thing",
	Fields: map[string]*schema.Field{
		"name":    {Kind: schema.String, Replace: true},
		"envs":    {Kind: schema.StringList, Replace: true},
		"restart": {Kind: schema.String},
		"wait":    {Kind: schema.Bool},
		"labels": {Kind: schema.ObjectList, Replace: true, Set: true, Fields: map[string]*schema.Field{
			"label": {Kind: schema.String}, "value": {Kind: schema.String}}},
		"hostname": {Kind: schema.String, Replace: true, Computed: true},
		"command":  {Kind: schema.StringList, Replace: true},
		"workdir": {Kind: schema.String, Replace: true, Suppress: func(_, input any) bool {
			return input == nil || input == ""
		}},
		"health": {Kind: schema.Object, Computed: true, Fields: map[string]*schema.Field{
			"tests":    {Kind: schema.StringList},
			"interval": {Kind: schema.String, Default: "0s"},
			"retries":  {Kind: schema.Number},
		}},
	},
}

func pm(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func unknown() resource.PropertyValue { return resource.MakeComputed(resource.NewStringProperty("")) }

func TestNoChange(t *testing.T) {
	olds := pm(map[string]any{"name": "a", "envs": []any{"A=1"}, "wait": true})
	news := pm(map[string]any{"name": "a", "envs": []any{"A=1"}, "wait": true})
	r := Compute(testSchema, olds, news)
	if r.Changed() {
		t.Fatalf("unexpected diff %+v", r)
	}
	resp := r.Response()
	if resp.Changes != pulumirpc.DiffResponse_DIFF_NONE || !resp.HasDetailedDiff || len(resp.DetailedDiff) != 0 {
		t.Fatalf("response %+v", resp)
	}
}

func TestReplaceVersusUpdate(t *testing.T) {
	olds := pm(map[string]any{"name": "a", "restart": "no", "wait": false})
	news := pm(map[string]any{"name": "b", "restart": "always", "wait": true})
	r := Compute(testSchema, olds, news)
	if want := []string{"name", "restart", "wait"}; !reflect.DeepEqual(r.Diffs, want) {
		t.Fatalf("diffs %v, want %v", r.Diffs, want)
	}
	if want := []string{"name"}; !reflect.DeepEqual(r.Replaces, want) {
		t.Fatalf("replaces %v, want %v", r.Replaces, want)
	}
	want := map[string]pulumirpc.PropertyDiff_Kind{
		"name":    pulumirpc.PropertyDiff_UPDATE_REPLACE,
		"restart": pulumirpc.PropertyDiff_UPDATE,
		"wait":    pulumirpc.PropertyDiff_UPDATE,
	}
	if !reflect.DeepEqual(r.Detailed, want) {
		t.Fatalf("detailed %v, want %v", r.Detailed, want)
	}
	resp := r.Response()
	if resp.Changes != pulumirpc.DiffResponse_DIFF_SOME || resp.DeleteBeforeReplace {
		t.Fatalf("response %+v", resp)
	}
	if d := resp.DetailedDiff["name"]; d.Kind != pulumirpc.PropertyDiff_UPDATE_REPLACE || d.InputDiff {
		t.Fatalf("name diff %+v", d)
	}
}

func TestAddAndDeleteKinds(t *testing.T) {
	olds := pm(map[string]any{"envs": []any{"A=1"}, "restart": "no"})
	news := pm(map[string]any{"labels": []any{map[string]any{"label": "x", "value": "y"}}, "restart": "no", "wait": true})
	r := Compute(testSchema, olds, news)
	want := map[string]pulumirpc.PropertyDiff_Kind{
		"envs":   pulumirpc.PropertyDiff_DELETE_REPLACE,
		"labels": pulumirpc.PropertyDiff_ADD_REPLACE,
		"wait":   pulumirpc.PropertyDiff_ADD,
	}
	if !reflect.DeepEqual(r.Detailed, want) {
		t.Fatalf("detailed %v, want %v", r.Detailed, want)
	}
	if want := []string{"envs", "labels"}; !reflect.DeepEqual(r.Replaces, want) {
		t.Fatalf("replaces %v", r.Replaces)
	}
}

func TestUnknownIsAChange(t *testing.T) {
	olds := pm(map[string]any{"name": "a", "restart": "no"})
	news := pm(map[string]any{"restart": "no"})
	news["name"] = unknown()
	r := Compute(testSchema, olds, news)
	if !reflect.DeepEqual(r.Replaces, []string{"name"}) || r.Detailed["name"] != pulumirpc.PropertyDiff_UPDATE_REPLACE {
		t.Fatalf("an unknown name must replace: %+v", r)
	}

	// An unknown element inside a list is a change of the list.
	olds = pm(map[string]any{"envs": []any{"A=1", "B=2"}})
	news = resource.PropertyMap{"envs": resource.NewArrayProperty([]resource.PropertyValue{
		resource.NewStringProperty("A=1"), unknown()})}
	if r := Compute(testSchema, olds, news); !reflect.DeepEqual(r.Replaces, []string{"envs"}) {
		t.Fatalf("unknown element: %+v", r)
	}

	// An unknown where nothing was before is still an update (not an add): it may be null.
	news = resource.PropertyMap{"restart": unknown()}
	if r := Compute(testSchema, resource.PropertyMap{}, news); r.Detailed["restart"] != pulumirpc.PropertyDiff_UPDATE {
		t.Fatalf("unknown restart: %+v", r)
	}
}

func TestSecretsCompareByValue(t *testing.T) {
	secretEnvs := resource.MakeSecret(resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("PW=x")}))
	olds := resource.PropertyMap{"envs": secretEnvs}
	news := pm(map[string]any{"envs": []any{"PW=x"}})
	if r := Compute(testSchema, olds, news); r.Changed() {
		t.Fatalf("same value, secret or not, is no change: %+v", r)
	}
	news = pm(map[string]any{"envs": []any{"PW=y"}})
	if r := Compute(testSchema, olds, news); !reflect.DeepEqual(r.Replaces, []string{"envs"}) {
		t.Fatalf("changed secret: %+v", r)
	}
}

func TestNullEqualsAbsent(t *testing.T) {
	olds := resource.PropertyMap{"restart": resource.NewNullProperty(),
		"labels": resource.NewArrayProperty([]resource.PropertyValue{resource.NewObjectProperty(pm(map[string]any{"label": "a"}))})}
	news := resource.PropertyMap{
		"labels": resource.NewArrayProperty([]resource.PropertyValue{resource.NewObjectProperty(resource.PropertyMap{
			"label": resource.NewStringProperty("a"), "value": resource.NewNullProperty()})})}
	if r := Compute(testSchema, olds, news); r.Changed() {
		t.Fatalf("null and absent are the same: %+v", r)
	}
}

func TestKeysOutsideTheSchemaAreIgnored(t *testing.T) {
	olds := pm(map[string]any{"name": "a", "id": "123", "imageId": "sha256:1"})
	news := pm(map[string]any{"name": "a"})
	if r := Compute(testSchema, olds, news); r.Changed() {
		t.Fatalf("computed outputs in the old state are no input change: %+v", r)
	}
}

// The bridge's rules: the new inputs against the old state, attribute by attribute.
func TestInputsAgainstStateTerraformRules(t *testing.T) {
	state := pm(map[string]any{
		"name": "a", "restart": "no", "wait": false, "hostname": "0123456789ab", "workdir": "/app",
		"labels": []any{map[string]any{"label": "x", "value": "1"}, map[string]any{"label": "y", "value": "2"}},
		"health": map[string]any{"tests": []any{"CMD", "true"}, "interval": "1m0s", "retries": 3.0},
	})
	same := func(news map[string]any) {
		t.Helper()
		if r := Compute(testSchema, state, pm(news)); r.Changed() {
			t.Errorf("%v: unexpected diff %+v", news, r)
		}
	}
	differs := func(news map[string]any, key string) {
		t.Helper()
		if r := Compute(testSchema, state, pm(news)); !reflect.DeepEqual(r.Diffs, []string{key}) {
			t.Errorf("%v: diffs %v, want [%s]", news, r.Diffs, key)
		}
	}
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"name": "a", "restart": "no",
			"labels": []any{map[string]any{"label": "y", "value": "2"}, map[string]any{"label": "x", "value": "1"}}}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	// Optional+computed left out (hostname, health) keeps the state; a set's order does not
	// count; false/"" and absent are alike; an empty input workdir is suppressed.
	same(base(nil))
	same(base(map[string]any{"wait": false, "workdir": ""}))
	// What Docker reported differently is a diff, every time: "60s" was read back "1m0s".
	differs(base(map[string]any{"health": map[string]any{"tests": []any{"CMD", "true"}, "interval": "60s", "retries": 3.0}}), "health")
	same(base(map[string]any{"health": map[string]any{"tests": []any{"CMD", "true"}, "interval": "1m0s", "retries": 3.0}}))
	// A nested default stands in for a missing value: interval "0s" against "1m0s" differs.
	differs(base(map[string]any{"health": map[string]any{"tests": []any{"CMD", "true"}, "retries": 3.0}}), "health")
	// A non-computed property left out while the state holds a value is a removal.
	differs(map[string]any{"name": "a", "restart": "no"}, "labels")
	differs(base(map[string]any{"hostname": "web"}), "hostname")
	differs(base(map[string]any{"workdir": "/srv"}), "workdir")
}

func TestListsKeepOrderSetsDoNot(t *testing.T) {
	state := pm(map[string]any{"command": []any{"a", "b"},
		"labels": []any{map[string]any{"label": "x", "value": "1"}}})
	news := pm(map[string]any{"command": []any{"b", "a"},
		"labels": []any{map[string]any{"label": "x", "value": "1"}, map[string]any{"label": "x", "value": "1"}}})
	if r := Compute(testSchema, state, news); !reflect.DeepEqual(r.Diffs, []string{"command"}) {
		t.Fatalf("diffs %v", r.Diffs)
	}
}
