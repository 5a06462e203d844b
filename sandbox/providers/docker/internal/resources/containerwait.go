package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// pollInterval is how often the health is polled; tests shorten it.
var pollInterval = time.Second

// errNotHealthy is upstream's error for a container that did not become healthy in time; the
// stand-in's messages start with it and add what Docker says.
const errNotHealthy = "container failed to be in healthy state"

type containerState struct {
	Status     string `json:"Status"`
	Running    bool   `json:"Running"`
	Restarting bool   `json:"Restarting"`
	ExitCode   int    `json:"ExitCode"`
	Error      string `json:"Error"`
	Health     *struct {
		Status        string `json:"Status"`
		FailingStreak int    `json:"FailingStreak"`
		Log           []struct {
			ExitCode int    `json:"ExitCode"`
			Output   string `json:"Output"`
		} `json:"Log"`
	} `json:"Health"`
}

func inspectState(ctx context.Context, env *Env, id string) (*containerState, error) {
	out, err := env.Docker.Run(ctx, "container", "inspect", "--format", "{{json .State}}", id)
	if err != nil {
		return nil, err
	}
	var st containerState
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		return nil, fmt.Errorf("reading docker container inspect output: %w", err)
	}
	return &st, nil
}

// waitHealthy (wait: true) polls the container until Docker reports it healthy. Silent while it
// waits, as upstream is: the engine's own "creating (Ns)" line is all an operator sees. On timeout
// the error names the container and quotes its last health-check output; the container is
// left as it is so the operator can look at it. A container that exits fails at once with its
// logs (upstream would keep polling until the timeout). A container without a healthcheck is
// refused, as upstream refuses it.
func waitHealthy(ctx context.Context, env *Env, id, name string, timeout time.Duration) error {
	start := time.Now()
	for {
		st, err := inspectState(ctx, env, id)
		if err != nil {
			return fmt.Errorf("waiting for container %s: %w", name, err)
		}
		switch {
		case st.Health == nil:
			return fmt.Errorf("you have supplied a 'wait' argument, but the container does not have a healthcheck defined. " +
				"Please remove the 'wait' argument or add a 'healthcheck' attribute")
		case st.Status == "exited" || st.Status == "dead":
			return fmt.Errorf("%s: container %s on %s exited (code %d) while waiting for it to be healthy%s",
				errNotHealthy, name, env.Host, st.ExitCode, lastLogs(ctx, env, id))
		case st.Health.Status == "healthy":
			return nil
		}
		elapsed := time.Since(start)
		if elapsed >= timeout {
			return fmt.Errorf("%s: container %s on %s is not healthy after %ds (%s)%s; the container is left in place for inspection (docker logs %s)",
				errNotHealthy, name, env.Host, int(timeout.Seconds()), describeState(st), lastHealthOutput(st), name)
		}
		if err := sleep(ctx, pollInterval); err != nil {
			return fmt.Errorf("waiting for container %s: %w", name, err)
		}
	}
}

func describeState(st *containerState) string {
	parts := []string{"state " + st.Status}
	if st.Restarting || st.Status == "exited" {
		parts = append(parts, fmt.Sprintf("last exit code %d", st.ExitCode))
	}
	if st.Error != "" {
		parts = append(parts, "error "+st.Error)
	}
	if st.Health != nil {
		parts = append(parts, fmt.Sprintf("health %s, %d failing checks in a row", st.Health.Status, st.Health.FailingStreak))
	} else {
		parts = append(parts, "no healthcheck")
	}
	return strings.Join(parts, ", ")
}

func lastHealthOutput(st *containerState) string {
	if st.Health == nil || len(st.Health.Log) == 0 {
		return "; no health check has completed yet"
	}
	last := st.Health.Log[len(st.Health.Log)-1]
	return fmt.Sprintf("; last health check (exit %d): %s", last.ExitCode, oneBlock(last.Output))
}

// logTail is how many log lines an error about a failed container quotes.
const logTail = 20

func lastLogs(ctx context.Context, env *Env, id string) string {
	var lines []string
	err := env.Docker.Stream(context.WithoutCancel(ctx), func(l string) { lines = append(lines, l) },
		"logs", "--tail", fmt.Sprint(logTail), id)
	if err != nil || len(lines) == 0 {
		return "; no container logs"
	}
	return "; last log lines:\n" + strings.Join(lines, "\n")
}

func oneBlock(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "(no output)"
	}
	return s
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
