package resources

import (
	"fmt"
	"time"
)

// minHealthDuration is Docker's floor for non-zero healthcheck durations; the daemon refuses
// smaller ones only when the container is created, which is too late to be a good message.
const minHealthDuration = time.Millisecond

// parseDuration reads a healthcheck duration as pulumi-docker takes it: a Go duration such
// as "30s", "1m30s" or "500ms". "" and "0s" mean "Docker's default" and return 0.
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (use e.g. \"30s\", \"1m30s\", \"500ms\")", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative", s)
	}
	if d != 0 && d < minHealthDuration {
		return 0, fmt.Errorf("%q is shorter than Docker's minimum of 1ms", s)
	}
	return d, nil
}

// validateDuration is parseDuration as a schema.Field Validate function.
func validateDuration(v any) string {
	s, _ := v.(string)
	if _, err := parseDuration(s); err != nil {
		return err.Error()
	}
	return ""
}
