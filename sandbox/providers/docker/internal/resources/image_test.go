package resources

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"xingrin.invalid/providers/docker/internal/diff"
	"xingrin.invalid/providers/docker/internal/dockercli"
	"xingrin.invalid/providers/docker/internal/props"
)

const serverImage = "127.0.0.1:5000/yyhuni/xingrin-server:v1.1.0"

func inspectJSON(id string, digests ...string) string {
	d := `[]`
	if len(digests) > 0 {
		d = `["` + strings.Join(digests, `","`) + `"]`
	}
	return `{"Id":"` + id + `","RepoDigests":` + d + `,"Os":"linux","Architecture":"amd64"}`
}

func TestImageLocalIsUsedWithoutPull(t *testing.T) {
	f := &dockercli.Fake{Respond: func(args []string) (string, error) {
		if args[0] == "image" {
			return inspectJSON("sha256:111", "docker.io/yyhuni/xingrin-server@sha256:999", "127.0.0.1:5000/yyhuni/xingrin-server@sha256:222"), nil
		}
		t.Fatalf("unexpected docker %q", args)
		return "", nil
	}}
	env, _ := testEnv(f)
	id, computed, err := (&RemoteImage{}).Create(context.Background(), env, checked(t, &RemoteImage{}, map[string]any{"name": serverImage, "keepLocally": true}))
	if err != nil {
		t.Fatal(err)
	}
	if id != "sha256:111"+serverImage {
		t.Fatalf("id %q", id)
	}
	want := map[string]any{"imageId": "sha256:111", "repoDigest": "127.0.0.1:5000/yyhuni/xingrin-server@sha256:222"}
	if !reflect.DeepEqual(computed, want) {
		t.Fatalf("computed %v", computed)
	}
	for _, c := range f.Commands() {
		if strings.HasPrefix(c, "pull") {
			t.Fatal("a local image must not be pulled")
		}
	}
}

func TestImagePullWhenMissingAndPullError(t *testing.T) {
	f, pulled := missingUntilPulled("sha256:111", "127.0.0.1:5000/yyhuni/xingrin-server@sha256:222")
	env, status := testEnv(f)
	if _, _, err := (&RemoteImage{}).Create(context.Background(), env, checked(t, &RemoteImage{}, map[string]any{"name": serverImage})); err != nil {
		t.Fatal(err)
	}
	// Upstream reports nothing while it pulls; neither does the stand-in.
	if !*pulled || len(*status) != 0 {
		t.Fatalf("pulled %v progress %q", *pulled, *status)
	}

	f = &dockercli.Fake{Respond: func(args []string) (string, error) {
		if args[0] == "image" {
			return "", &dockercli.Error{Stderr: "Error: No such image"}
		}
		return "", &dockercli.Error{Stderr: "Error response from daemon: manifest for x:v9.9.9 not found: manifest unknown"}
	}}
	env, _ = testEnv(f)
	_, _, err := (&RemoteImage{}).Create(context.Background(), env, checked(t, &RemoteImage{}, map[string]any{"name": "x:v9.9.9"}))
	if err == nil || !strings.HasPrefix(err.Error(), "unable to pull image x:v9.9.9: Error response from daemon: manifest for") {
		t.Fatalf("error %v", err)
	}
}

func TestImageBuildArgs(t *testing.T) {
	in := imageInputs{Name: "reg/ns/xingrin-server:v1", Build: &imageBuild{
		Context: "/src", Dockerfile: "docker/server/Dockerfile",
		BuildArgs: map[string]string{"IMAGE_TAG": "v1", "A": "b"},
		Tags:      []string{"reg/ns/xingrin-server:v1", "extra:tag"},
	}}
	want := []string{"build", "-f", "/src/docker/server/Dockerfile", "--build-arg", "A=b", "--build-arg", "IMAGE_TAG=v1",
		"-t", "reg/ns/xingrin-server:v1", "-t", "extra:tag", "/src"}
	if got := buildArgs(in); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q", got)
	}
}

func TestImageDiffAndDelete(t *testing.T) {
	r := &RemoteImage{}
	old := checked(t, r, map[string]any{"name": serverImage, "keepLocally": true})
	if d := diff.Compute(r.Schema(), old, checked(t, r, map[string]any{"name": "x:v1.2.0", "keepLocally": true})); !reflect.DeepEqual(d.Replaces, []string{"name"}) {
		t.Fatalf("name change: %+v", d)
	}
	if d := diff.Compute(r.Schema(), old, checked(t, r, map[string]any{"name": serverImage, "keepLocally": false, "forceRemove": true})); len(d.Replaces) != 0 || len(d.Diffs) != 2 {
		t.Fatalf("keepLocally/forceRemove change: %+v", d)
	}

	f := &dockercli.Fake{}
	env, _ := testEnv(f)
	if err := r.Delete(context.Background(), env, "sha256:1"+serverImage, old); err != nil || len(f.Calls) != 0 {
		t.Fatalf("keepLocally must leave the image: %v %q", err, f.Commands())
	}
	f.Respond = func([]string) (string, error) { return "", &dockercli.Error{Stderr: "Error: No such image: x"} }
	if err := r.Delete(context.Background(), env, "sha256:1x", pm(map[string]any{"name": "x", "forceRemove": true})); err != nil {
		t.Fatal(err)
	}
	if cmds := f.Commands(); !reflect.DeepEqual(cmds, []string{"rmi -f x"}) {
		t.Fatalf("commands %q", cmds)
	}
}

func TestRepoDigestFor(t *testing.T) {
	cases := []struct {
		name    string
		digests []string
		want    string
	}{
		{"redis:7-alpine", []string{"redis@sha256:1"}, "redis@sha256:1"},
		{"docker.io/library/redis:7", []string{"redis@sha256:1"}, "redis@sha256:1"},
		{"127.0.0.1:5000/library/redis:7-alpine", []string{"redis@sha256:1", "127.0.0.1:5000/library/redis@sha256:2"}, "127.0.0.1:5000/library/redis@sha256:2"},
		{"localhost:5000/a", []string{"localhost:5000/a@sha256:3"}, "localhost:5000/a@sha256:3"},
		{"built:local", nil, ""},
		// Upstream's rule, not a registry-aware one: one digest is taken whatever its repository,
		// the name is cut at its first ":" (here a registry port), else the first digest.
		{"built:local", []string{"reg/other@sha256:4"}, "reg/other@sha256:4"},
		{"127.0.0.1:5000/yyhuni/xingrin-server:v1", []string{"127.0.0.1:5001/mirror/x@sha256:5", "127.0.0.1:5000/yyhuni/xingrin-server@sha256:6"},
			"127.0.0.1:5001/mirror/x@sha256:5"},
		{"redis:7", []string{"a/b@sha256:7", "c/d@sha256:8"}, "a/b@sha256:7"},
	}
	for _, c := range cases {
		if got := repoDigestFor(c.name, c.digests); got != c.want {
			t.Errorf("repoDigestFor(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

// Upstream's update makes sure the image is there (pulling it if it went missing) and reads
// it back: a new image ID under the same tag reaches the state.
func TestImageUpdateReadsBack(t *testing.T) {
	f, pulled := missingUntilPulled("sha256:333", "127.0.0.1:5000/yyhuni/xingrin-server@sha256:444")
	env, _ := testEnv(f)
	r := &RemoteImage{}
	olds := props.Merge(checked(t, r, map[string]any{"name": serverImage, "keepLocally": true}),
		map[string]any{"imageId": "sha256:111", "repoDigest": "127.0.0.1:5000/yyhuni/xingrin-server@sha256:222"})
	computed, err := r.Update(context.Background(), env, "sha256:111"+serverImage, olds, checked(t, r, map[string]any{"name": serverImage}))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"imageId": "sha256:333", "repoDigest": "127.0.0.1:5000/yyhuni/xingrin-server@sha256:444"}
	if !*pulled || !reflect.DeepEqual(computed, want) {
		t.Fatalf("pulled %v computed %v", *pulled, computed)
	}
}

// missingUntilPulled fakes a daemon that lacks serverImage until `docker pull` fetches it, then
// inspects it as image id with repo digest; the flag says whether a pull happened.
func missingUntilPulled(id, repoDigest string) (*dockercli.Fake, *bool) {
	pulled := false
	return &dockercli.Fake{Respond: func(args []string) (string, error) {
		switch args[0] {
		case "image":
			if !pulled {
				return "", &dockercli.Error{Stderr: "Error: No such image: " + serverImage}
			}
			return inspectJSON(id, repoDigest), nil
		case "pull":
			pulled = true
			return "v1.1.0: Pulling from yyhuni/xingrin-server\nStatus: Downloaded newer image", nil
		}
		return "", nil
	}}, &pulled
}
