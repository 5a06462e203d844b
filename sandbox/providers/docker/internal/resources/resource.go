// Package resources holds the lifecycle of each implemented resource type. Each type is one
// file: its input subset (schema), how it maps onto docker CLI commands, and what it outputs.
// The gRPC plumbing (internal/server) deals with the engine; this package deals with Docker.
package resources

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/docker/internal/dockercli"
	"xingrin.invalid/providers/docker/internal/schema"
)

// Env is what an operation on one resource may use.
type Env struct {
	Docker dockercli.Runner
	// Host is the daemon endpoint, for error messages.
	Host string
	// APIVersion is the daemon's API version ("1.41"), to skip flags it does not know.
	APIVersion string
	// Info logs a message on the resource (shown in the update's diagnostics).
	Info func(msg string)
	// Status shows a transient progress message on the resource's row.
	Status func(msg string)
}

func (e *Env) info(format string, args ...any) {
	if e.Info != nil {
		e.Info(fmt.Sprintf(format, args...))
	}
}

func (e *Env) status(format string, args ...any) {
	if e.Status != nil {
		e.Status(fmt.Sprintf(format, args...))
	}
}

// Resource is one resource type. Inputs are checked (defaults applied) before any of these
// are called, and contain no unknowns: previews are answered by the server without them.
type Resource interface {
	Schema() *schema.Resource
	// Computed lists output-only properties: unknown in the preview of a create.
	Computed() []string
	// Create makes the object and returns its ID and the computed outputs (plain values;
	// the server adds them to the inputs).
	Create(ctx context.Context, env *Env, inputs resource.PropertyMap) (id string, computed map[string]any, err error)
	// Read looks the object up. A zero ReadResult.ID means it no longer exists. state is
	// empty for an import; the result's State and Inputs then come from Docker.
	Read(ctx context.Context, env *Env, id string, state, inputs resource.PropertyMap) (ReadResult, error)
	// Update changes an object in place (only for properties that do not replace it) and
	// returns the computed outputs.
	Update(ctx context.Context, env *Env, id string, olds, news resource.PropertyMap) (computed map[string]any, err error)
	// Delete removes the object; an object already gone is not an error.
	Delete(ctx context.Context, env *Env, id string, state resource.PropertyMap) error
}

// ReadResult is what Read found.
type ReadResult struct {
	ID     string
	State  resource.PropertyMap
	Inputs resource.PropertyMap
}

// InitError is a failure after the object was created (a container that never became
// healthy): the object exists and is recorded in the state with the error, so the next
// `pulumi up` retries it and `pulumi destroy` removes it, and the operator can inspect it.
type InitError struct {
	ID       string
	Computed map[string]any
	Err      error
}

func (e *InitError) Error() string { return e.Err.Error() }
func (e *InitError) Unwrap() error { return e.Err }

// All returns every implemented resource type by its pulumi-docker type token.
func All() map[string]Resource {
	all := map[string]Resource{}
	for _, r := range []Resource{&RemoteImage{}, &Container{}, &Network{}, &Volume{}} {
		all[r.Schema().Token] = r
	}
	return all
}

// label is the {label, value} pair pulumi-docker uses for labels of containers, networks
// and volumes.
type label struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

var labelFields = map[string]*schema.Field{
	"label": {Kind: schema.String, Required: true},
	"value": {Kind: schema.String, Required: true},
}

func labelArgs(labels []label) []string {
	var args []string
	for _, l := range labels {
		args = append(args, "--label", l.Label+"="+l.Value)
	}
	return args
}
