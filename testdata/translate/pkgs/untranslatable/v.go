package untranslatable

import (
	"io"
	"runtime/trace"
)

// Trace writes runtime/trace's own execution trace.
func Trace(w io.Writer) {
	trace.Start(w)
	defer trace.Stop()
}
