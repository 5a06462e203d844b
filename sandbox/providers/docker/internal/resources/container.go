package resources

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/docker/internal/dockercli"
	"xingrin.invalid/providers/docker/internal/props"
	"xingrin.invalid/providers/docker/internal/schema"
)

// Container is docker:index/container:Container. A container cannot be changed in place,
// so every property replaces it, except the ones that only steer this provider (wait,
// waitTimeout, mustRun) and the restart policy (`docker update --restart`).
type Container struct{}

var containerSchema = &schema.Resource{
	Token: "docker:index/container:Container",
	// Upstream's ResourceInfo for docker_container: a container is always removed before its
	// replacement is created, whatever the program's own deleteBeforeReplace option says.
	DeleteBeforeReplace: true,
	AutoName:            true,
	// Flags follow upstream's Terraform schema: Replace = ForceNew, Computed = optional and
	// computed (left out, it keeps what Docker reported), Set = a Terraform set. The
	// healthcheck is not ForceNew upstream: changing it is an in-place update that leaves
	// the running container as it is (upstream's update does not touch it either).
	Fields: map[string]*schema.Field{
		"name":   {Kind: schema.String, Replace: true}, // auto-named when absent
		"image":  {Kind: schema.String, Required: true, Replace: true},
		"labels": {Kind: schema.ObjectList, Fields: labelFields, Replace: true, Set: true, Computed: true},
		"envs": {Kind: schema.StringList, Replace: true, Set: true, Computed: true,
			Validate: eachString(validateEnv)},
		"restart": {Kind: schema.String, Default: "no",
			OneOf: []string{"no", "on-failure", "always", "unless-stopped"}},
		"volumes": {Kind: schema.ObjectList, Replace: true, Set: true, Validate: validateVolumes, Fields: map[string]*schema.Field{
			"hostPath":      {Kind: schema.String},
			"volumeName":    {Kind: schema.String},
			"containerPath": {Kind: schema.String, Required: true},
			"readOnly":      {Kind: schema.Bool},
		}},
		"ports": {Kind: schema.ObjectList, Replace: true, Suppress: portsUnchanged, Fields: map[string]*schema.Field{
			"internal": {Kind: schema.Number, Required: true, Validate: validatePort},
			"external": {Kind: schema.Number, Computed: true, Validate: validatePort},
			"ip":       {Kind: schema.String, Default: "0.0.0.0"},
			"protocol": {Kind: schema.String, Default: "tcp", OneOf: []string{"tcp", "udp", "sctp"}},
		}},
		"healthcheck": {Kind: schema.Object, Computed: true, Fields: map[string]*schema.Field{
			"tests":         {Kind: schema.StringList, Required: true, Validate: validateTests},
			"interval":      {Kind: schema.String, Default: "0s", Validate: validateDuration},
			"timeout":       {Kind: schema.String, Default: "0s", Validate: validateDuration},
			"startPeriod":   {Kind: schema.String, Default: "0s", Validate: validateDuration},
			"startInterval": {Kind: schema.String, Default: "0s", Validate: validateDuration},
			"retries":       {Kind: schema.Number, Validate: validateCount},
		}},
		"networksAdvanced": {Kind: schema.ObjectList, Replace: true, Set: true, Fields: map[string]*schema.Field{
			"name":    {Kind: schema.String, Required: true},
			"aliases": {Kind: schema.StringList, Set: true},
		}},
		"wait":        {Kind: schema.Bool},
		"waitTimeout": {Kind: schema.Number, Default: 60.0, Validate: validatePositive},
		"mustRun":     {Kind: schema.Bool, Default: true},
		"command":     {Kind: schema.StringList, Replace: true, Computed: true},
		"entrypoints": {Kind: schema.StringList, Replace: true, Computed: true},
		"user":        {Kind: schema.String, Replace: true, Suppress: emptyInputKeepsState},
		"workingDir":  {Kind: schema.String, Replace: true, Suppress: emptyInputKeepsState},
		"hostname":    {Kind: schema.String, Replace: true, Computed: true},
		// Upstream properties accepted only at their defaults: this provider neither attaches
		// to nor auto-removes containers, and always starts them.
		"logs":   {Kind: schema.Bool, Only: false},
		"attach": {Kind: schema.Bool, Only: false},
		"rm":     {Kind: schema.Bool, Only: false},
		"start":  {Kind: schema.Bool, Only: true, Default: true},
	},
}

// emptyInputKeepsState is upstream's DiffSuppressFunc for user and working_dir: an empty (or
// absent) input means "Docker's default", whatever the container reports.
func emptyInputKeepsState(state, input any) bool {
	in, _ := input.(string)
	st, _ := state.(string)
	return in == "" || in == st
}

// portsUnchanged is upstream's DiffSuppressFunc for ports: the same number of ports, and every
// port in the state found in the inputs by its internal port, with the same protocol, external
// port and ip, in any order (Docker reports ports sorted by internal port).
func portsUnchanged(state, input any) bool {
	olds, news := anyList(state), anyList(input)
	if len(olds) != len(news) {
		return false
	}
	for _, o := range olds {
		op := anyMap(o)
		found := false
		for _, n := range news {
			np := anyMap(n)
			if np["internal"] != op["internal"] {
				continue
			}
			if np["protocol"] != op["protocol"] {
				if hasPort(news, op["internal"], op["protocol"]) {
					continue
				}
				return false
			}
			if anyNum(np["external"]) != anyNum(op["external"]) || np["ip"] != op["ip"] {
				return false
			}
			found = true
			break
		}
		if !found {
			return false
		}
	}
	return true
}

func hasPort(ports []any, internal, protocol any) bool {
	for _, p := range ports {
		if m := anyMap(p); m["internal"] == internal && m["protocol"] == protocol {
			return true
		}
	}
	return false
}

func anyList(v any) []any         { l, _ := v.([]any); return l }
func anyMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
func anyNum(v any) float64        { n, _ := v.(float64); return n }

// Schema implements Resource.
func (*Container) Schema() *schema.Resource { return containerSchema }

// Computed implements Resource: what Docker decides (unknown in the preview of a create
// unless the program gives it).
func (*Container) Computed() []string {
	return []string{"id", "bridge", "networkData", "exitCode", "labels", "envs", "healthcheck", "command",
		"entrypoints", "hostname"}
}

// healthStartIntervalAPI is the first Docker API version with --health-start-interval.
const healthStartIntervalAPI = "1.44"

// Create implements Resource: docker create, further networks, docker start, then (with
// wait) the healthcheck, then the container is read back (containerReadBack) into the state.
// A container that does not become healthy, or cannot be read back, is a partial failure
// (InitError): it exists, and the state records it.
func (*Container) Create(ctx context.Context, env *Env, inputs resource.PropertyMap) (string, map[string]any, error) {
	var in containerInputs
	if err := props.Decode(inputs, &in); err != nil {
		return "", nil, err
	}
	id, err := createContainer(ctx, env, in)
	if err != nil {
		if id != "" {
			return "", nil, &InitError{ID: id, Computed: map[string]any{"id": id}, Err: err}
		}
		return "", nil, err
	}
	computed := map[string]any{"id": id}
	if in.Wait {
		if err := waitHealthy(ctx, env, id, in.Name, waitTimeout(in)); err != nil {
			return "", nil, &InitError{ID: id, Computed: computed, Err: err}
		}
	}
	c, err := inspectContainer(ctx, env, id)
	if err != nil {
		return "", nil, &InitError{ID: id, Computed: computed, Err: fmt.Errorf("reading container %s back: %w", in.Name, err)}
	}
	return id, containerReadBack(c, in, len(in.Ports) > 0), nil
}

func createContainer(ctx context.Context, env *Env, in containerInputs) (string, error) {
	opts := createOptions{}
	if in.Healthcheck != nil {
		if d, _ := parseDuration(in.Healthcheck.StartInterval); d != 0 {
			// Upstream's Docker client refuses the whole container on an older daemon, before
			// anything is created; the error is the client's own.
			api, err := daemonAPIVersion(ctx, env)
			if err != nil {
				return "", fmt.Errorf("unable to create container %s on %s: %w", in.Name, env.Host, err)
			}
			if !apiAtLeast(api, healthStartIntervalAPI) {
				return "", fmt.Errorf("unable to create container %s on %s: %q requires API version %s, but the Docker daemon API version is %s",
					in.Name, env.Host, "specify health-check start interval", healthStartIntervalAPI, api)
			}
			opts.HealthStartInterval = true
		}
	}
	if len(in.Envs) > 0 {
		dir, err := os.MkdirTemp("", "pulumi-docker-env-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(dir)
		opts.EnvFile = filepath.Join(dir, "env")
		if err := os.WriteFile(opts.EnvFile, []byte(envFileContent(in.Envs)), 0o600); err != nil {
			return "", err
		}
	}
	args, err := createArgs(in, opts)
	if err != nil {
		return "", err
	}
	id, err := env.Docker.Run(ctx, args...)
	if err != nil {
		return "", fmt.Errorf("unable to create container %s on %s: %w", in.Name, env.Host, err)
	}
	// From here the container exists. As upstream, a failure leaves it in place with its id, so
	// the engine records it (when it still can) and the next up deals with it; a killed update
	// leaves it behind for the operator's recovery to find.
	fail := func(what string, err error) (string, error) {
		return id, fmt.Errorf("unable to %s container %s on %s: %w", what, in.Name, env.Host, err)
	}
	for _, cmd := range connectArgs(in, id) {
		if _, err := env.Docker.Run(ctx, cmd...); err != nil {
			return fail("connect network "+cmd[len(cmd)-2]+" to", err)
		}
	}
	if _, err := env.Docker.Run(ctx, "start", id); err != nil {
		return fail("start", err)
	}
	return id, nil
}

// daemonAPIVersion is the API version Configure found, else (daemon check disabled) the
// daemon's answer now.
func daemonAPIVersion(ctx context.Context, env *Env) (string, error) {
	if env.APIVersion != "" {
		return env.APIVersion, nil
	}
	out, err := env.Docker.Run(ctx, "version", "--format", "{{.Server.APIVersion}}")
	if err != nil {
		return "", fmt.Errorf("asking the Docker daemon for its API version: %w", err)
	}
	return strings.TrimSpace(out), nil
}

func waitTimeout(in containerInputs) time.Duration {
	if in.WaitTimeout <= 0 {
		return 60 * time.Second
	}
	return time.Duration(in.WaitTimeout) * time.Second
}

// Read implements Resource: the container read back from Docker (containerReadBack) over the
// stored state. A container that is gone reads as deleted, so a refresh drops it and the
// next update creates it again.
func (*Container) Read(ctx context.Context, env *Env, id string, state, inputs resource.PropertyMap) (ReadResult, error) {
	c, err := inspectContainer(ctx, env, id)
	if dockercli.IsNotFound(err) {
		return ReadResult{}, nil
	}
	if err != nil {
		return ReadResult{}, err
	}
	if len(state) == 0 { // import: name and image as Docker has them
		inputs = resource.NewPropertyMapFromMap(map[string]any{
			"name": strings.TrimLeft(c.Name, "/"), "image": c.Config.Image, "restart": c.HostConfig.RestartPolicy.Name,
		})
		state = inputs
	}
	var prev containerInputs
	if err := props.Decode(state, &prev); err != nil {
		return ReadResult{}, err
	}
	return ReadResult{ID: c.ID, State: props.Merge(state, containerReadBack(c, prev, len(prev.Ports) > 0)), Inputs: inputs}, nil
}

// Update implements Resource, as upstream's update does: a container that must run again
// (mustRun false in the state, true in the inputs) is started, and a changed restart policy
// is applied with `docker update`. Nothing else touches the container (a changed healthcheck
// only lands in the state), nothing is waited for, and nothing is read back: the new state is
// the planned one.
func (*Container) Update(ctx context.Context, env *Env, id string, olds, news resource.PropertyMap) (map[string]any, error) {
	var in, old containerInputs
	if err := props.Decode(news, &in); err != nil {
		return nil, err
	}
	if err := props.Decode(olds, &old); err != nil {
		return nil, err
	}
	wasStopped := old.MustRun != nil && !*old.MustRun
	if wasStopped && (in.MustRun == nil || *in.MustRun) && (in.Start == nil || *in.Start) {
		env.info("starting container %s again (it was not running)", in.Name)
		if _, err := env.Docker.Run(ctx, "start", id); err != nil {
			return nil, fmt.Errorf("unable to start container %s: %w", in.Name, err)
		}
	}
	if in.Restart != old.Restart {
		if _, err := env.Docker.Run(ctx, "update", "--restart", in.Restart, id); err != nil {
			return nil, fmt.Errorf("unable to change the restart policy of container %s: %w", in.Name, err)
		}
	}
	return nil, nil
}

// Delete implements Resource. -v removes the container's anonymous volumes (upstream's
// removeVolumes default); named volumes are never touched.
func (*Container) Delete(ctx context.Context, env *Env, id string, _ resource.PropertyMap) error {
	if _, err := env.Docker.Run(ctx, "rm", "-f", "-v", id); err != nil && !dockercli.IsNotFound(err) {
		return fmt.Errorf("unable to remove container %s: %w", id, err)
	}
	return nil
}

// ---- input checks (used by the schema) ----

func eachString(check func(string) string) func(any) string {
	return func(v any) string {
		list, _ := v.([]any)
		for i, e := range list {
			if s, ok := e.(string); ok {
				if reason := check(s); reason != "" {
					return fmt.Sprintf("[%d]: %s", i, reason)
				}
			}
		}
		return ""
	}
}

func validateVolumes(v any) string {
	list, _ := v.([]any)
	for i, e := range list {
		m, _ := e.(map[string]any)
		host, _ := m["hostPath"].(string)
		vol, _ := m["volumeName"].(string)
		switch {
		case host != "" && vol != "":
			return fmt.Sprintf("[%d]: give hostPath or volumeName, not both", i)
		case host != "" && !strings.HasPrefix(host, "/"):
			return fmt.Sprintf("[%d].hostPath %q must be an absolute path", i, host)
		}
		if cp, _ := m["containerPath"].(string); cp != "" && !strings.HasPrefix(cp, "/") {
			return fmt.Sprintf("[%d].containerPath %q must be an absolute path", i, cp)
		}
	}
	return ""
}

func validatePort(v any) string {
	n, _ := v.(float64)
	if n != float64(int(n)) || n < 1 || n > 65535 {
		return fmt.Sprintf("%v is not a port number (1-65535)", v)
	}
	return ""
}

func validateCount(v any) string {
	n, _ := v.(float64)
	if n != float64(int(n)) || n < 0 {
		return fmt.Sprintf("%v is not a whole number >= 0", v)
	}
	return ""
}

func validatePositive(v any) string {
	n, _ := v.(float64)
	if n != float64(int(n)) || n < 1 {
		return fmt.Sprintf("%v is not a whole number of seconds >= 1", v)
	}
	return ""
}

func validateTests(v any) string {
	list, _ := v.([]any)
	if len(list) == 0 {
		return "must not be empty (e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"])"
	}
	switch first, _ := list[0].(string); first {
	case "NONE":
		return ""
	case "CMD", "CMD-SHELL":
		if len(list) < 2 {
			return fmt.Sprintf("%s needs a command after it", first)
		}
		return ""
	default:
		return fmt.Sprintf("must start with \"CMD\", \"CMD-SHELL\" or \"NONE\", not %q", first)
	}
}
