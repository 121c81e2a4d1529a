// Package stacks turns the stacks the simulated runtime attaches to its
// events (return PCs of the simulated goroutine's real host stack, innermost
// first) into the frames an output shows, and caches the work: an event
// stream repeats a few hundred distinct stacks millions of times.
//
// A captured stack starts inside the simulator (package internal/rt) and
// ends in the coroutine machinery (iter, runtime). Those frames are the
// simulator's, not the program's, and are dropped (observe.Frames), the way
// Go's own tracebacks and profiles drop the runtime's frames. The public gmp
// packages stay: gmp.(*Chan[...]).Recv plays the part of runtime.chanrecv1
// in a real trace, and sync.(*Mutex).Lock is sync.(*Mutex).Lock.
package stacks

import (
	"runtime"
	"strings"
	"unsafe"

	"github.com/gmplab/gmp/observe"
)

// Module is the simulator's module path.
const Module = "github.com/gmplab/gmp"

// Frame is one logical frame (inlined calls are frames of their own).
type Frame struct {
	PC    uintptr // the return PC it came from; inlined frames share it
	Func  string  // package-qualified, as runtime.Frame.Function
	File  string
	Line  int
	Entry uintptr // entry PC of the function if known (not inlined), else 0
}

// IsAPI reports whether fn belongs to one of gmp's public packages (gmp,
// gmp/sync, gmp/time, gmp/context, gmp/errgroup): the stand-ins for the
// runtime and standard library calls a real program would make.
//
//go:norace
func IsAPI(fn string) bool {
	rest, ok := strings.CutPrefix(fn, Module)
	if !ok {
		return false
	}
	if strings.HasPrefix(rest, ".") {
		return true
	}
	for _, pkg := range [...]string{"/sync.", "/time.", "/context.", "/errgroup."} {
		if strings.HasPrefix(rest, pkg) {
			return true
		}
	}
	return false
}

// Table symbolizes stacks. Callers cache its results by stack (see Key):
// symbolizing costs microseconds, and an event stream repeats a few
// hundred distinct stacks millions of times.
type Table struct {
	scratch []runtime.Frame
}

// NewTable returns a Table.
//
//go:norace
func NewTable() *Table { return &Table{} }

// Append appends the visible frames of stack (return PCs, innermost first,
// as runtime.Callers or the runtime's frame-pointer walk returns them) to
// dst, innermost first; inlined calls are frames of their own. The frames
// are observe.Frames'.
//
//go:norace
func (t *Table) Append(dst []Frame, stack []uintptr) []Frame {
	t.scratch = observe.AppendFrames(t.scratch[:0], stack)
	for _, f := range t.scratch {
		var entry uintptr
		if f.Func != nil {
			entry = f.Entry
		}
		dst = append(dst, Frame{PC: f.PC, Func: f.Function, File: f.File, Line: f.Line, Entry: entry})
	}
	return dst
}

// Entry returns the frame naming a goroutine that starts at the function
// whose entry PC is pc: the function, and the file and line where it is
// declared.
//
//go:norace
func (t *Table) Entry(pc uintptr) Frame {
	f := runtime.FuncForPC(pc)
	if f == nil {
		return Frame{PC: pc, Func: "?"}
	}
	file, line := f.FileLine(pc)
	return Frame{PC: pc, Func: f.Name(), File: file, Line: line, Entry: pc}
}

// GoroutineEntry is Entry for the entry PC of a goroutine as an EvGoCreate
// reports it. The runtime's own goroutines start in closures of package
// internal/rt; they are named under "runtime." as Go's are, and the main
// goroutine, which starts in the simulator's wrapper around the program's
// main, is runtime.main.
//
//go:norace
func (t *Table) GoroutineEntry(pc uintptr, mainG bool) Frame {
	f := t.Entry(pc)
	if rest, ok := strings.CutPrefix(f.Func, Module+"/internal/rt."); ok {
		if mainG {
			f.Func = "runtime.main"
		} else {
			f.Func = "runtime." + rest
		}
	}
	return f
}

// TrimAPI drops the innermost frames that belong to gmp's public packages
// (see IsAPI): a CPU sample taken in gmp.Work belongs to its caller.
//
//go:norace
func TrimAPI(frames []Frame) []Frame {
	for len(frames) > 1 && IsAPI(frames[0].Func) {
		frames = frames[1:]
	}
	return frames
}

// Key returns stack's bytes as a string for use as a map key, without
// copying: the result aliases stack, so copy it (string([]byte(k)) or
// strings.Clone) before storing it.
//
//go:norace
func Key(stack []uintptr) string {
	if len(stack) == 0 {
		return ""
	}
	return unsafe.String((*byte)(unsafe.Pointer(&stack[0])), len(stack)*int(unsafe.Sizeof(stack[0])))
}
