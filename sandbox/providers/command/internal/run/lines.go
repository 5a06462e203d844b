package run

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

// tailLines returns the last n lines of s, for error messages.
func tailLines(s string, n int) string {
	s = strings.TrimRight(s, "\r\n")
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
