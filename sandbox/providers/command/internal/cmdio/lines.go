// Package cmdio is what local and remote commands share about their
// output: capture of stdout, stderr and both interleaved, line-by-line
// streaming to the engine log, the trimmed outputs, and upstream's error
// for a failed command.
package cmdio

import "strings"

// maxLine bounds a buffered partial line so a command that prints a huge
// blob without newlines still streams (in chunks) and cannot exhaust memory.
const maxLine = 64 * 1024

// lineWriter turns a byte stream into lines for the engine log. Each
// stream gets its own lineWriter, written by one goroutine only.
type lineWriter struct {
	buf  []byte
	emit func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := indexNewline(w.buf)
		if i < 0 {
			break
		}
		w.emit(strings.TrimSuffix(string(w.buf[:i]), "\r"))
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) >= maxLine {
		w.emit(string(w.buf))
		w.buf = w.buf[:0]
	}
	return len(p), nil
}

// flush emits a final line that had no trailing newline.
func (w *lineWriter) flush() {
	if len(w.buf) > 0 {
		w.emit(strings.TrimSuffix(string(w.buf), "\r"))
		w.buf = nil
	}
}

func indexNewline(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

// TrimOutput drops exactly one trailing newline, as upstream does for the
// stdout/stderr outputs ("echo x" yields "x", not "x\n").
func TrimOutput(s string) string {
	return strings.TrimSuffix(s, "\n")
}
