// Package server is the gRPC face of the provider: it speaks the engine's ResourceProvider
// protocol, converts properties, answers previews without touching Docker, and hands real
// operations to internal/resources.
package server

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pulumi/pulumi/pkg/v3/resource/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"xingrin.invalid/providers/docker/internal/diff"
	"xingrin.invalid/providers/docker/internal/dockercli"
	"xingrin.invalid/providers/docker/internal/props"
	"xingrin.invalid/providers/docker/internal/resources"
	"xingrin.invalid/providers/docker/internal/schema"
)

// Version is what the plugin reports: the @pulumi/docker SDK version it stands in for, so
// the engine matches it with the version the program's SDK asks for.
const Version = "5.2.0"

// Server implements pulumirpc.ResourceProviderServer.
type Server struct {
	pulumirpc.UnimplementedResourceProviderServer

	host      *provider.HostClient // nil when not started by an engine (tests)
	resources map[string]resources.Resource
	// NewRunner makes the docker runner for a host (tests replace it).
	NewRunner func(host string) dockercli.Runner

	mu     sync.Mutex
	docker dockercli.Runner
	target string // the configured daemon endpoint
	api    string // its API version ("" if not checked)

	// stop is cancelled by the engine's Cancel: running docker commands are killed.
	stop       context.Context
	cancelStop context.CancelFunc
}

// New makes a provider server; host may be nil.
func New(host *provider.HostClient) *Server {
	stop, cancel := context.WithCancel(context.Background())
	return &Server{
		host:       host,
		resources:  resources.All(),
		NewRunner:  func(h string) dockercli.Runner { return &dockercli.CLI{Host: h} },
		stop:       stop,
		cancelStop: cancel,
	}
}

var marshalOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(label string, s *structpb.Struct) (resource.PropertyMap, error) {
	opts := marshalOpts
	opts.Label = label
	m, err := plugin.UnmarshalProperties(s, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	if m == nil {
		m = resource.PropertyMap{}
	}
	return m, nil
}

func marshal(label string, m resource.PropertyMap) (*structpb.Struct, error) {
	opts := marshalOpts
	opts.Label = label
	return plugin.MarshalProperties(m, opts)
}

// ---- plugin and provider configuration ----

// GetPluginInfo implements the protocol.
func (s *Server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

// GetSchema returns a minimal schema: the program uses the published @pulumi/docker SDK,
// so nothing is generated from this.
func (s *Server) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: `{"name":"docker","version":"` + Version + `"}`}, nil
}

// CheckConfig refuses provider settings this provider does not implement.
func (s *Server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := unmarshal("config", req.GetNews())
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	for _, f := range checkConfig(news) {
		failures = append(failures, &pulumirpc.CheckFailure{Property: f.property, Reason: f.reason})
	}
	return &pulumirpc.CheckResponse{Inputs: req.GetNews(), Failures: failures}, nil
}

// DiffConfig reports a change only when the daemon endpoint changes. It is an update, not
// a replacement: replacing the provider would replace every container, image and volume.
func (s *Server) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds := req.GetOldInputs()
	if olds == nil || len(olds.GetFields()) == 0 {
		olds = req.GetOlds()
	}
	o, err := unmarshal("olds", olds)
	if err != nil {
		return nil, err
	}
	n, err := unmarshal("news", req.GetNews())
	if err != nil {
		return nil, err
	}
	oh, oKnown := configString(o, nil, "host")
	nh, nKnown := configString(n, nil, "host")
	if oKnown && nKnown && effectiveHost(oh) == effectiveHost(nh) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true}, nil
	}
	return &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_SOME,
		Diffs:           []string{"host"},
		HasDetailedDiff: true,
		DetailedDiff: map[string]*pulumirpc.PropertyDiff{
			"host": {Kind: pulumirpc.PropertyDiff_UPDATE, InputDiff: true},
		},
	}, nil
}

// Configure picks the daemon and checks that it answers, so a wrong host fails before any
// resource is touched, with a message that says which host and what to do.
func (s *Server) Configure(ctx context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	var args resource.PropertyMap
	if req.GetArgs() != nil {
		var err error
		if args, err = unmarshal("config", req.GetArgs()); err != nil {
			return nil, err
		}
	}
	resp := &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true,
		SupportsAutonamingConfiguration: true}
	configured, known := configString(args, req.GetVariables(), "host")
	if !known {
		// A preview with a computed host: nothing reaches Docker before it is known.
		return resp, nil
	}
	host := effectiveHost(configured)
	runner := s.NewRunner(host)
	api := ""
	if skip, _ := configString(args, req.GetVariables(), "disableDockerDaemonCheck"); skip != "true" {
		var err error
		if api, err = probeDaemon(ctx, runner.Run, host); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	s.docker, s.target, s.api = runner, host, api
	s.mu.Unlock()
	return resp, nil
}

// Cancel stops what is running: docker commands in flight are killed.
func (s *Server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	s.cancelStop()
	return &emptypb.Empty{}, nil
}

// ---- resources ----

func (s *Server) lookup(typ, urn string) (resources.Resource, error) {
	if typ == "" {
		typ = string(resource.URN(urn).Type())
	}
	r, ok := s.resources[typ]
	if !ok {
		return nil, fmt.Errorf("resource type %s is not implemented by this offline docker provider "+
			"(it implements docker:index/remoteImage:RemoteImage, container:Container, network:Network, volume:Volume)", typ)
	}
	return r, nil
}

// env binds the configured daemon and the engine's log to one resource.
func (s *Server) env(urn string) (*resources.Env, error) {
	s.mu.Lock()
	runner, target, api := s.docker, s.target, s.api
	s.mu.Unlock()
	if runner == nil {
		return nil, errors.New("the docker provider is not configured (its host was not known when it was configured)")
	}
	env := &resources.Env{Docker: runner, Host: target, APIVersion: api}
	if s.host != nil {
		u := resource.URN(urn)
		env.Info = func(msg string) { _ = s.host.Log(context.Background(), diag.Info, u, msg) }
		env.Status = func(msg string) { _ = s.host.LogStatus(context.Background(), diag.Info, u, msg) }
	}
	return env, nil
}

// opContext is the request's context, also cancelled by Cancel and bounded by the
// resource's customTimeouts when the program sets them.
func (s *Server) opContext(ctx context.Context, timeoutSeconds float64) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stopAfter := context.AfterFunc(s.stop, cancel)
	if timeoutSeconds > 0 {
		var cancelTimeout context.CancelFunc
		ctx, cancelTimeout = context.WithTimeout(ctx, time.Duration(timeoutSeconds*float64(time.Second)))
		return ctx, func() { cancelTimeout(); stopAfter(); cancel() }
	}
	return ctx, func() { stopAfter(); cancel() }
}

// autonaming is the engine's autonaming proposal in a CheckRequest (nil if none).
func autonaming(req *pulumirpc.CheckRequest) *schema.Autonaming {
	a := req.GetAutonaming()
	if a == nil {
		return nil
	}
	mode := schema.AutonamingPropose
	switch a.GetMode() {
	case pulumirpc.CheckRequest_AutonamingOptions_ENFORCE:
		mode = schema.AutonamingEnforce
	case pulumirpc.CheckRequest_AutonamingOptions_DISABLE:
		mode = schema.AutonamingDisable
	}
	return &schema.Autonaming{Mode: mode, ProposedName: a.GetProposedName()}
}

// Check validates inputs against the implemented subset, applies defaults and, where
// upstream auto-names, generates a missing name.
func (s *Server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	r, err := s.lookup(req.GetType(), req.GetUrn())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal("news", req.GetNews())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal("olds", req.GetOlds())
	if err != nil {
		return nil, err
	}
	checked, failures := r.Schema().Check(news)
	if err := r.Schema().ApplyAutoName(checked, olds, resource.URN(req.GetUrn()), req.GetRandomSeed(), autonaming(req)); err != nil {
		return nil, err
	}
	inputs, err := marshal("inputs", checked)
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.CheckResponse{Inputs: inputs}
	for _, f := range failures {
		resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{Property: f.Property, Reason: f.Reason})
	}
	return resp, nil
}

// Diff compares the new inputs with the old STATE, as the Terraform bridge upstream runs on
// does: what Docker reported back is what the program's values are held against.
func (s *Server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	r, err := s.lookup(req.GetType(), req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal("olds", req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal("news", req.GetNews())
	if err != nil {
		return nil, err
	}
	news, err = ignoreChanges(news, olds, req.GetIgnoreChanges())
	if err != nil {
		return nil, err
	}
	return diff.Compute(r.Schema(), olds, news).Response(), nil
}

// ignoreChanges applies the program's ignoreChanges to the comparison with the state, as the
// bridge hands them to Terraform's diff: an ignored path takes the state's value (or goes, if
// the state has none), so it cannot show a diff. (The engine has already put the old inputs
// there, but the state may hold what Docker reported instead.)
func ignoreChanges(news, state resource.PropertyMap, paths []string) (resource.PropertyMap, error) {
	if len(paths) == 0 {
		return news, nil
	}
	obj, olds := resource.NewObjectProperty(news.Copy()), resource.NewObjectProperty(state)
	for _, p := range paths {
		path, err := resource.ParsePropertyPath(p)
		if err != nil {
			return nil, fmt.Errorf("ignoreChanges: %w", err)
		}
		if v, ok := path.Get(olds); ok {
			path.Set(obj, v)
		} else {
			path.Delete(obj)
		}
	}
	return obj.ObjectValue(), nil
}

// Create makes the object; a preview answers with the inputs and unknown computed outputs
// without touching Docker.
func (s *Server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	r, err := s.lookup(req.GetType(), req.GetUrn())
	if err != nil {
		return nil, err
	}
	inputs, err := unmarshal("properties", req.GetProperties())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		out, err := marshal("outputs", props.WithUnknown(withoutBookkeeping(inputs), r.Computed()...))
		return &pulumirpc.CreateResponse{Properties: out}, err
	}
	env, err := s.env(req.GetUrn())
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.opContext(ctx, req.GetTimeout())
	defer cancel()
	id, computed, err := r.Create(ctx, env, inputs)
	if err != nil {
		return nil, s.operationError(err, inputs)
	}
	// The state: the inputs with what was read back from Docker on top, secret where the
	// inputs were.
	state := props.KeepSecret(props.Merge(withoutBookkeeping(inputs), computed), inputs)
	out, err := marshal("outputs", state)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: out}, nil
}

// withoutBookkeeping is inputs without the checked inputs' defaults list, which belongs to
// the inputs only, never to the outputs.
func withoutBookkeeping(inputs resource.PropertyMap) resource.PropertyMap {
	out := inputs.Copy()
	delete(out, schema.DefaultsKey)
	return out
}

// operationError turns a resources.InitError (the object exists but did not come up) into
// the engine's partial-failure status, so the object is recorded in the state.
func (s *Server) operationError(err error, inputs resource.PropertyMap) error {
	var initErr *resources.InitError
	if !errors.As(err, &initErr) {
		return err
	}
	live, merr := marshal("outputs", props.Merge(withoutBookkeeping(inputs), initErr.Computed))
	if merr != nil {
		return err
	}
	in, merr := marshal("inputs", inputs)
	if merr != nil {
		return err
	}
	st, serr := status.New(codes.Unknown, err.Error()).WithDetails(&pulumirpc.ErrorResourceInitFailed{
		Id: initErr.ID, Properties: live, Inputs: in, Reasons: []string{err.Error()},
	})
	if serr != nil {
		return err
	}
	return st.Err()
}

// Read refreshes (or imports) one object; an object gone from Docker reads as an empty ID.
func (s *Server) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	r, err := s.lookup(req.GetType(), req.GetUrn())
	if err != nil {
		return nil, err
	}
	state, err := unmarshal("properties", req.GetProperties())
	if err != nil {
		return nil, err
	}
	inputs, err := unmarshal("inputs", req.GetInputs())
	if err != nil {
		return nil, err
	}
	env, err := s.env(req.GetUrn())
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.opContext(ctx, req.GetTimeout())
	defer cancel()
	res, err := r.Read(ctx, env, req.GetId(), state, inputs)
	if err != nil {
		return nil, err
	}
	if res.ID == "" {
		return &pulumirpc.ReadResponse{}, nil
	}
	newState := props.KeepSecret(withoutBookkeeping(res.State), state)
	newInputs := res.Inputs
	if len(state) > 0 && len(inputs) > 0 { // a refresh: the inputs follow what was read back
		newInputs = props.KeepSecret(props.RefreshedInputs(inputs, newState), inputs)
	}
	outState, err := marshal("properties", newState)
	if err != nil {
		return nil, err
	}
	outInputs, err := marshal("inputs", newInputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: res.ID, Properties: outState, Inputs: outInputs}, nil
}

// plannedState is the state an in-place update leads to, as Terraform plans it: the old
// state, with every property the inputs give set to the input, and every property they leave
// out removed unless it is optional+computed (which keeps what Docker reported). Computed
// outputs (ids, network data) carry over.
func plannedState(r *schema.Resource, state, news resource.PropertyMap) resource.PropertyMap {
	out := withoutBookkeeping(state)
	for name, f := range r.Fields {
		k := resource.PropertyKey(name)
		if v, ok := news[k]; ok && !props.IsNull(v) {
			out[k] = v
		} else if !f.Computed {
			delete(out, k)
		}
	}
	return out
}

// Update changes an object in place. Its result, and a preview's, is the planned state
// (plannedState) plus what the resource reports.
func (s *Server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	r, err := s.lookup(req.GetType(), req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal("olds", req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal("news", req.GetNews())
	if err != nil {
		return nil, err
	}
	planned := plannedState(r.Schema(), olds, news)
	if req.GetPreview() {
		out, err := marshal("outputs", planned)
		return &pulumirpc.UpdateResponse{Properties: out}, err
	}
	env, err := s.env(req.GetUrn())
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.opContext(ctx, req.GetTimeout())
	defer cancel()
	computed, err := r.Update(ctx, env, req.GetId(), olds, news)
	if err != nil {
		return nil, s.operationError(err, news)
	}
	out, err := marshal("outputs", props.KeepSecret(props.Merge(planned, computed), news))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: out}, nil
}

// Delete removes the object.
func (s *Server) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	r, err := s.lookup(req.GetType(), req.GetUrn())
	if err != nil {
		return nil, err
	}
	state, err := unmarshal("properties", req.GetProperties())
	if err != nil {
		return nil, err
	}
	env, err := s.env(req.GetUrn())
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.opContext(ctx, req.GetTimeout())
	defer cancel()
	if err := r.Delete(ctx, env, req.GetId(), state); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}
