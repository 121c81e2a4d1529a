package rt

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Panics, fatal errors and goroutine dumps in Go's own format
// (panic.go, traceback.go), with the simulated goroutines' real stacks.

// blockReason is the execution tracer's reason for a block
// (traceruntime.go:traceBlockReason).
type blockReason uint8

const (
	blockGeneric blockReason = iota
	blockForever
	blockNet
	blockSelect
	blockCondWait
	blockSync
	blockChanSend
	blockChanRecv
	blockPreempted
	blockSleep
	blockSystemGoroutine
)

var blockReasonStrings = [...]string{
	blockGeneric:         "unspecified",
	blockForever:         "forever",
	blockNet:             "network",
	blockSelect:          "select",
	blockCondWait:        "sync.(*Cond).Wait",
	blockSync:            "sync",
	blockChanSend:        "chan send",
	blockChanRecv:        "chan receive",
	blockPreempted:       "preempted",
	blockSleep:           "sleep",
	blockSystemGoroutine: "system goroutine wait",
}

//go:norace
func (r blockReason) String() string { return blockReasonStrings[r] }

// Fatal is an unrecoverable runtime error: Go's fatal error or throw
// ("fatal error: all goroutines are asleep - deadlock!"), with the
// goroutine dump Go prints after it.
type Fatal struct {
	Msg      string // the message after "fatal error: "
	Prelude  string // what Go prints before "fatal error:" (e.g. the thread-limit line)
	Dump     string // goroutine dump
	Deadlock bool
	internal bool // a broken invariant in the simulator itself
	// wantDump asks Run for the goroutine dump once the event loop has
	// stopped: only then are all goroutines suspended where their stacks
	// can be read (see probeStack). Nothing runs after a fatal error, so
	// the dump shows the state at the error.
	wantDump bool
}

//go:norace
func (e *Fatal) Error() string {
	var b strings.Builder
	b.WriteString(e.Prelude)
	if e.internal {
		b.WriteString("gmp: internal error (simulator bug): ")
		b.WriteString(e.Msg)
		return b.String()
	}
	b.WriteString("fatal error: ")
	b.WriteString(e.Msg)
	if e.Dump != "" {
		b.WriteString("\n\n")
		b.WriteString(strings.TrimRight(e.Dump, "\n"))
	}
	return b.String()
}

// Panic is an unrecovered panic in a simulated goroutine.
type Panic struct {
	Value any    // the value passed to panic
	Goid  int64  // the goroutine that panicked
	Stack string // "goroutine N [running]:\n" and its frames, in Go's format
}

//go:norace
func (e *Panic) Error() string {
	return "panic: " + printpanicval(e.Value) + "\n\n" + strings.TrimRight(e.Stack, "\n")
}

// Unwrap returns the panic value if it is an error, so errors.Is/As see
// through a simulated panic.
//
//go:norace
func (e *Panic) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// printpanicval formats a panic value as the runtime does
// (panic.go:printpanicval).
//
//go:norace
func printpanicval(v any) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	case string:
		return v
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr, float32, float64, complex64, complex128:
		s := fmt.Sprint(v)
		if t := fmt.Sprintf("%T", v); strings.Contains(t, ".") {
			return t + "(" + s + ")"
		}
		return s
	default:
		return fmt.Sprintf("(%T) %v", v, v)
	}
}

// recordPanic is called on gp's coroutine, in the deferred function that
// recovered the panic, so the stack still holds the panicking frames.
//
//go:norace
func recordPanic(gp *g, r any) {
	var buf [128]uintptr
	n := runtime.Callers(2, buf[:])
	pcs := buf[:n]
	var b strings.Builder
	fmt.Fprintf(&b, "goroutine %d [running]:\n", gp.goid)
	writeFrames(&b, pcs, true)
	writeCreatedBy(&b, gp)
	panicErr = &Panic{Value: r, Goid: gp.goid, Stack: b.String()}
}

var panicErr *Panic

// fatalpanic ends the program after an unrecovered panic.
//
//go:norace
func fatalpanic(gp *g) {
	fail(panicErr)
}

// fatal ends the program with a fatal error and a dump of all goroutines
// (panic.go:fatal).
//
//go:norace
func fatal(msg string) {
	fatalMsg("", msg)
}

//go:norace
func fatalMsg(prelude, msg string) {
	f := &Fatal{Msg: msg, Prelude: prelude, wantDump: true}
	f.Deadlock = strings.Contains(msg, "deadlock")
	fail(f)
}

// fail records why the program ended and stops the event loop. The caller
// must get back to the loop without touching the runtime state further.
//
//go:norace
func fail(err error) {
	if done {
		return
	}
	exitErr = err
	done = true
}

// DumpAll returns a dump of every user goroutine, the caller first (as
// running), in Go's format: runtime.Stack(buf, true) inside a simulation.
//
//go:norace
func DumpAll() string {
	gp := getg()
	var others []*g
	for _, g2 := range allgs {
		if g2 == gp || g2.sys || g2.harness || readgstatus(g2) == _Gdead || readgstatus(g2) == _Gidle {
			continue
		}
		others = append(others, g2)
	}
	// The other goroutines' stacks are read on the event loop, where
	// every coroutine is suspended; everything is formatted here. (Under
	// -race the loop's goroutine must hand over nothing but what it
	// reads in the runtime's own code: the pcs.)
	dumpGs = others
	dumpStacks = make([][]uintptr, len(others))
	atLoop(probeDumpGs)
	stacks := dumpStacks
	dumpGs, dumpStacks = nil, nil
	var b strings.Builder
	writeGoroutine(&b, gp, nil)
	for i, g2 := range others {
		b.WriteByte('\n')
		writeGoroutine(&b, g2, stacks[i])
	}
	return b.String()
}

// HideFromStackAll leaves the calling goroutine out of DumpAll: gmptest's
// goroutine that runs a translated test and waits for it stands where a
// test binary has testing's own goroutines, which leak checkers (goleak)
// recognise by their testing frames and ignore; this one has none.
//
//go:norace
func HideFromStackAll() { getg().harness = true }

// dumpGs are the goroutines DumpAll reads the stacks of, into dumpStacks.
var (
	dumpGs     []*g
	dumpStacks [][]uintptr
)

// probeDumpGs reads the stacks of dumpGs on the event loop.
//
//go:norace
func probeDumpGs() {
	for i, g2 := range dumpGs {
		if g2.fn == nil {
			dumpStacks[i] = probeStack(g2)
		}
	}
}

// dumpGoroutines prints every live user goroutine the way Go's traceback
// does after a fatal error.
//
//go:norace
func dumpGoroutines() string {
	var b strings.Builder
	for _, gp := range allgs {
		if gp.sys || readgstatus(gp) == _Gdead || readgstatus(gp) == _Gidle {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		writeGoroutine(&b, gp, nil)
	}
	return b.String()
}

// writeGoroutine writes gp's header, stack and creator; pcs, if not nil,
// is gp's stack read earlier.
//
//go:norace
func writeGoroutine(b *strings.Builder, gp *g, pcs []uintptr) {
	goroutineheader(b, gp)
	switch {
	case gp.fn != nil:
		// Not started yet: Go shows the entry function.
		writeEntry(b, gp)
	case pcs != nil:
		writeFrames(b, pcs, false)
	case cur != nil && gp.co == cur:
		var buf [64]uintptr
		n := runtime.Callers(1, buf[:])
		writeFrames(b, buf[:n], false)
	default:
		writeFrames(b, probeStack(gp), false)
	}
	writeCreatedBy(b, gp)
}

// goroutineheader writes "goroutine N [status, M minutes]:".
// Models runtime.goroutineheader (traceback.go).
// Deviation: waitsince is set when the goroutine parks, not lazily by the
// GC, so the minutes show on any dump.
//
//go:norace
func goroutineheader(b *strings.Builder, gp *g) {
	status := readgstatus(gp)
	s := "???"
	if int(status) < len(gStatusStrings) && gStatusStrings[status] != "" {
		s = gStatusStrings[status]
	}
	if status == _Gwaiting && gp.waitreason != waitReasonZero {
		s = gp.waitreason.String()
	}
	var waitfor int64
	if (status == _Gwaiting || status == _Gsyscall) && gp.waitsince != 0 {
		waitfor = (now - gp.waitsince) / 60e9
	}
	fmt.Fprintf(b, "goroutine %d [%s", gp.goid, s)
	if waitfor >= 1 {
		fmt.Fprintf(b, ", %d minutes", waitfor)
	}
	b.WriteString("]:\n")
}

// hiddenFrame reports whether a frame belongs to the simulator's runtime
// layer, which a dump hides the way Go hides runtime.* frames: the runtime,
// iter, gmp's internal packages and its root package (the API that stands
// for go statements and channel operations). A closure of the root
// package inlined into the caller is named after the caller (a for loop
// over Chan.All is main.f.Chan[...].All.func1), so its file tells it.
//
//go:norace
func hiddenFrame(f runtime.Frame) bool {
	fn := f.Function
	return strings.HasPrefix(fn, "runtime.") ||
		strings.HasPrefix(fn, "iter.") ||
		strings.HasPrefix(fn, modulePath+"/internal/") ||
		strings.HasPrefix(fn, modulePath+".") ||
		rootFile(f.File) ||
		splitBody[fn]
}

// splitBody names the //go:norace halves of gmp/sync methods whose
// exported half is instrumented under -race (sync/waitgroup.go): a dump
// shows the exported method on top, as Go's does.
var splitBody = map[string]bool{
	modulePath + "/sync.(*WaitGroup).add":  true,
	modulePath + "/sync.(*WaitGroup).wait": true,
}

// rootDir is the directory of gmp's root package, from this file's path
// (internal/rt/traceback.go).
var rootDir = func() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}()

// rootFile reports whether file is a source file of gmp's root package
// (not a test).
//
//go:norace
func rootFile(file string) bool {
	return rootDir != "" && filepath.Dir(file) == rootDir && !strings.HasSuffix(file, "_test.go")
}

const modulePath = "github.com/gmplab/gmp"

// writeFrames writes pcs in traceback format, dropping the simulator's own
// frames the way Go drops runtime frames. Go prints each frame's arguments;
// the simulator cannot see them and prints (...), which is what Go prints
// for an inlined frame.
//
//go:norace
func writeFrames(b *strings.Builder, pcs []uintptr, isPanic bool) {
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function != "" && !hiddenFrame(f) {
			fmt.Fprintf(b, "%s(...)\n\t%s:%d", f.Function, f.File, f.Line)
			if f.Func != nil && f.PC >= f.Entry {
				fmt.Fprintf(b, " +0x%x", f.PC-f.Entry)
			}
			b.WriteByte('\n')
		}
		if !more {
			break
		}
	}
}

// writeEntry writes the entry frame of a goroutine that has not run yet.
//
//go:norace
func writeEntry(b *strings.Builder, gp *g) {
	pc := funcPC(gp.fn)
	f := runtime.FuncForPC(pc)
	if f == nil {
		return
	}
	file, line := f.FileLine(pc)
	fmt.Fprintf(b, "%s(...)\n\t%s:%d\n", f.Name(), file, line)
}

// writeCreatedBy writes "created by F in goroutine N" and the go
// statement's position (traceback.go:printcreatedby1).
//
//go:norace
func writeCreatedBy(b *strings.Builder, gp *g) {
	if gp.gopc == 0 {
		return
	}
	frames := runtime.CallersFrames([]uintptr{gp.gopc})
	f, _ := frames.Next()
	if f.Function == "" {
		return
	}
	fmt.Fprintf(b, "created by %s", f.Function)
	if gp.parentGoid != 0 {
		fmt.Fprintf(b, " in goroutine %d", gp.parentGoid)
	}
	fmt.Fprintf(b, "\n\t%s:%d", f.File, f.Line)
	if f.PC >= f.Entry && f.Entry != 0 {
		fmt.Fprintf(b, " +0x%x", f.PC-f.Entry)
	}
	b.WriteByte('\n')
}

//go:norace
func itoa(v int64) string { return strconv.FormatInt(v, 10) }
