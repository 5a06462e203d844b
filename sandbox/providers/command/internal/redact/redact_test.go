package redact

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestFromInputs(t *testing.T) {
	props := resource.PropertyMap{
		"stdin":  resource.MakeSecret(resource.NewStringProperty("s3cret")),
		"create": resource.NewStringProperty("echo plain"),
		"connection": resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
			"host":       resource.NewStringProperty("10.0.0.1"),
			"privateKey": resource.NewStringProperty("-----BEGIN KEY-----\nAAAAline1\nBBBBline2\n-----END KEY-----\n"),
		})),
		"environment": resource.NewObjectProperty(resource.PropertyMap{
			"TOKEN": resource.MakeSecret(resource.NewStringProperty("tok-123")),
		}),
	}
	r := FromInputs(props)
	cases := map[string]string{
		"got s3cret back":        "got [secret] back",
		"echo plain":             "echo plain",
		"key line AAAAline1":     "key line [secret]",
		"TOKEN=tok-123;":         "TOKEN=[secret];",
		"nothing secret":         "nothing secret",
		"prefix-s3cret-s3cret-x": "prefix-[secret]-[secret]-x",
	}
	for in, want := range cases {
		if got := r.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
	if !r.Contains("a s3cret b") || r.Contains("echo plain") {
		t.Fatal("Contains is wrong")
	}
	// The connection's host (and user) stay readable; only credentials
	// and fields secret on their own are masked.
	if r.Contains("10.0.0.1") {
		t.Fatal("the connection host must not be masked")
	}
	r = FromInputs(resource.PropertyMap{
		"connection": resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
			"user":     resource.NewStringProperty("root"),
			"password": resource.NewStringProperty("pw-plain-in-object"),
			"hostKey":  resource.MakeSecret(resource.NewStringProperty("ssh-ed25519 AAAAsecretly")),
		})),
		"triggers": resource.NewArrayProperty([]resource.PropertyValue{
			resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{"x": resource.NewStringProperty("deep")})),
		}),
	})
	if r.Contains("root") || !r.Contains("pw-plain-in-object") || !r.Contains("key: ssh-ed25519 AAAAsecretly") || !r.Contains("deep") {
		t.Fatal("connection/nested redaction is wrong")
	}
}

func TestLongestFirst(t *testing.T) {
	r := New("abc", "abcdef")
	if got := r.String("xabcdefx"); got != "x[secret]x" {
		t.Fatalf("got %q", got)
	}
	var nilR *Redactor
	if nilR.String("a") != "a" || nilR.Contains("a") {
		t.Fatal("nil redactor must be a no-op")
	}
}
