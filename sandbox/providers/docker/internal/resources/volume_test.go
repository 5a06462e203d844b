package resources

import (
	"context"
	"reflect"
	"strings"
	"testing"

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
	if !reflect.DeepEqual(computed, map[string]any{"driver": "local", "mountpoint": "/var/lib/docker/volumes/x/_data"}) {
		t.Fatalf("computed %v", computed)
	}
	if len(infos) != 1 || !strings.Contains(infos[0], "already exists") {
		t.Fatalf("infos %q", infos)
	}
	if got := f.Commands()[1]; got != "volume create xingrin_postgres_data" {
		t.Fatalf("command %q", got)
	}
}
