package server

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/docker/internal/props"
)

// DefaultHost is the daemon used when neither the provider's `host` nor DOCKER_HOST says.
const DefaultHost = "unix:///var/run/docker.sock"

// configKeys are the provider's own configuration properties. host is implemented,
// disableDockerDaemonCheck skips Configure's daemon check, version is the engine's.
var configKeys = map[string]bool{"host": true, "disableDockerDaemonCheck": true, "version": true}

// unsupportedConfig are pulumi-docker provider settings this provider does not implement.
// Setting one is refused: silently ignoring, say, registry credentials or TLS material would
// let a deployment talk to a daemon or registry in a way its author did not ask for.
var unsupportedConfig = []string{"caMaterial", "certMaterial", "certPath", "keyMaterial", "context",
	"registryAuth", "sshOpts"}

// checkConfig returns the failures for a provider configuration.
func checkConfig(news resource.PropertyMap) []configFailure {
	var failures []configFailure
	for _, k := range news.StableKeys() {
		key, v := string(k), news[k]
		// "__"-prefixed keys are the engine's own bookkeeping.
		if configKeys[key] || strings.HasPrefix(key, "__") || emptyConfig(v) {
			continue
		}
		failures = append(failures, configFailure{key, fmt.Sprintf(
			"provider setting %q is not supported: this offline docker provider implements only a subset of "+
				"pulumi-docker 5.2.0 (supported: host, disableDockerDaemonCheck; docker CLI credentials in "+
				"~/.docker/config.json are used for registries)", key)})
	}
	if v, ok := news["host"]; ok {
		if inner, _, known := props.Unwrap(v); known && !inner.IsNull() && !inner.IsString() {
			failures = append(failures, configFailure{"host", "host must be a string"})
		}
	}
	sort.Slice(failures, func(i, j int) bool { return failures[i].property < failures[j].property })
	return failures
}

type configFailure struct{ property, reason string }

// emptyConfig: the Node SDK JSON-encodes some provider settings, so "unset" can arrive as
// null, "", "null" or "[]".
func emptyConfig(v resource.PropertyValue) bool {
	inner, _, known := props.Unwrap(v)
	if !known {
		return false
	}
	if inner.IsNull() {
		return true
	}
	if inner.IsString() {
		switch strings.TrimSpace(inner.StringValue()) {
		case "", "null", "[]", "{}":
			return true
		}
	}
	return false
}

// configString reads one provider setting from Configure's arguments: the structured args
// when the engine sends them, else the legacy "docker:config:<key>" variables. ok is false
// if the value is unknown (a preview whose provider inputs are not computed yet).
func configString(args resource.PropertyMap, vars map[string]string, key string) (value string, ok bool) {
	if args != nil {
		v, present := args[resource.PropertyKey(key)]
		if !present {
			return "", true
		}
		inner, _, known := props.Unwrap(v)
		if !known {
			return "", false
		}
		if inner.IsString() {
			return inner.StringValue(), true
		}
		if inner.IsBool() {
			return fmt.Sprint(inner.BoolValue()), true
		}
		return "", true
	}
	return vars["docker:config:"+key], true
}

// effectiveHost is the daemon a configured host means: the setting, else DOCKER_HOST, else
// the local socket.
func effectiveHost(configured string) string {
	if configured != "" {
		return configured
	}
	if env := os.Getenv("DOCKER_HOST"); env != "" {
		return env
	}
	return DefaultHost
}

// daemonCheckTimeout bounds Configure's check (an ssh:// host may take a while to answer).
const daemonCheckTimeout = 90 * time.Second

// probeDaemon asks the daemon for its version; it returns the API version.
func probeDaemon(ctx context.Context, run func(ctx context.Context, args ...string) (string, error), host string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, daemonCheckTimeout)
	defer cancel()
	out, err := run(ctx, "version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}")
	if err != nil {
		return "", fmt.Errorf("the Docker daemon at %s does not answer: %v\n"+
			"Fix: start Docker on that host, or point the provider at a reachable daemon with its host setting "+
			"(unix:///var/run/docker.sock, ssh://user@host or tcp://host:2376; for the XingRin program: "+
			"pulumi config set dockerHost <endpoint>)", host, err)
	}
	fields := strings.Fields(out)
	if len(fields) != 2 {
		return "", fmt.Errorf("unexpected `docker version` output from %s: %q", host, out)
	}
	return fields[1], nil
}
