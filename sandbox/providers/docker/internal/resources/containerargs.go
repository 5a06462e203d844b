package resources

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// containerInputs is the implemented subset of a Container's inputs.
type containerInputs struct {
	Name             string              `json:"name"`
	Image            string              `json:"image"`
	Labels           []label             `json:"labels"`
	Envs             []string            `json:"envs"`
	Restart          string              `json:"restart"`
	Volumes          []containerVolume   `json:"volumes"`
	Ports            []containerPort     `json:"ports"`
	Healthcheck      *healthcheck        `json:"healthcheck"`
	NetworksAdvanced []networkAttachment `json:"networksAdvanced"`
	Wait             bool                `json:"wait"`
	WaitTimeout      int                 `json:"waitTimeout"`
	MustRun          *bool               `json:"mustRun"`
	Start            *bool               `json:"start"`
	Command          []string            `json:"command"`
	Entrypoints      []string            `json:"entrypoints"`
	User             string              `json:"user"`
	WorkingDir       string              `json:"workingDir"`
	Hostname         string              `json:"hostname"`
}

type containerVolume struct {
	HostPath      string `json:"hostPath"`
	VolumeName    string `json:"volumeName"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

type containerPort struct {
	Internal int    `json:"internal"`
	External int    `json:"external"`
	IP       string `json:"ip"`
	Protocol string `json:"protocol"`
}

type healthcheck struct {
	Tests         []string `json:"tests"`
	Interval      string   `json:"interval"`
	Timeout       string   `json:"timeout"`
	StartPeriod   string   `json:"startPeriod"`
	StartInterval string   `json:"startInterval"`
	Retries       int      `json:"retries"`
}

type networkAttachment struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
}

// createOptions are the parts of `docker create` that depend on more than the inputs.
type createOptions struct {
	// EnvFile is the file holding the envs. Envs go through a file (mode 0600, removed right
	// after) rather than -e flags: they carry secrets, and a command line is visible to every
	// user of the machine.
	EnvFile string
	// HealthStartInterval: pass --health-start-interval. Only set once the daemon is known
	// to have API >= 1.44 (createContainer refuses the container otherwise, as upstream does).
	HealthStartInterval bool
}

// createArgs is the `docker create` command line for the inputs (pure, for tests). Only
// the first network is given here; Docker attaches further ones with `network connect`
// (see connectArgs), as `docker create` takes one network with aliases.
func createArgs(in containerInputs, opts createOptions) ([]string, error) {
	args := []string{"create", "--name", in.Name}
	if in.Hostname != "" {
		args = append(args, "--hostname", in.Hostname)
	}
	if in.User != "" {
		args = append(args, "--user", in.User)
	}
	if in.WorkingDir != "" {
		args = append(args, "--workdir", in.WorkingDir)
	}
	if in.Restart != "" {
		args = append(args, "--restart", in.Restart)
	}
	args = append(args, labelArgs(in.Labels)...)
	if len(in.Envs) > 0 {
		if opts.EnvFile == "" {
			return nil, fmt.Errorf("internal error: envs without an env file")
		}
		args = append(args, "--env-file", opts.EnvFile)
	}
	for _, v := range in.Volumes {
		args = append(args, "-v", volumeSpec(v))
	}
	for _, p := range in.Ports {
		args = append(args, "-p", portSpec(p))
	}
	if in.Healthcheck != nil {
		h, err := healthArgs(*in.Healthcheck, opts.HealthStartInterval)
		if err != nil {
			return nil, err
		}
		args = append(args, h...)
	}
	if len(in.NetworksAdvanced) > 0 {
		first := in.NetworksAdvanced[0]
		args = append(args, "--network", first.Name)
		for _, a := range first.Aliases {
			args = append(args, "--network-alias", a)
		}
	}
	// `--entrypoint` takes one word: the rest of the entrypoint goes before the command,
	// which gives the process the same argv as upstream's Entrypoint + Cmd.
	var tail []string
	if len(in.Entrypoints) > 0 {
		args = append(args, "--entrypoint", in.Entrypoints[0])
		tail = append(tail, in.Entrypoints[1:]...)
	}
	args = append(args, in.Image)
	args = append(args, tail...)
	return append(args, in.Command...), nil
}

// connectArgs are the `docker network connect` commands for the networks after the first.
func connectArgs(in containerInputs, container string) [][]string {
	var cmds [][]string
	for i, n := range in.NetworksAdvanced {
		if i == 0 {
			continue
		}
		cmd := []string{"network", "connect"}
		for _, a := range n.Aliases {
			cmd = append(cmd, "--alias", a)
		}
		cmds = append(cmds, append(cmd, n.Name, container))
	}
	return cmds
}

// envFileContent renders envs for --env-file: one K=V per line, taken literally by docker.
func envFileContent(envs []string) string {
	var b strings.Builder
	for _, e := range envs {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	return b.String()
}

// validateEnv is the schema check of one "K=V" entry: what --env-file cannot carry is
// refused in Check instead of failing (or silently changing meaning) at create.
func validateEnv(e string) string {
	name, _, _ := strings.Cut(e, "=")
	switch {
	case name == "":
		return fmt.Sprintf("%q has no variable name (use NAME=value)", redact(e))
	case strings.ContainsAny(name, " \t"):
		return fmt.Sprintf("variable name %q contains white space", name)
	case strings.HasPrefix(name, "#"):
		return fmt.Sprintf("variable name %q starts with #", name)
	case strings.ContainsAny(e, "\n\r"):
		return fmt.Sprintf("the value of %s contains a line break, which this provider cannot pass to docker", name)
	}
	return ""
}

// redact keeps a value out of a message (envs often hold secrets).
func redact(e string) string {
	if name, _, ok := strings.Cut(e, "="); ok {
		return name + "=…"
	}
	return e
}

func volumeSpec(v containerVolume) string {
	src := v.HostPath
	if src == "" {
		src = v.VolumeName
	}
	spec := v.ContainerPath
	if src != "" {
		spec = src + ":" + spec
	}
	if v.ReadOnly {
		spec += ":ro"
	}
	return spec
}

func portSpec(p containerPort) string {
	ip := p.IP
	if strings.Contains(ip, ":") { // IPv6
		ip = "[" + ip + "]"
	}
	external := ""
	if p.External != 0 {
		external = strconv.Itoa(p.External)
	}
	proto := p.Protocol
	if proto == "" {
		proto = "tcp"
	}
	spec := fmt.Sprintf("%d/%s", p.Internal, proto)
	if ip != "" {
		return ip + ":" + external + ":" + spec
	}
	if external != "" {
		return external + ":" + spec
	}
	return spec
}

// healthArgs maps pulumi-docker's healthcheck onto the docker CLI's flags. The CLI only
// has a shell-form --health-cmd, so an exec-form test (["CMD", "redis-cli", "ping"]) is
// passed as the equivalent shell command with each argument quoted; it then runs through
// the image's /bin/sh.
func healthArgs(h healthcheck, startInterval bool) ([]string, error) {
	if len(h.Tests) == 0 {
		return nil, fmt.Errorf("healthcheck.tests is empty")
	}
	var args []string
	switch h.Tests[0] {
	case "NONE":
		return []string{"--no-healthcheck"}, nil
	case "CMD-SHELL":
		args = append(args, "--health-cmd", strings.Join(h.Tests[1:], " "))
	case "CMD":
		quoted := make([]string, len(h.Tests)-1)
		for i, a := range h.Tests[1:] {
			quoted[i] = shellQuote(a)
		}
		args = append(args, "--health-cmd", strings.Join(quoted, " "))
	default:
		return nil, fmt.Errorf("healthcheck.tests must start with CMD, CMD-SHELL or NONE, not %q", h.Tests[0])
	}
	durations := []struct{ flag, value string }{
		{"--health-interval", h.Interval},
		{"--health-timeout", h.Timeout},
		{"--health-start-period", h.StartPeriod},
	}
	if startInterval {
		durations = append(durations, struct{ flag, value string }{"--health-start-interval", h.StartInterval})
	}
	for _, d := range durations {
		parsed, err := parseDuration(d.value)
		if err != nil {
			return nil, fmt.Errorf("healthcheck %s: %w", strings.TrimPrefix(d.flag, "--health-"), err)
		}
		if parsed > 0 {
			args = append(args, d.flag, formatDuration(parsed))
		}
	}
	if h.Retries > 0 {
		args = append(args, "--health-retries", strconv.Itoa(h.Retries))
	}
	return args, nil
}

// formatDuration writes a duration the way people write it ("1m", "1h") instead of Go's
// "1m0s" and "1h0m0s"; "30s", "1m30s" and "500ms" are left as they are.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// shellQuote quotes one word for /bin/sh (single quotes, unless it is plainly safe).
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// apiAtLeast compares Docker API versions such as "1.41" and "1.44".
func apiAtLeast(have, want string) bool {
	hMaj, hMin := splitAPI(have)
	wMaj, wMin := splitAPI(want)
	if hMaj != wMaj {
		return hMaj > wMaj
	}
	return hMin >= wMin
}

func splitAPI(v string) (int, int) {
	major, minor, _ := strings.Cut(strings.TrimSpace(v), ".")
	a, _ := strconv.Atoi(major)
	b, _ := strconv.Atoi(minor)
	return a, b
}
