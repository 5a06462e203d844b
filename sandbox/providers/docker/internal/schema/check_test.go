package schema

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

var testResource = &Resource{
	Token: "test:index/thing:Thing",
	Fields: map[string]*Field{
		"name":    {Kind: String, Required: true},
		"restart": {Kind: String, Default: "no", OneOf: []string{"no", "always"}},
		"timeout": {Kind: Number, Default: 60.0},
		"envs":    {Kind: StringList},
		"logs":    {Kind: Bool, Only: false},
		"ports": {Kind: ObjectList, Fields: map[string]*Field{
			"internal": {Kind: Number, Required: true},
			"ip":       {Kind: String, Default: "0.0.0.0"},
		}},
		"health": {Kind: Object, Fields: map[string]*Field{
			"interval": {Kind: String, Validate: func(v any) string {
				if v == "bad" {
					return "not a duration"
				}
				return ""
			}},
		}},
	},
}

func pm(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func TestDefaultsAreApplied(t *testing.T) {
	out, failures := testResource.Check(pm(map[string]any{
		"name":  "x",
		"ports": []any{map[string]any{"internal": 80.0}},
	}))
	if len(failures) != 0 {
		t.Fatalf("failures %v", failures)
	}
	want := pm(map[string]any{
		"name": "x", "restart": "no", "timeout": 60.0,
		"ports":      []any{map[string]any{"internal": 80.0, "ip": "0.0.0.0"}},
		"__defaults": []any{"restart", "timeout"}, // top-level defaults only, as the bridge lists them
	})
	if !out.DeepEquals(want) {
		t.Fatalf("got %v\nwant %v", out, want)
	}
}

func TestUnsupportedPropertiesAreRefusedByName(t *testing.T) {
	_, failures := testResource.Check(pm(map[string]any{
		"name":       "x",
		"privileged": true,
		"ports":      []any{map[string]any{"internal": 80.0, "hostIp": "1.2.3.4"}},
	}))
	if len(failures) != 2 {
		t.Fatalf("want 2 failures, got %v", failures)
	}
	if failures[0].Property != "ports[0].hostIp" || failures[1].Property != "privileged" {
		t.Fatalf("properties %v", failures)
	}
	for _, f := range failures {
		if !strings.Contains(f.Reason, f.Property) || !strings.Contains(f.Reason, "implements only a subset") {
			t.Errorf("reason %q should name %s and say this provider implements a subset", f.Reason, f.Property)
		}
	}
	if !strings.Contains(failures[1].Reason, "envs, health, logs, name, ports, restart, timeout") {
		t.Errorf("reason should list what is supported: %q", failures[1].Reason)
	}
}

func TestNullUnsupportedPropertyIsFine(t *testing.T) {
	_, failures := testResource.Check(resource.PropertyMap{
		"name": resource.NewStringProperty("x"), "privileged": resource.NewNullProperty()})
	if len(failures) != 0 {
		t.Fatalf("failures %v", failures)
	}
}

func TestRequiredTypesEnumsOnlyAndValidate(t *testing.T) {
	_, failures := testResource.Check(pm(map[string]any{
		"restart": "sometimes",
		"timeout": "60",
		"envs":    []any{"A=1", 2.0},
		"logs":    true,
		"health":  map[string]any{"interval": "bad"},
		"ports":   []any{map[string]any{}},
	}))
	got := map[string]string{}
	for _, f := range failures {
		got[f.Property] = f.Reason
	}
	want := []string{"envs[1]", "health.interval", "logs", "name", "ports[0].internal", "restart", "timeout"}
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	if len(keys) != len(want) {
		t.Fatalf("failures %v", failures)
	}
	for _, k := range want {
		if _, ok := got[k]; !ok {
			t.Fatalf("missing failure for %s in %v", k, failures)
		}
	}
	if !strings.Contains(got["restart"], "one of no, always") || !strings.Contains(got["name"], "missing required") ||
		!strings.Contains(got["timeout"], "must be a number") || !strings.Contains(got["health.interval"], "not a duration") {
		t.Fatalf("reasons %v", got)
	}
}

func TestUnknownsPassAndSecretsStaySecret(t *testing.T) {
	unknown := resource.MakeComputed(resource.NewStringProperty(""))
	secretPorts := resource.MakeSecret(resource.NewArrayProperty([]resource.PropertyValue{
		resource.NewObjectProperty(pm(map[string]any{"internal": 5432.0})),
	}))
	out, failures := testResource.Check(resource.PropertyMap{
		"name":    unknown,
		"restart": unknown,
		"envs":    resource.MakeSecret(resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("PW=x"), unknown})),
		"ports":   secretPorts,
	})
	if len(failures) != 0 {
		t.Fatalf("failures %v", failures)
	}
	if !out["name"].IsComputed() || !out["restart"].IsComputed() {
		t.Fatalf("unknowns must be kept (and get no default): %v", out)
	}
	if !out["envs"].IsSecret() || !out["ports"].IsSecret() {
		t.Fatalf("secrets must stay secret: %v", out)
	}
	port := out["ports"].SecretValue().Element.ArrayValue()[0].ObjectValue()
	if port["ip"].StringValue() != "0.0.0.0" {
		t.Fatalf("defaults apply inside secrets: %v", port)
	}
}

func TestNames(t *testing.T) {
	if got := Names(testResource.Fields); !reflect.DeepEqual(got[:3], []string{"envs", "health", "logs"}) {
		t.Fatalf("names %v", got)
	}
}
