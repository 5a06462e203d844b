package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/docker/internal/dockercli"
	"xingrin.invalid/providers/docker/internal/props"
	"xingrin.invalid/providers/docker/internal/schema"
)

// RemoteImage is docker:index/remoteImage:RemoteImage: an image present on the host,
// pulled or built. Its ID is upstream's `<imageId><name>`.
type RemoteImage struct{}

var imageSchema = &schema.Resource{
	Token: "docker:index/remoteImage:RemoteImage",
	Fields: map[string]*schema.Field{
		"name":         {Kind: schema.String, Required: true, Replace: true},
		"keepLocally":  {Kind: schema.Bool},
		"forceRemove":  {Kind: schema.Bool},
		"triggers":     {Kind: schema.Any, Replace: true},
		"pullTriggers": {Kind: schema.StringList, Replace: true, Set: true},
		"platform":     {Kind: schema.String, Replace: true},
		"build": {Kind: schema.Object, Replace: true, Fields: map[string]*schema.Field{
			"context":    {Kind: schema.String, Required: true},
			"dockerfile": {Kind: schema.String, Default: "Dockerfile"},
			"buildArgs":  {Kind: schema.StringMap},
			"tags":       {Kind: schema.StringList},
		}},
	},
}

type imageInputs struct {
	Name        string      `json:"name"`
	KeepLocally bool        `json:"keepLocally"`
	ForceRemove bool        `json:"forceRemove"`
	Platform    string      `json:"platform"`
	Build       *imageBuild `json:"build"`
}

type imageBuild struct {
	Context    string            `json:"context"`
	Dockerfile string            `json:"dockerfile"`
	BuildArgs  map[string]string `json:"buildArgs"`
	Tags       []string          `json:"tags"`
}

type imageInspect struct {
	ID           string   `json:"Id"`
	RepoDigests  []string `json:"RepoDigests"`
	Os           string   `json:"Os"`
	Architecture string   `json:"Architecture"`
	Variant      string   `json:"Variant"`
}

// Schema implements Resource.
func (*RemoteImage) Schema() *schema.Resource { return imageSchema }

// Computed implements Resource.
func (*RemoteImage) Computed() []string { return []string{"imageId", "repoDigest"} }

// Create implements Resource. An image already on the host is used as it is, without asking
// the registry: that is what makes a rollback pull nothing (and work with the registry down).
func (*RemoteImage) Create(ctx context.Context, env *Env, inputs resource.PropertyMap) (string, map[string]any, error) {
	var in imageInputs
	if err := props.Decode(inputs, &in); err != nil {
		return "", nil, err
	}
	switch local, err := inspectImage(ctx, env, in.Name); {
	case in.Build != nil:
		if err := buildImage(ctx, env, in); err != nil {
			return "", nil, err
		}
	case err == nil && platformMatches(in.Platform, local):
		// Already there: nothing to pull. Upstream says nothing about it, nor about pulls.
	case err != nil && !dockercli.IsNotFound(err):
		return "", nil, fmt.Errorf("unable to inspect image %s on %s: %w", in.Name, env.Host, err)
	default:
		if err := pullImage(ctx, env, in); err != nil {
			return "", nil, err
		}
	}
	img, err := inspectImage(ctx, env, in.Name)
	if err != nil {
		return "", nil, fmt.Errorf("image %s is not on %s after pulling/building it: %w", in.Name, env.Host, err)
	}
	computed := imageComputed(in.Name, img)
	return img.ID + in.Name, computed, nil
}

func imageComputed(name string, img *imageInspect) map[string]any {
	return map[string]any{"imageId": img.ID, "repoDigest": repoDigestFor(name, img.RepoDigests)}
}

func inspectImage(ctx context.Context, env *Env, name string) (*imageInspect, error) {
	out, err := env.Docker.Run(ctx, "image", "inspect", "--format", "{{json .}}", name)
	if err != nil {
		return nil, err
	}
	var img imageInspect
	if err := json.Unmarshal([]byte(out), &img); err != nil {
		return nil, fmt.Errorf("reading docker image inspect output: %w", err)
	}
	return &img, nil
}

func pullImage(ctx context.Context, env *Env, in imageInputs) error {
	args := []string{"pull"}
	if in.Platform != "" {
		args = append(args, "--platform", in.Platform)
	}
	// Silent, as upstream is: the engine's "creating (Ns)" is the only progress an operator sees.
	if err := env.Docker.Stream(ctx, func(string) {}, append(args, in.Name)...); err != nil {
		return fmt.Errorf("unable to pull image %s: %w", in.Name, err)
	}
	return nil
}

// buildArgs is the `docker build` command line for a build block (pure, for tests).
func buildArgs(in imageInputs) []string {
	b := in.Build
	dockerfile := b.Dockerfile
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	if !filepath.IsAbs(dockerfile) {
		dockerfile = filepath.Join(b.Context, dockerfile)
	}
	args := []string{"build", "-f", dockerfile}
	keys := make([]string, 0, len(b.BuildArgs))
	for k := range b.BuildArgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "--build-arg", k+"="+b.BuildArgs[k])
	}
	if in.Platform != "" {
		args = append(args, "--platform", in.Platform)
	}
	args = append(args, "-t", in.Name)
	for _, t := range b.Tags {
		if t != in.Name {
			args = append(args, "-t", t)
		}
	}
	return append(args, b.Context)
}

func buildImage(ctx context.Context, env *Env, in imageInputs) error {
	// Silent, as upstream is; a failed build's error carries Docker's output.
	if err := env.Docker.Stream(ctx, func(string) {}, buildArgs(in)...); err != nil {
		return fmt.Errorf("unable to build image %s: %w", in.Name, err)
	}
	return nil
}

// platformMatches: without a platform any local image will do; with one, only an image of
// that os/arch[/variant] (so asking for another platform pulls it).
func platformMatches(platform string, img *imageInspect) bool {
	if platform == "" || img == nil {
		return true
	}
	have := img.Os + "/" + img.Architecture
	if img.Variant != "" && strings.Count(platform, "/") == 2 {
		have += "/" + img.Variant
	}
	return strings.EqualFold(platform, have)
}

// repoDigestFor is upstream's choice of repoDigest (determineRepoDigest): none for an image
// without digests (built here, never pushed or pulled), the only one if there is one, else the
// first that starts with the name up to its first ":" (the tag, or a registry's port), else the
// first of all.
func repoDigestFor(name string, digests []string) string {
	switch len(digests) {
	case 0:
		return ""
	case 1:
		return digests[0]
	}
	prefix, _, _ := strings.Cut(name, ":")
	for _, d := range digests {
		if strings.HasPrefix(d, prefix) {
			return d
		}
	}
	return digests[0]
}

var imageIDPrefix = regexp.MustCompile(`^sha256:[0-9a-f]{64}`)

// Read implements Resource. An image removed from the host reads as deleted, so a refresh
// (or the next up) puts it back.
func (*RemoteImage) Read(ctx context.Context, env *Env, id string, state, inputs resource.PropertyMap) (ReadResult, error) {
	name := ""
	if v, ok := state["name"]; ok {
		if p, err := props.Plain("name", v); err == nil {
			name, _ = p.(string)
		}
	}
	if name == "" { // import: the ID is <imageId><name>, or just a name
		name = imageIDPrefix.ReplaceAllString(id, "")
	}
	img, err := inspectImage(ctx, env, name)
	if dockercli.IsNotFound(err) {
		return ReadResult{}, nil
	}
	if err != nil {
		return ReadResult{}, err
	}
	if len(state) == 0 {
		inputs = resource.NewPropertyMapFromMap(map[string]any{"name": name})
		state = inputs
	}
	return ReadResult{ID: img.ID + name, State: props.Merge(state, imageComputed(name, img)), Inputs: inputs}, nil
}

// Update implements Resource: only keepLocally and forceRemove update in place, and both
// matter only at deletion. As upstream's update, it makes sure the image is there (pulling it
// if it went missing) and reads it back.
func (*RemoteImage) Update(ctx context.Context, env *Env, _ string, _, news resource.PropertyMap) (map[string]any, error) {
	var in imageInputs
	if err := props.Decode(news, &in); err != nil {
		return nil, err
	}
	img, err := inspectImage(ctx, env, in.Name)
	if dockercli.IsNotFound(err) {
		if err := pullImage(ctx, env, in); err != nil {
			return nil, err
		}
		img, err = inspectImage(ctx, env, in.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("unable to read image %s on %s: %w", in.Name, env.Host, err)
	}
	return imageComputed(in.Name, img), nil
}

// Delete implements Resource. With keepLocally (how the XingRin program uses it) the image
// stays on the host so rolling back needs no pull.
func (*RemoteImage) Delete(ctx context.Context, env *Env, id string, state resource.PropertyMap) error {
	var in imageInputs
	if err := props.Decode(state, &in); err != nil {
		return err
	}
	if in.Name == "" {
		in.Name = imageIDPrefix.ReplaceAllString(id, "")
	}
	if in.KeepLocally {
		return nil
	}
	args := []string{"rmi"}
	if in.ForceRemove {
		args = append(args, "-f")
	}
	if _, err := env.Docker.Run(ctx, append(args, in.Name)...); err != nil && !dockercli.IsNotFound(err) {
		return fmt.Errorf("unable to remove image %s: %w", in.Name, err)
	}
	return nil
}
