package resources

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// The XingRin server container as the program declares it (after Check's defaults).
func serverInputs() containerInputs {
	return containerInputs{
		Name:    "xingrin-server",
		Image:   "sha256:0123",
		Labels:  []label{{Label: "xingrin.image", Value: "127.0.0.1:5000/yyhuni/xingrin-server:v1.1.0"}},
		Envs:    []string{"IMAGE_TAG=v1.1.0", "DB_PASSWORD=secret"},
		Restart: "always",
		Volumes: []containerVolume{
			{HostPath: "/opt/xingrin", ContainerPath: "/opt/xingrin"},
			{HostPath: "/var/run/docker.sock", ContainerPath: "/var/run/docker.sock"},
			{VolumeName: "xingrin_postgres_data", ContainerPath: "/var/lib/postgresql/data", ReadOnly: true},
		},
		Ports: []containerPort{{Internal: 8888, External: 18888, IP: "0.0.0.0", Protocol: "tcp"}},
		Healthcheck: &healthcheck{
			Tests:    []string{"CMD-SHELL", "curl -f http://localhost:8888/api/health/ || exit 1"},
			Interval: "30s", Timeout: "10s", Retries: 3, StartPeriod: "60s", StartInterval: "2s",
		},
		NetworksAdvanced: []networkAttachment{{Name: "xingrin_network", Aliases: []string{"server"}}},
		Wait:             true,
		WaitTimeout:      180,
	}
}

func TestCreateArgsExact(t *testing.T) {
	args, err := createArgs(serverInputs(), createOptions{EnvFile: "/tmp/env"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"create", "--name", "xingrin-server",
		"--restart", "always",
		"--label", "xingrin.image=127.0.0.1:5000/yyhuni/xingrin-server:v1.1.0",
		"--env-file", "/tmp/env",
		"-v", "/opt/xingrin:/opt/xingrin",
		"-v", "/var/run/docker.sock:/var/run/docker.sock",
		"-v", "xingrin_postgres_data:/var/lib/postgresql/data:ro",
		"-p", "0.0.0.0:18888:8888/tcp",
		"--health-cmd", "curl -f http://localhost:8888/api/health/ || exit 1",
		"--health-interval", "30s", "--health-timeout", "10s", "--health-start-period", "1m",
		"--health-retries", "3",
		"--network", "xingrin_network", "--network-alias", "server",
		"sha256:0123",
	}
	if !reflect.DeepEqual(args, want) {
		t.Fatalf("args\n got %q\nwant %q", args, want)
	}
	for _, a := range args {
		if strings.Contains(a, "secret") {
			t.Fatalf("an env value reached the command line: %q", a)
		}
	}
}

func TestCreateArgsStartIntervalOnlyForNewDaemons(t *testing.T) {
	args, _ := createArgs(serverInputs(), createOptions{EnvFile: "/e", HealthStartInterval: true})
	if !strings.Contains(strings.Join(args, " "), "--health-start-interval 2s") {
		t.Fatalf("API >= 1.44 gets --health-start-interval: %q", args)
	}
	if !apiAtLeast("1.44", "1.44") || !apiAtLeast("1.47", "1.44") || !apiAtLeast("2.0", "1.44") ||
		apiAtLeast("1.41", "1.44") || apiAtLeast("", "1.44") {
		t.Fatal("apiAtLeast")
	}
}

func TestCreateArgsEntrypointCommandAndMore(t *testing.T) {
	in := containerInputs{
		Name: "c", Image: "busybox", Restart: "no",
		Entrypoints: []string{"/bin/sh", "-c"}, Command: []string{"echo hi"},
		User: "1000:1000", WorkingDir: "/work", Hostname: "box",
		Ports: []containerPort{
			{Internal: 53, IP: "0.0.0.0", Protocol: "udp"},
			{Internal: 80, External: 8080, IP: "::1", Protocol: "tcp"},
		},
		Volumes: []containerVolume{{ContainerPath: "/cache"}},
		NetworksAdvanced: []networkAttachment{
			{Name: "front", Aliases: []string{"a", "b"}},
			{Name: "back", Aliases: []string{"c"}},
			{Name: "extra"},
		},
		Healthcheck: &healthcheck{Tests: []string{"CMD", "redis-cli", "ping", "it's"}, Interval: "1m30s"},
	}
	args, err := createArgs(in, createOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"create", "--name", "c", "--hostname", "box", "--user", "1000:1000", "--workdir", "/work",
		"--restart", "no",
		"-v", "/cache",
		"-p", "0.0.0.0::53/udp", "-p", "[::1]:8080:80/tcp",
		"--health-cmd", `redis-cli ping 'it'\''s'`, "--health-interval", "1m30s",
		"--network", "front", "--network-alias", "a", "--network-alias", "b",
		"--entrypoint", "/bin/sh", "busybox", "-c", "echo hi",
	}
	if !reflect.DeepEqual(args, want) {
		t.Fatalf("args\n got %q\nwant %q", args, want)
	}
	connects := connectArgs(in, "ID")
	wantConnects := [][]string{
		{"network", "connect", "--alias", "c", "back", "ID"},
		{"network", "connect", "extra", "ID"},
	}
	if !reflect.DeepEqual(connects, wantConnects) {
		t.Fatalf("connects %q", connects)
	}
}

func TestCreateArgsNoHealthcheckAndEnvsNeedAFile(t *testing.T) {
	args, err := createArgs(containerInputs{Name: "c", Image: "i", Healthcheck: &healthcheck{Tests: []string{"NONE"}}}, createOptions{})
	if err != nil || !reflect.DeepEqual(args, []string{"create", "--name", "c", "--no-healthcheck", "i"}) {
		t.Fatalf("args %q err %v", args, err)
	}
	if _, err := createArgs(containerInputs{Name: "c", Image: "i", Envs: []string{"A=1"}}, createOptions{}); err == nil {
		t.Fatal("envs without an env file must be refused")
	}
	if got := envFileContent([]string{"A=1", "B= spaced value ", "C"}); got != "A=1\nB= spaced value \nC\n" {
		t.Fatalf("env file %q", got)
	}
}

func TestValidateEnv(t *testing.T) {
	for env, ok := range map[string]bool{
		"A=1": true, "A=": true, "A": true, "A=x=y": true,
		"=x": false, "A B=1": false, "#A=1": false, "A=line1\nline2": false,
	} {
		if got := validateEnv(env) == ""; got != ok {
			t.Errorf("validateEnv(%q) ok=%v, want %v", env, got, ok)
		}
	}
	if msg := validateEnv("=hunter2"); strings.Contains(msg, "hunter2") {
		t.Errorf("the message leaks the value: %q", msg)
	}
}

func TestParseDuration(t *testing.T) {
	good := map[string]time.Duration{
		"": 0, "0s": 0, "30s": 30 * time.Second, "1m30s": 90 * time.Second, "500ms": 500 * time.Millisecond, "2h": 2 * time.Hour,
	}
	for in, want := range good {
		got, err := parseDuration(in)
		if err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"30", "thirty seconds", "-5s", "10us", "1d"} {
		if _, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q) should fail", in)
		}
	}
	for d, want := range map[time.Duration]string{
		30 * time.Second: "30s", time.Minute: "1m", 90 * time.Second: "1m30s", time.Hour: "1h",
		90 * time.Minute: "1h30m", 500 * time.Millisecond: "500ms",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"ping": "ping", "-h": "-h", "a b": "'a b'", "": "''", "it's": `'it'\''s'`, "$HOME": "'$HOME'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
