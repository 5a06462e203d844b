package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/docker/internal/dockercli"
	"xingrin.invalid/providers/docker/internal/props"
	"xingrin.invalid/providers/docker/internal/schema"
)

// Network is docker:index/network:Network. Any change replaces it: Docker cannot change a
// network's name, driver or labels in place.
type Network struct{}

var networkSchema = &schema.Resource{
	Token:    "docker:index/network:Network",
	AutoName: true,
	Fields: map[string]*schema.Field{
		"name":   {Kind: schema.String, Replace: true}, // auto-named when absent
		"driver": {Kind: schema.String, Replace: true, Computed: true},
		"labels": {Kind: schema.ObjectList, Fields: labelFields, Replace: true, Set: true},
		// As upstream: optional, not computed, so a network Docker reports with a flag set (compose
		// makes its networks attachable) differs from inputs that leave it out.
		"attachable": {Kind: schema.Bool, Replace: true},
		"ingress":    {Kind: schema.Bool, Replace: true},
		"ipv6":       {Kind: schema.Bool, Replace: true},
		"internal":   {Kind: schema.Bool, Replace: true, Computed: true},
	},
}

type networkInputs struct {
	Name       string  `json:"name"`
	Driver     string  `json:"driver"`
	Labels     []label `json:"labels"`
	Attachable bool    `json:"attachable"`
	Ingress    bool    `json:"ingress"`
	IPv6       bool    `json:"ipv6"`
	Internal   bool    `json:"internal"`
}

// Schema implements Resource.
func (*Network) Schema() *schema.Resource { return networkSchema }

// Computed implements Resource: what Docker decides unless the program says.
func (*Network) Computed() []string {
	return []string{"id", "driver", "options", "internal", "ipamConfigs", "scope"}
}

// Create implements Resource. An existing network of the same name is refused rather than
// adopted: it may belong to something else, and deleting the stack would remove it. The new
// network is read back (networkReadBack).
func (*Network) Create(ctx context.Context, env *Env, inputs resource.PropertyMap) (string, map[string]any, error) {
	var in networkInputs
	if err := props.Decode(inputs, &in); err != nil {
		return "", nil, err
	}
	if _, err := env.Docker.Run(ctx, "network", "inspect", "--format", "{{.Id}}", in.Name); err == nil {
		return "", nil, fmt.Errorf("network %s already exists on %s: remove it (docker network rm %s) or import it",
			in.Name, env.Host, in.Name)
	} else if !dockercli.IsNotFound(err) {
		return "", nil, fmt.Errorf("checking for network %s on %s: %w", in.Name, env.Host, err)
	}
	args := []string{"network", "create"}
	if in.Driver != "" { // else Docker's default, bridge (upstream sends no driver either)
		args = append(args, "--driver", in.Driver)
	}
	args = append(args, labelArgs(in.Labels)...)
	for _, flag := range []struct {
		name string
		set  bool
	}{{"--attachable", in.Attachable}, {"--ingress", in.Ingress}, {"--ipv6", in.IPv6}, {"--internal", in.Internal}} {
		if flag.set {
			args = append(args, flag.name)
		}
	}
	id, err := env.Docker.Run(ctx, append(args, in.Name)...)
	if err != nil {
		return "", nil, fmt.Errorf("unable to create network %s: %w", in.Name, err)
	}
	n, err := inspectNetwork(ctx, env, id)
	if err != nil {
		return "", nil, fmt.Errorf("network %s was created but cannot be inspected: %w", in.Name, err)
	}
	return n.ID, networkReadBack(n), nil
}

type networkInspect struct {
	ID         string            `json:"Id"`
	Name       string            `json:"Name"`
	Driver     string            `json:"Driver"`
	Scope      string            `json:"Scope"`
	EnableIPv6 bool              `json:"EnableIPv6"`
	Internal   bool              `json:"Internal"`
	Attachable bool              `json:"Attachable"`
	Ingress    bool              `json:"Ingress"`
	Options    map[string]string `json:"Options"`
	Labels     map[string]string `json:"Labels"`
	IPAM       struct {
		Driver  string            `json:"Driver"`
		Options map[string]string `json:"Options"`
		Config  []struct {
			Subnet     string            `json:"Subnet"`
			IPRange    string            `json:"IPRange"`
			Gateway    string            `json:"Gateway"`
			AuxAddress map[string]string `json:"AuxiliaryAddresses"`
		} `json:"Config"`
	} `json:"IPAM"`
}

func inspectNetwork(ctx context.Context, env *Env, id string) (*networkInspect, error) {
	out, err := env.Docker.Run(ctx, "network", "inspect", "--format", "{{json .}}", id)
	if err != nil {
		return nil, err
	}
	var n networkInspect
	if err := json.Unmarshal([]byte(out), &n); err != nil {
		return nil, fmt.Errorf("reading docker network inspect output: %w", err)
	}
	return &n, nil
}

// networkReadBack is what upstream's read stores: name, labels, driver, the flags, IPAM
// driver, options and configs, scope and driver options.
func networkReadBack(n *networkInspect) map[string]any {
	configs := make([]any, 0, len(n.IPAM.Config))
	for _, c := range n.IPAM.Config {
		m := map[string]any{}
		if c.Subnet != "" {
			m["subnet"] = c.Subnet
		}
		if c.IPRange != "" {
			m["ipRange"] = c.IPRange
		}
		if c.Gateway != "" {
			m["gateway"] = c.Gateway
		}
		if len(c.AuxAddress) > 0 {
			m["auxAddress"] = stringMap(c.AuxAddress)
		}
		configs = append(configs, m)
	}
	return map[string]any{
		"id": n.ID, "name": n.Name, "labels": labelList(n.Labels), "driver": n.Driver, "internal": n.Internal,
		"attachable": n.Attachable, "ingress": n.Ingress, "ipv6": n.EnableIPv6, "ipamDriver": n.IPAM.Driver,
		"ipamOptions": stringMap(n.IPAM.Options), "scope": n.Scope, "options": stringMap(n.Options), "ipamConfigs": configs,
	}
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Read implements Resource: the network read back over the state; a network removed by hand
// reads as deleted. An import takes name, driver and labels from Docker as inputs.
func (*Network) Read(ctx context.Context, env *Env, id string, state, inputs resource.PropertyMap) (ReadResult, error) {
	n, err := inspectNetwork(ctx, env, id)
	if dockercli.IsNotFound(err) {
		return ReadResult{}, nil
	}
	if err != nil {
		return ReadResult{}, err
	}
	if len(state) == 0 { // import
		in := map[string]any{"name": n.Name, "driver": n.Driver, "attachable": n.Attachable, "ingress": n.Ingress, "ipv6": n.EnableIPv6, "internal": n.Internal}
		if ls := labelList(n.Labels); len(ls) > 0 {
			in["labels"] = ls
		}
		inputs = resource.NewPropertyMapFromMap(in)
		state = inputs
	}
	return ReadResult{ID: n.ID, State: props.Merge(state, networkReadBack(n)), Inputs: inputs}, nil
}

// Update implements Resource; only reached to clear a partial failure, as every property
// replaces: nothing to do.
func (*Network) Update(context.Context, *Env, string, resource.PropertyMap, resource.PropertyMap) (map[string]any, error) {
	return nil, nil
}

// Delete implements Resource.
func (*Network) Delete(ctx context.Context, env *Env, id string, _ resource.PropertyMap) error {
	if _, err := env.Docker.Run(ctx, "network", "rm", id); err != nil && !dockercli.IsNotFound(err) {
		return fmt.Errorf("unable to remove network %s: %w", id, err)
	}
	return nil
}

// labelList turns Docker's label map into pulumi-docker's sorted {label, value} list.
func labelList(m map[string]string) []any {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]any, 0, len(keys))
	for _, k := range keys {
		out = append(out, map[string]any{"label": k, "value": m[k]})
	}
	return out
}
