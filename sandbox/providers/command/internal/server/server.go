// Package server is the gRPC plumbing of the provider plugin: it
// (un)marshals properties, answers the engine's configuration and metadata
// calls, and routes resource calls for command:local:Command and
// command:remote:Command to resource.go.
package server

import (
	"context"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"xingrin.invalid/providers/command/internal/diff"
	"xingrin.invalid/providers/command/internal/host"
	"xingrin.invalid/providers/command/internal/spec"
)

// Version is the provider version we stand in for: @pulumi/command 1.2.1
// asks the engine for `command` 1.2.1.
const Version = "1.2.1"

// schema is the minimal valid package schema. The Node SDK is already
// generated, so the engine never needs the resource definitions from us.
const schema = `{"name":"command","version":"` + Version + `"}`

// Server implements pulumirpc.ResourceProviderServer.
type Server struct {
	pulumirpc.UnimplementedResourceProviderServer

	log host.Logger

	// oldInputs is whether the engine sends old inputs to Diff (it says so
	// in Configure); without them Diff uses the stored state's inputs, as
	// upstream does.
	oldInputs bool

	// root is cancelled by the Cancel RPC, which the engine sends when the
	// user interrupts: every running operation derives from it.
	root   context.Context
	cancel context.CancelFunc
}

// New returns a provider server logging to log (which may be a nil
// *host.Client when there is no engine).
func New(log host.Logger) *Server {
	root, cancel := context.WithCancel(context.Background())
	return &Server{log: log, root: root, cancel: cancel}
}

// opContext ties a request to the provider-wide cancellation and to the
// resource's customTimeouts (seconds; 0 = none).
func (s *Server) opContext(ctx context.Context, timeoutSeconds float64) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.root, cancel)
	if timeoutSeconds > 0 {
		var tcancel context.CancelFunc
		ctx, tcancel = context.WithTimeout(ctx, time.Duration(timeoutSeconds*float64(time.Second)))
		return ctx, func() { tcancel(); stop(); cancel() }
	}
	return ctx, func() { stop(); cancel() }
}

func (s *Server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

func (s *Server) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: schema}, nil
}

// CheckConfig accepts the provider configuration as given: upstream's
// provider has no configuration properties.
func (s *Server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig: nothing in the configuration affects resources.
func (s *Server) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

// Configure asks for secrets to arrive marked as secrets (so we can keep
// them secret in outputs and out of logs) and for preview calls (so
// `pulumi preview` shows unknown stdout/stderr rather than nothing), and
// takes resource references as they are (so `triggers: [someResource]`
// stays a reference in the state), as upstream does.
func (s *Server) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	s.oldInputs = req.GetSendsOldInputs() && req.GetSendsOldInputsToDelete()
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

// Cancel cancels in-flight operations: a local command is killed, a remote
// dial stops retrying (a remote command that already runs is left to
// finish, as upstream).
func (s *Server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	s.cancel()
	return &emptypb.Empty{}, nil
}

func (s *Server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	token, err := checkType(req.GetUrn())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews(), "news")
	if err != nil {
		return nil, err
	}
	checked, fails := spec.Check(token, news)
	inputs, err := marshal(checked, "checked")
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.CheckResponse{Inputs: inputs}
	for _, f := range fails {
		resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{Property: f.Property, Reason: f.Reason})
	}
	return resp, nil
}

func (s *Server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	token, err := checkType(req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds(), "olds")
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews(), "news")
	if err != nil {
		return nil, err
	}
	oldInputs := diff.OldInputs(token, olds)
	if s.oldInputs {
		if oldInputs, err = unmarshal(req.GetOldInputs(), "oldInputs"); err != nil {
			return nil, err
		}
	}
	// Ignored changes keep their old value, as upstream (the engine has
	// usually applied them already).
	for _, k := range req.GetIgnoreChanges() {
		if v, ok := olds[resource.PropertyKey(k)]; ok {
			news[resource.PropertyKey(k)] = v
		}
	}
	return diffResponse(diff.Compute(oldInputs, news)), nil
}

func (s *Server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	token, err := checkType(req.GetUrn())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetProperties(), "properties")
	if err != nil {
		return nil, err
	}
	ctx, done := s.opContext(ctx, req.GetTimeout())
	defer done()
	id, outs, err := s.create(ctx, token, resource.URN(req.GetUrn()), news, req.GetPreview())
	if err != nil {
		return nil, err
	}
	props, err := marshal(outs, "outputs")
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

func (s *Server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	token, err := checkType(req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds(), "olds")
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews(), "news")
	if err != nil {
		return nil, err
	}
	ctx, done := s.opContext(ctx, req.GetTimeout())
	defer done()
	for _, k := range req.GetIgnoreChanges() {
		if v, ok := olds[resource.PropertyKey(k)]; ok {
			news[resource.PropertyKey(k)] = v
		}
	}
	outs, err := s.update(ctx, token, resource.URN(req.GetUrn()), olds, news, req.GetPreview())
	if err != nil {
		return nil, err
	}
	props, err := marshal(outs, "outputs")
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

func (s *Server) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	token, err := checkType(req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetProperties(), "properties")
	if err != nil {
		return nil, err
	}
	ctx, done := s.opContext(ctx, req.GetTimeout())
	defer done()
	if err := s.delete(ctx, token, resource.URN(req.GetUrn()), olds); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Read (refresh, import, `get`) returns the id, state and inputs it was
// given, unchanged, and runs nothing: upstream has no Read of its own, and
// its framework's default does exactly this. A refresh therefore never
// connects to a host, and an import yields the (empty) state it was given.
func (s *Server) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if _, err := checkType(req.GetUrn()); err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func checkType(urn string) (string, error) {
	switch t := string(resource.URN(urn).Type()); t {
	case spec.LocalToken, spec.RemoteToken:
		return t, nil
	default:
		return "", status.Errorf(codes.InvalidArgument,
			"unknown resource type %q: this stand-in command provider implements only %s and %s",
			t, spec.LocalToken, spec.RemoteToken)
	}
}

// Options keep unknowns (preview), secrets (so secret inputs stay secret
// in outputs) and resource references, and drop nulls (an absent optional
// input).
func opts(label string) plugin.MarshalOptions {
	return plugin.MarshalOptions{Label: label, KeepUnknowns: true, KeepSecrets: true, KeepResources: true, SkipNulls: true}
}

func unmarshal(s *structpb.Struct, label string) (resource.PropertyMap, error) {
	m, err := plugin.UnmarshalProperties(s, opts(label))
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", label, err)
	}
	return m, nil
}

func marshal(m resource.PropertyMap, label string) (*structpb.Struct, error) {
	s, err := plugin.MarshalProperties(m, opts(label))
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", label, err)
	}
	return s, nil
}
