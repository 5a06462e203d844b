package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Polling knobs; tests shorten them.
var (
	pollInterval = time.Second
	// runningGrace is how long a container without wait gets before mustRun checks it: a
	// container whose command fails at once has exited by then.
	runningGrace = time.Second
)

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

// waitHealthy polls the container until Docker reports it healthy. On timeout the error
// names the container and quotes its last health-check output; the container is left as it
// is so the operator can look at it. A container that exits fails at once with its logs.
func waitHealthy(ctx context.Context, env *Env, id, name string, timeout time.Duration) error {
	start := time.Now()
	for {
		st, err := inspectState(ctx, env, id)
		if err != nil {
			return fmt.Errorf("waiting for container %s: %w", name, err)
		}
		switch {
		case st.Status == "exited" || st.Status == "dead":
			return fmt.Errorf("container %s on %s exited (code %d) while waiting for it to be healthy%s",
				name, env.Host, st.ExitCode, lastLogs(ctx, env, id))
		case st.Health == nil && st.Running && !st.Restarting:
			env.info("container %s has no healthcheck: running is as healthy as it gets", name)
			return nil
		case st.Health != nil && st.Health.Status == "healthy":
			env.info("container %s is healthy after %ds", name, int(time.Since(start).Seconds()))
			return nil
		}
		elapsed := time.Since(start)
		if elapsed >= timeout {
			return fmt.Errorf("container %s on %s is not healthy after %ds (%s)%s; the container is left in place for inspection (docker logs %s)",
				name, env.Host, int(timeout.Seconds()), describeState(st), lastHealthOutput(st), name)
		}
		env.status("waiting for %s to be healthy (%ds)", name, int(elapsed.Seconds()))
		if err := sleep(ctx, pollInterval); err != nil {
			return fmt.Errorf("waiting for container %s: %w", name, err)
		}
	}
}

// checkRunning is mustRun without wait: after a short grace period the container must be
// running (not exited, not in a restart loop).
func checkRunning(ctx context.Context, env *Env, id, name string) error {
	if err := sleep(ctx, runningGrace); err != nil {
		return err
	}
	st, err := inspectState(ctx, env, id)
	if err != nil {
		return fmt.Errorf("checking container %s: %w", name, err)
	}
	if st.Running && !st.Restarting {
		return nil
	}
	return fmt.Errorf("container %s on %s is not running (%s)%s", name, env.Host, describeState(st), lastLogs(ctx, env, id))
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
