package resources

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"xingrin.invalid/providers/docker/internal/diff"
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
		switch {
		case args[1] == "inspect" && args[len(args)-1] == "netid":
			return networkDoc, nil
		case args[1] == "inspect":
			return "", &dockercli.Error{Stderr: "Error response from daemon: network n not found"}
		}
		return "netid", nil
	}}
	env, _ := testEnv(f)
	id, computed, err := (&Network{}).Create(context.Background(), env, checked(t, &Network{},
		map[string]any{"name": "n", "labels": []any{map[string]any{"label": "a", "value": "b"}}}))
	if err != nil || id != "netid" {
		t.Fatalf("%q %v %v", id, computed, err)
	}
	if got := f.Commands()[1]; got != "network create --label a=b n" {
		t.Fatalf("command %q", got)
	}
	if !reflect.DeepEqual(computed, networkReadBackWant) {
		t.Fatalf("read back\n got %v\nwant %v", computed, networkReadBackWant)
	}
}

const networkDoc = `{"Name":"n","Id":"netid","Scope":"local","Driver":"bridge","EnableIPv6":false,` +
	`"IPAM":{"Driver":"default","Options":{},"Config":[{"Subnet":"172.18.0.0/16","Gateway":"172.18.0.1"}]},` +
	`"Internal":false,"Attachable":false,"Ingress":false,"Options":{},"Labels":{"a":"b"}}`

// What upstream's read stores for networkDoc.
var networkReadBackWant = map[string]any{
	"id": "netid", "name": "n", "labels": []any{map[string]any{"label": "a", "value": "b"}}, "driver": "bridge",
	"internal": false, "attachable": false, "ingress": false, "ipv6": false, "ipamDriver": "default",
	"ipamOptions": map[string]any{}, "scope": "local", "options": map[string]any{},
	"ipamConfigs": []any{map[string]any{"subnet": "172.18.0.0/16", "gateway": "172.18.0.1"}},
}

// A refresh reads the network back: labels changed by hand replace it, a network removed by
// hand is gone.
func TestNetworkReadDriftAndGone(t *testing.T) {
	inputs := checked(t, &Network{}, map[string]any{"name": "n", "labels": []any{map[string]any{"label": "a", "value": "b"}}})
	drifted := strings.Replace(networkDoc, `"Labels":{"a":"b"}`, `"Labels":{"a":"c"}`, 1)
	env, _ := testEnv(&dockercli.Fake{Respond: func([]string) (string, error) { return drifted, nil }})
	res, err := (&Network{}).Read(context.Background(), env, "netid", inputs, inputs)
	if err != nil || res.ID != "netid" || res.State["scope"].StringValue() != "local" {
		t.Fatalf("%+v %v", res, err)
	}
	if d := diff.Compute(networkSchema, res.State, inputs); !reflect.DeepEqual(d.Replaces, []string{"labels"}) {
		t.Fatalf("diff %+v", d)
	}
	env, _ = testEnv(&dockercli.Fake{Respond: func([]string) (string, error) {
		return "", &dockercli.Error{Stderr: "Error response from daemon: network netid not found"}
	}})
	if res, err := (&Network{}).Read(context.Background(), env, "netid", inputs, inputs); err != nil || res.ID != "" {
		t.Fatalf("removed network: %+v %v", res, err)
	}
}

// Compose makes its networks attachable. Upstream's attachable is optional and not computed, so
// a program that leaves it out differs from such a network and would replace it: the program
// must say so (or ignore it) when it adopts one.
func TestNetworkAttachableDiffsLikeUpstream(t *testing.T) {
	inputs := checked(t, &Network{}, map[string]any{"name": "n", "labels": []any{map[string]any{"label": "a", "value": "b"}}})
	attachable := strings.Replace(networkDoc, `"Attachable":false`, `"Attachable":true`, 1)
	if attachable == networkDoc {
		t.Fatal("the fixture has no Attachable field to change")
	}
	env, _ := testEnv(&dockercli.Fake{Respond: func([]string) (string, error) { return attachable, nil }})
	res, err := (&Network{}).Read(context.Background(), env, "netid", inputs, inputs)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff.Compute(networkSchema, res.State, inputs); !reflect.DeepEqual(d.Replaces, []string{"attachable"}) {
		t.Fatalf("diff %+v", d)
	}
}
