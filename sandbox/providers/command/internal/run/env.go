package run

import (
	"regexp"
	"strings"
)

// EnvVar is one variable for the remote command.
type EnvVar struct {
	Name  string
	Value string
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ValidEnvName reports whether name can be exported by a POSIX shell; the
// export fallback below needs that, so Check enforces it up front.
func ValidEnvName(name string) bool {
	return envName.MatchString(name)
}

// shellQuote single-quotes s for a POSIX shell: inside single quotes nothing
// is special except the quote itself, which is closed, escaped and reopened.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// exportPrefix renders variables the server refused via Setenv (sshd only
// accepts names listed in AcceptEnv, which most hosts don't configure) as
// `export NAME='value'` lines to run before the command in the same shell.
// Newlines rather than ';' keep a command that starts with a comment or a
// here-document intact.
func exportPrefix(vars []EnvVar) string {
	var b strings.Builder
	for _, v := range vars {
		b.WriteString("export ")
		b.WriteString(v.Name)
		b.WriteString("=")
		b.WriteString(shellQuote(v.Value))
		b.WriteString("\n")
	}
	return b.String()
}
