// Package redact keeps secret input values (stdin, passwords, keys, secret
// environment values, secret commands) out of what this provider says in
// the clear: streamed log lines and error messages. (Upstream does not do
// this; the engine masks only stack config secrets in what it displays.
// Logs and error text are not visible to a program, so this is a safe
// addition. The stdout/stderr outputs are left plain, as upstream.)
//
// Redaction is by value: whatever string sits under a secret in the inputs
// is a token, and so is each line of a multi-line secret (a private key or
// a multi-line stdin is seen by the line-oriented log one line at a time).
package redact

import (
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"xingrin.invalid/providers/command/internal/spec"
)

// Mask replaces a secret value in text.
const Mask = "[secret]"

// Redactor replaces known secret values.
type Redactor struct {
	tokens []string // longest first, so a secret containing another is masked whole
}

// New builds a Redactor from explicit secret strings.
func New(secrets ...string) *Redactor {
	seen := map[string]bool{}
	r := &Redactor{}
	add := func(s string) {
		if s == "" || seen[s] {
			return
		}
		seen[s] = true
		r.tokens = append(r.tokens, s)
	}
	for _, s := range secrets {
		add(s)
		add(strings.TrimSpace(s))
		if strings.ContainsAny(s, "\r\n") {
			for _, line := range strings.FieldsFunc(s, func(c rune) bool { return c == '\n' || c == '\r' }) {
				add(strings.TrimSpace(line))
			}
		}
	}
	sort.SliceStable(r.tokens, func(i, j int) bool { return len(r.tokens[i]) > len(r.tokens[j]) })
	return r
}

// FromInputs builds a Redactor for a Command's inputs: every string found
// under a secret (at any depth), except that `connection` — secret as a
// whole only because it carries credentials — contributes just its
// credential fields and fields that are secret on their own. Its host, port
// and user must stay readable: errors name the host, and masking "root"
// everywhere would garble the output.
func FromInputs(props resource.PropertyMap) *Redactor {
	var secrets []string
	for k, v := range props {
		if k == spec.Connection {
			collectConnection(v, &secrets)
			continue
		}
		collect(v, false, &secrets)
	}
	return New(secrets...)
}

func collectConnection(v resource.PropertyValue, out *[]string) {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsObject() {
		return
	}
	obj := v.ObjectValue()
	for k, field := range obj {
		credential := false
		for _, c := range spec.CredentialFields {
			credential = credential || string(k) == c
		}
		collect(field, credential, out)
	}
}

func collect(v resource.PropertyValue, inSecret bool, out *[]string) {
	switch {
	case v.IsSecret():
		collect(v.SecretValue().Element, true, out)
	case v.IsOutput():
		o := v.OutputValue()
		if o.Known {
			collect(o.Element, inSecret || o.Secret, out)
		}
	case v.IsString():
		if inSecret {
			*out = append(*out, v.StringValue())
		}
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			collect(e, inSecret, out)
		}
	case v.IsObject():
		for _, e := range v.ObjectValue() {
			collect(e, inSecret, out)
		}
	}
}

// String masks every secret value in s.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	for _, t := range r.tokens {
		if strings.Contains(s, t) {
			s = strings.ReplaceAll(s, t, Mask)
		}
	}
	return s
}

// Contains reports whether s contains any secret value.
func (r *Redactor) Contains(s string) bool {
	if r == nil {
		return false
	}
	for _, t := range r.tokens {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}
