package resources

import (
	"context"
	"reflect"
	"testing"

	"xingrin.invalid/providers/docker/internal/diff"
	"xingrin.invalid/providers/docker/internal/dockercli"
)

func TestVolumeCreateKeepsExisting(t *testing.T) {
	f := &dockercli.Fake{Respond: func(args []string) (string, error) {
		if args[1] == "inspect" {
			return `{"Name":"xingrin_postgres_data","Driver":"local","Mountpoint":"/var/lib/docker/volumes/x/_data"}`, nil
		}
		return "xingrin_postgres_data", nil
	}}
	var infos []string
	env := &Env{Docker: f, Host: "h", Info: func(m string) { infos = append(infos, m) }}
	id, computed, err := (&Volume{}).Create(context.Background(), env, checked(t, &Volume{}, map[string]any{"name": "xingrin_postgres_data"}))
	if err != nil || id != "xingrin_postgres_data" {
		t.Fatal(id, err)
	}
	if !reflect.DeepEqual(computed, map[string]any{"name": "xingrin_postgres_data", "labels": []any{}, "driver": "local",
		"driverOpts": map[string]any{}, "mountpoint": "/var/lib/docker/volumes/x/_data"}) {
		t.Fatalf("computed %v", computed)
	}
	// Upstream takes an existing volume over without a word; so does the stand-in.
	if len(infos) != 0 {
		t.Fatalf("infos %q", infos)
	}
	if got := f.Commands()[0]; got != "volume create xingrin_postgres_data" {
		t.Fatalf("command %q", got)
	}
}

// A refresh reads the volume back; one removed by hand is gone, so the next up creates it.
func TestVolumeReadBackAndGone(t *testing.T) {
	inputs := checked(t, &Volume{}, map[string]any{"name": "xingrin_postgres_data"})
	env := &Env{Docker: &dockercli.Fake{Respond: func([]string) (string, error) {
		return `{"Name":"xingrin_postgres_data","Driver":"local","Mountpoint":"/m","Labels":{"by":"hand"},"Options":null}`, nil
	}}, Host: "h"}
	res, err := (&Volume{}).Read(context.Background(), env, "xingrin_postgres_data", inputs, inputs)
	if err != nil || res.ID != "xingrin_postgres_data" {
		t.Fatal(res, err)
	}
	if d := diff.Compute(volumeSchema, res.State, inputs); !reflect.DeepEqual(d.Replaces, []string{"labels"}) {
		t.Fatalf("labels added by hand: %+v", d)
	}
	env.Docker = &dockercli.Fake{Respond: func([]string) (string, error) {
		return "", &dockercli.Error{Stderr: "Error response from daemon: get xingrin_postgres_data: no such volume"}
	}}
	if res, err := (&Volume{}).Read(context.Background(), env, "xingrin_postgres_data", inputs, inputs); err != nil || res.ID != "" {
		t.Fatalf("removed volume: %+v %v", res, err)
	}
}
