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
	},
}

type networkInputs struct {
	Name   string  `json:"name"`
	Driver string  `json:"driver"`
	Labels []label `json:"labels"`
}

// Schema implements Resource.
func (*Network) Schema() *schema.Resource { return networkSchema }

// Computed implements Resource.
func (*Network) Computed() []string { return []string{"id"} }

// Create implements Resource. An existing network of the same name is refused rather than
// adopted: it may belong to something else, and deleting the stack would remove it.
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
	id, err := env.Docker.Run(ctx, append(args, in.Name)...)
	if err != nil {
		return "", nil, fmt.Errorf("unable to create network %s: %w", in.Name, err)
	}
	return id, map[string]any{"id": id}, nil
}

type networkInspect struct {
	ID     string            `json:"Id"`
	Name   string            `json:"Name"`
	Driver string            `json:"Driver"`
	Labels map[string]string `json:"Labels"`
}

// Read implements Resource. Only existence is refreshed; an import takes name, driver and
// labels from Docker.
func (*Network) Read(ctx context.Context, env *Env, id string, state, inputs resource.PropertyMap) (ReadResult, error) {
	out, err := env.Docker.Run(ctx, "network", "inspect", "--format", "{{json .}}", id)
	if dockercli.IsNotFound(err) {
		return ReadResult{}, nil
	}
	if err != nil {
		return ReadResult{}, err
	}
	var n networkInspect
	if err := json.Unmarshal([]byte(out), &n); err != nil {
		return ReadResult{}, fmt.Errorf("reading docker network inspect output: %w", err)
	}
	if len(state) == 0 { // import
		in := map[string]any{"name": n.Name, "driver": n.Driver}
		if ls := labelList(n.Labels); len(ls) > 0 {
			in["labels"] = ls
		}
		inputs = resource.NewPropertyMapFromMap(in)
		state = props.Merge(inputs, map[string]any{"id": n.ID})
	}
	return ReadResult{ID: n.ID, State: state, Inputs: inputs}, nil
}

// Update implements Resource; never called, as every property replaces.
func (*Network) Update(_ context.Context, _ *Env, id string, _, _ resource.PropertyMap) (map[string]any, error) {
	return map[string]any{"id": id}, nil
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
