package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// containerInspect is the part of `docker container inspect` that upstream's read function
// (resourceDockerContainerRead) stores for the properties this provider implements.
type containerInspect struct {
	ID     string         `json:"Id"`
	Name   string         `json:"Name"`
	Image  string         `json:"Image"`
	State  containerState `json:"State"`
	Config struct {
		Hostname    string   `json:"Hostname"`
		User        string   `json:"User"`
		WorkingDir  string   `json:"WorkingDir"`
		Cmd         []string `json:"Cmd"`
		Entrypoint  []string `json:"Entrypoint"`
		Image       string   `json:"Image"`
		Healthcheck *struct {
			Test          []string      `json:"Test"`
			Interval      time.Duration `json:"Interval"`
			Timeout       time.Duration `json:"Timeout"`
			StartPeriod   time.Duration `json:"StartPeriod"`
			StartInterval time.Duration `json:"StartInterval"` // absent before API 1.44: 0
			Retries       int           `json:"Retries"`
		} `json:"Healthcheck"`
	} `json:"Config"`
	HostConfig struct {
		AutoRemove    bool `json:"AutoRemove"`
		RestartPolicy struct {
			Name string `json:"Name"`
		} `json:"RestartPolicy"`
	} `json:"HostConfig"`
	NetworkSettings *struct {
		Bridge string `json:"Bridge"`
		Ports  map[string][]struct {
			HostIP   string `json:"HostIp"`
			HostPort string `json:"HostPort"`
		} `json:"Ports"`
		Networks map[string]struct {
			IPAddress           string `json:"IPAddress"`
			IPPrefixLen         int    `json:"IPPrefixLen"`
			Gateway             string `json:"Gateway"`
			GlobalIPv6Address   string `json:"GlobalIPv6Address"`
			GlobalIPv6PrefixLen int    `json:"GlobalIPv6PrefixLen"`
			IPv6Gateway         string `json:"IPv6Gateway"`
			MacAddress          string `json:"MacAddress"`
		} `json:"Networks"`
	} `json:"NetworkSettings"`
}

func inspectContainer(ctx context.Context, env *Env, id string) (*containerInspect, error) {
	out, err := env.Docker.Run(ctx, "container", "inspect", "--format", "{{json .}}", id)
	if err != nil {
		return nil, err
	}
	var c containerInspect
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		return nil, fmt.Errorf("reading docker container inspect output: %w", err)
	}
	return &c, nil
}

// containerReadBack is what upstream's read function stores in the state, for the properties
// of this provider's subset, normalized as upstream normalizes it:
//
//   - name without Docker's leading "/"; image as the image ID when the state holds an ID
//     ("sha256:…"), else as the container's configured image reference;
//   - hostname, user, workingDir, command and entrypoints from the container's config (an
//     absent command or entrypoint reads as an empty list); restart from its restart policy;
//     rm from its auto-remove flag;
//   - the healthcheck, when the container has one, with every duration written by Go's
//     time.Duration.String() ("60s" reads back as "1m0s", 0 as "0s");
//   - ports, only when the state has ports and the container is running or must run: every
//     published binding, sorted by internal port, with Docker's host IP and port;
//   - a container that is not running: its exit code, and mustRun false (upstream's way of
//     making the next update start it again);
//   - bridge and networkData from its network settings.
//
// Labels, envs, volumes and networksAdvanced are not read back (upstream leaves them as the
// program gave them), nor are wait, waitTimeout, logs, attach and start.
//
// prev is what the state held before (the inputs, right after a create): it says how the
// image was given and whether ports are tracked, and undoes the docker CLI's rewriting of
// exec-form healthchecks and multi-word entrypoints (see unCLI*).
func containerReadBack(c *containerInspect, prev containerInputs, hasPorts bool) map[string]any {
	out := map[string]any{"id": c.ID}
	mustRun := prev.MustRun == nil || *prev.MustRun
	if ns := c.NetworkSettings; ns != nil {
		out["bridge"] = ns.Bridge
		if hasPorts && (c.State.Running || mustRun) {
			out["ports"] = flattenPorts(ns.Ports)
		}
		networks := make([]any, 0, len(ns.Networks))
		for _, name := range sortedKeys(ns.Networks) {
			n := ns.Networks[name]
			networks = append(networks, map[string]any{
				"networkName": name, "ipAddress": n.IPAddress, "ipPrefixLength": float64(n.IPPrefixLen),
				"gateway": n.Gateway, "globalIpv6Address": n.GlobalIPv6Address,
				"globalIpv6PrefixLength": float64(n.GlobalIPv6PrefixLen), "ipv6Gateway": n.IPv6Gateway,
				"macAddress": n.MacAddress,
			})
		}
		out["networkData"] = networks
	}
	if !c.State.Running {
		out["exitCode"] = float64(c.State.ExitCode)
		if mustRun {
			out["mustRun"] = false
		}
	}
	out["name"] = strings.TrimLeft(c.Name, "/")
	out["rm"] = c.HostConfig.AutoRemove
	if strings.HasPrefix(prev.Image, "sha256:") {
		out["image"] = c.Image
	} else {
		out["image"] = c.Config.Image
	}
	entrypoint, command := unCLIEntrypoint(c.Config.Entrypoint, c.Config.Cmd, prev.Entrypoints, prev.Command)
	out["hostname"] = c.Config.Hostname
	out["command"] = stringsToAny(command)
	out["entrypoints"] = stringsToAny(entrypoint)
	out["user"] = c.Config.User
	out["restart"] = c.HostConfig.RestartPolicy.Name
	out["workingDir"] = c.Config.WorkingDir
	if h := c.Config.Healthcheck; h != nil {
		var sent []string
		if prev.Healthcheck != nil {
			sent = prev.Healthcheck.Tests
		}
		out["healthcheck"] = map[string]any{
			"tests":         stringsToAny(unCLITest(h.Test, sent)),
			"interval":      h.Interval.String(),
			"timeout":       h.Timeout.String(),
			"startPeriod":   h.StartPeriod.String(),
			"startInterval": h.StartInterval.String(),
			"retries":       float64(h.Retries),
		}
	}
	return out
}

// flattenPorts lists Docker's port bindings as pulumi-docker ports, sorted by internal port
// (upstream sorts by port number only; protocol, then host IP and port break ties here).
func flattenPorts(in map[string][]struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}) []any {
	type port struct {
		internal, external int
		ip, protocol       string
	}
	var ports []port
	for key, bindings := range in {
		number, protocol, _ := strings.Cut(key, "/")
		internal, _ := strconv.Atoi(number)
		for _, b := range bindings {
			external, _ := strconv.Atoi(b.HostPort)
			ports = append(ports, port{internal, external, b.HostIP, protocol})
		}
	}
	sort.Slice(ports, func(i, j int) bool {
		a, b := ports[i], ports[j]
		if a.internal != b.internal {
			return a.internal < b.internal
		}
		if a.protocol != b.protocol {
			return a.protocol < b.protocol
		}
		if a.ip != b.ip {
			return a.ip < b.ip
		}
		return a.external < b.external
	})
	out := make([]any, len(ports))
	for i, p := range ports {
		out[i] = map[string]any{"internal": float64(p.internal), "external": float64(p.external), "ip": p.ip, "protocol": p.protocol}
	}
	return out
}

// unCLITest undoes the docker CLI's one rewrite of a healthcheck: it only has --health-cmd, so
// the test this provider sent as ["CMD", "redis-cli", "ping"] reaches Docker as
// ["CMD-SHELL", "redis-cli ping"] (see healthArgs). When Docker reports exactly what the CLI
// made of the test sent, the test sent is what upstream (which sends it as it is) reads back;
// anything else (a container changed by hand) is reported as Docker has it.
func unCLITest(read, sent []string) []string {
	if len(sent) > 0 {
		if cli, err := cliTest(sent); err == nil && reflect.DeepEqual(cli, read) {
			return sent
		}
	}
	return read
}

// cliTest is the test Docker stores for a test sent through healthArgs.
func cliTest(test []string) ([]string, error) {
	args, err := healthArgs(healthcheck{Tests: test}, false)
	if err != nil {
		return nil, err
	}
	if len(args) == 1 && args[0] == "--no-healthcheck" {
		return []string{"NONE"}, nil
	}
	return []string{"CMD-SHELL", args[1]}, nil
}

// unCLIEntrypoint undoes the CLI's rewrite of a multi-word entrypoint: --entrypoint takes one
// word, so this provider sends the rest of it ahead of the command (see createArgs).
func unCLIEntrypoint(entrypoint, cmd, sentEntrypoint, sentCmd []string) ([]string, []string) {
	if len(sentEntrypoint) > 1 && reflect.DeepEqual(entrypoint, sentEntrypoint[:1]) &&
		reflect.DeepEqual(nonNil(cmd), append(append([]string{}, sentEntrypoint[1:]...), sentCmd...)) {
		return sentEntrypoint, sentCmd
	}
	return entrypoint, cmd
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func stringsToAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
