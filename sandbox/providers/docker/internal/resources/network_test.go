package resources

import (
	"context"
	"testing"

	"xingrin.invalid/providers/docker/internal/dockercli"
)

func TestNetworkCreateRefusesExisting(t *testing.T) {
	env, _ := testEnv(&dockercli.Fake{Respond: func([]string) (string, error) { return "abc", nil }})
	_, _, err := (&Network{}).Create(context.Background(), env, checked(t, &Network{}, map[string]any{"name": "xingrin_network"}))
	want := "network xingrin_network already exists on unix:///var/run/docker.sock: remove it (docker network rm xingrin_network) or import it"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v", err)
	}
}

func TestNetworkCreate(t *testing.T) {
	f := &dockercli.Fake{Respond: func(args []string) (string, error) {
		if args[1] == "inspect" {
			return "", &dockercli.Error{Stderr: "Error response from daemon: network n not found"}
		}
		return "netid", nil
	}}
	env, _ := testEnv(f)
	id, computed, err := (&Network{}).Create(context.Background(), env, checked(t, &Network{},
		map[string]any{"name": "n", "labels": []any{map[string]any{"label": "a", "value": "b"}}}))
	if err != nil || id != "netid" || computed["id"] != "netid" {
		t.Fatalf("%q %v %v", id, computed, err)
	}
	if got := f.Commands()[1]; got != "network create --label a=b n" {
		t.Fatalf("command %q", got)
	}
}
