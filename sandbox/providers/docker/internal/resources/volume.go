package resources

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/docker/internal/dockercli"
	"xingrin.invalid/providers/docker/internal/props"
	"xingrin.invalid/providers/docker/internal/schema"
)

// Volume is docker:index/volume:Volume, identified by its name (as upstream). Any change
// replaces it.
type Volume struct{}

var volumeSchema = &schema.Resource{
	Token:    "docker:index/volume:Volume",
	AutoName: true,
	Fields: map[string]*schema.Field{
		"name":   {Kind: schema.String, Replace: true}, // auto-named when absent
		"driver": {Kind: schema.String, Replace: true, Computed: true},
		"labels": {Kind: schema.ObjectList, Fields: labelFields, Replace: true, Set: true},
	},
}

type volumeInputs struct {
	Name   string  `json:"name"`
	Driver string  `json:"driver"`
	Labels []label `json:"labels"`
}

type volumeInspect struct {
	Name       string            `json:"Name"`
	Driver     string            `json:"Driver"`
	Mountpoint string            `json:"Mountpoint"`
	Labels     map[string]string `json:"Labels"`
	Options    map[string]string `json:"Options"`
}

// volumeReadBack is what upstream's read stores: name, labels, driver, driver options and
// mount point.
func volumeReadBack(v *volumeInspect) map[string]any {
	return map[string]any{"name": v.Name, "labels": labelList(v.Labels), "driver": v.Driver,
		"driverOpts": stringMap(v.Options), "mountpoint": v.Mountpoint}
}

// Schema implements Resource.
func (*Volume) Schema() *schema.Resource { return volumeSchema }

// Computed implements Resource.
func (*Volume) Computed() []string { return []string{"driver", "mountpoint"} }

// Create implements Resource. `docker volume create` returns an existing volume of the same
// name unchanged; that is kept on purpose, so a database volume left behind by an earlier
// stack (or by retainOnDelete) is picked up with its data.
func (*Volume) Create(ctx context.Context, env *Env, inputs resource.PropertyMap) (string, map[string]any, error) {
	var in volumeInputs
	if err := props.Decode(inputs, &in); err != nil {
		return "", nil, err
	}
	args := []string{"volume", "create"}
	if in.Driver != "" {
		args = append(args, "--driver", in.Driver)
	}
	args = append(append(args, labelArgs(in.Labels)...), in.Name)
	if _, err := env.Docker.Run(ctx, args...); err != nil {
		return "", nil, fmt.Errorf("unable to create volume %s: %w", in.Name, err)
	}
	v, err := inspectVolume(ctx, env, in.Name)
	if err != nil {
		return "", nil, fmt.Errorf("volume %s was created but cannot be inspected: %w", in.Name, err)
	}
	return v.Name, volumeReadBack(v), nil
}

func inspectVolume(ctx context.Context, env *Env, name string) (*volumeInspect, error) {
	out, err := env.Docker.Run(ctx, "volume", "inspect", "--format", "{{json .}}", name)
	if err != nil {
		return nil, err
	}
	var v volumeInspect
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		return nil, fmt.Errorf("reading docker volume inspect output: %w", err)
	}
	return &v, nil
}

// Read implements Resource: the volume read back over the state (volumeReadBack); a volume
// removed by hand reads as deleted.
func (*Volume) Read(ctx context.Context, env *Env, id string, state, inputs resource.PropertyMap) (ReadResult, error) {
	v, err := inspectVolume(ctx, env, id)
	if dockercli.IsNotFound(err) {
		return ReadResult{}, nil
	}
	if err != nil {
		return ReadResult{}, err
	}
	computed := volumeReadBack(v)
	if len(state) == 0 { // import
		in := map[string]any{"name": v.Name}
		if ls := labelList(v.Labels); len(ls) > 0 {
			in["labels"] = ls
		}
		inputs = resource.NewPropertyMapFromMap(in)
		state = inputs
	}
	return ReadResult{ID: v.Name, State: props.Merge(state, computed), Inputs: inputs}, nil
}

// Update implements Resource; only reached to clear a partial failure, as every property
// replaces: nothing to do.
func (*Volume) Update(context.Context, *Env, string, resource.PropertyMap, resource.PropertyMap) (map[string]any, error) {
	return nil, nil
}

// Delete implements Resource. Not reached for volumes with retainOnDelete (the engine
// skips the call).
func (*Volume) Delete(ctx context.Context, env *Env, id string, _ resource.PropertyMap) error {
	if _, err := env.Docker.Run(ctx, "volume", "rm", id); err != nil && !dockercli.IsNotFound(err) {
		return fmt.Errorf("unable to remove volume %s: %w", id, err)
	}
	return nil
}
