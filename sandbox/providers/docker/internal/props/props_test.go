package props

import (
	"errors"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestPlainUnwrapsSecretsAndRejectsUnknowns(t *testing.T) {
	m := resource.PropertyMap{
		"envs": resource.MakeSecret(resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("PW=x")})),
		"n":    resource.NewNumberProperty(3),
		"null": resource.NewNullProperty(),
		"out":  resource.NewOutputProperty(resource.Output{Element: resource.NewStringProperty("v"), Known: true, Secret: true}),
	}
	got, err := PlainMap("", m)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"envs": []any{"PW=x"}, "n": 3.0, "out": "v"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
	m["later"] = resource.NewObjectProperty(resource.PropertyMap{"x": resource.MakeComputed(resource.NewStringProperty(""))})
	var unknown *ErrUnknown
	if _, err := PlainMap("", m); !errors.As(err, &unknown) || unknown.Path != "later.x" {
		t.Fatalf("err %v", err)
	}
}

func TestDecode(t *testing.T) {
	var in struct {
		Name  string   `json:"name"`
		Port  int      `json:"port"`
		Envs  []string `json:"envs"`
		Wait  *bool    `json:"wait"`
		Other string   `json:"other"`
	}
	m := resource.NewPropertyMapFromMap(map[string]any{"name": "n", "port": 8080.0, "wait": false})
	m["envs"] = resource.MakeSecret(resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("A=1")}))
	if err := Decode(m, &in); err != nil {
		t.Fatal(err)
	}
	if in.Name != "n" || in.Port != 8080 || in.Envs[0] != "A=1" || in.Wait == nil || *in.Wait || in.Other != "" {
		t.Fatalf("decoded %+v", in)
	}
}

func TestMergeKeepsSecretsAndWithUnknownFillsOnlyMissing(t *testing.T) {
	base := resource.PropertyMap{
		"envs":   resource.MakeSecret(resource.NewStringProperty("x")),
		"driver": resource.NewStringProperty("bridge"),
	}
	out := Merge(base, map[string]any{"id": "abc"})
	if !out["envs"].IsSecret() || out["id"].StringValue() != "abc" {
		t.Fatalf("merged %v", out)
	}
	if _, ok := base["id"]; ok {
		t.Fatal("Merge must not modify its input")
	}
	prev := WithUnknown(base, "driver", "id")
	if !prev["id"].IsComputed() || prev["driver"].StringValue() != "bridge" {
		t.Fatalf("preview outputs %v", prev)
	}
	if got := Pick(Merge(base, map[string]any{"imageId": "sha256:1"}), "imageId", "repoDigest"); !reflect.DeepEqual(got, map[string]any{"imageId": "sha256:1"}) {
		t.Fatalf("picked %v", got)
	}
}

func TestKeepSecretAndRefreshedInputs(t *testing.T) {
	secret := func(v resource.PropertyValue) resource.PropertyValue { return resource.MakeSecret(v) }
	ins := resource.PropertyMap{
		"envs":   secret(resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("PW=x")})),
		"health": resource.NewObjectProperty(resource.PropertyMap{"tests": secret(resource.NewStringProperty("curl -u a:b"))}),
		"name":   resource.NewStringProperty("c"),
	}
	outs := resource.NewPropertyMapFromMap(map[string]any{
		"envs": []any{"PW=x"}, "health": map[string]any{"tests": "curl -u a:b", "interval": "1m0s"}, "name": "c", "id": "cid"})
	got := KeepSecret(outs, ins)
	if !got["envs"].IsSecret() || got["name"].IsSecret() || got["id"].IsSecret() ||
		!got["health"].ObjectValue()["tests"].IsSecret() || got["health"].ObjectValue()["interval"].IsSecret() {
		t.Fatalf("secrets %v", got)
	}

	oldInputs := resource.NewPropertyMapFromMap(map[string]any{
		"restart": "always", "health": map[string]any{"interval": "60s"}, "gone": true, "__defaults": []any{"restart"}})
	state := resource.NewPropertyMapFromMap(map[string]any{
		"restart": "no", "health": map[string]any{"interval": "1m0s", "timeout": "0s"}, "id": "cid"})
	want := resource.NewPropertyMapFromMap(map[string]any{"restart": "no", "health": map[string]any{"interval": "1m0s"}})
	if got := RefreshedInputs(oldInputs, state); !got.DeepEquals(want) {
		t.Fatalf("refreshed inputs %v", got)
	}
}
