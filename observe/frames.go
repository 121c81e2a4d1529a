package observe

import (
	"runtime"
	"strings"
)

// module is the simulator's module path.
const module = "github.com/gmplab/gmp"

// Frames returns the program's frames in a stack the runtime captured
// (Event.Stack, Goroutine.Stack), innermost first, with inlined calls as
// frames of their own. The simulator's own frames — gmp's internal
// packages, and the host runtime's and package iter's coroutine machinery —
// are left out, as Go's tracebacks and profiles leave out the runtime's.
// Calls into gmp's public packages stay: gmp.Chan[T].Recv or
// gmp/sync.(*Mutex).Lock stand where a real program calls the runtime or
// the standard library.
//
//go:norace
func Frames(stack []uintptr) []runtime.Frame {
	return AppendFrames(nil, stack)
}

// AppendFrames appends the frames Frames returns to dst.
//
//go:norace
func AppendFrames(dst []runtime.Frame, stack []uintptr) []runtime.Frame {
	if len(stack) == 0 {
		return dst
	}
	// The whole stack at once: CallersFrames expands the inlined calls
	// behind a PC by looking at the PC that follows it.
	frames := runtime.CallersFrames(stack)
	for {
		f, more := frames.Next()
		if !simulatorFrame(f.Function) {
			dst = append(dst, f)
		}
		if !more {
			return dst
		}
	}
}

// simulatorFrame reports whether fn is one of the simulator's or the host
// runtime's frames.
//
//go:norace
func simulatorFrame(fn string) bool {
	return fn == "" ||
		strings.HasPrefix(fn, "runtime.") ||
		strings.HasPrefix(fn, "iter.") ||
		strings.HasPrefix(fn, module+"/internal/")
}
