package dockercli

import (
	"context"
	"strings"
	"sync"
)

// Fake is a Runner for tests: it records every call and answers from Respond, so resource
// code can be checked for the exact docker commands it issues without a daemon.
type Fake struct {
	mu    sync.Mutex
	Calls [][]string
	// Respond answers one call; nil answers every call with empty output and no error.
	Respond func(args []string) (string, error)
}

// Run implements Runner.
func (f *Fake) Run(_ context.Context, args ...string) (string, error) {
	f.mu.Lock()
	f.Calls = append(f.Calls, append([]string(nil), args...))
	f.mu.Unlock()
	if f.Respond == nil {
		return "", nil
	}
	return f.Respond(args)
}

// Stream implements Runner: the response is split into lines for onLine.
func (f *Fake) Stream(ctx context.Context, onLine func(string), args ...string) error {
	out, err := f.Run(ctx, args...)
	for _, line := range strings.Split(out, "\n") {
		if line != "" && onLine != nil {
			onLine(line)
		}
	}
	return err
}

// Commands returns the recorded calls, each joined with spaces (handy in assertions).
func (f *Fake) Commands() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.Calls))
	for i, c := range f.Calls {
		out[i] = strings.Join(c, " ")
	}
	return out
}
