package gmp

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gmplab/gmp/internal/rt"
)

// The errors a run can end with. Run returns them as pointers
// (*FatalError …); use errors.As to tell them apart.

// FatalError is a fatal error of the simulated program, as the Go runtime
// reports one: "fatal error: all goroutines are asleep - deadlock!", a
// throw from the sync package ("sync: unlock of unlocked mutex"), the
// thread limit, and the like, with the goroutine dump Go prints after it.
type FatalError struct {
	// Msg is the message after "fatal error: ".
	Msg string
	// Prelude is what Go prints before "fatal error:", if anything (the
	// thread limit's "runtime: program exceeds 10000-thread limit").
	Prelude string
	// Dump is the goroutine dump, in Go's format.
	Dump string
	// Deadlock reports Go's deadlock error: "all goroutines are asleep -
	// deadlock!", or "no goroutines (main called runtime.Goexit) -
	// deadlock!".
	Deadlock bool
	// Internal reports a broken invariant of the simulator itself (a gmp
	// bug) rather than an error of the program.
	Internal bool
}

//go:norace
func (e *FatalError) Error() string {
	var b strings.Builder
	b.WriteString(e.Prelude)
	if e.Internal {
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

// PanicError is a panic that no simulated goroutine recovered: what ends a
// real program with "panic: …" and the panicking goroutine's traceback.
type PanicError struct {
	// Value is the value passed to panic.
	Value any
	// Goid is the goroutine that panicked.
	Goid int64
	// Stack is its traceback in Go's format: "goroutine N [running]:" and
	// its frames.
	Stack string

	text string // Error's text: Go's "panic: …", formatted by the runtime
}

//go:norace
func (e *PanicError) Error() string {
	if e.text != "" {
		return e.text
	}
	return fmt.Sprintf("panic: %v\n\n%s", e.Value, strings.TrimRight(e.Stack, "\n"))
}

// Unwrap returns the panic value if it is an error, so that errors.Is and
// errors.As see through a simulated panic.
//
//go:norace
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// LimitError reports that a limit stopped the run: Config.MaxTime or
// Config.MaxSteps, the end of virtual time, or a clock that stopped moving.
type LimitError struct {
	// What is the limit that was hit: "virtual time" (MaxTime), "steps"
	// (MaxSteps), "end of virtual time" (a wait or Work reached
	// math.MaxInt64 ns, about 292 years, where every deadline saturates),
	// or "stalled clock" (10,000,000 goroutine switches without virtual
	// time moving: a loop that spends no virtual time, which neither
	// MaxTime nor the watchdog could stop).
	What string
	// Limit is the limit's value: ns of virtual time, steps, or switches.
	Limit int64
	// At is the virtual time at which the run stopped.
	At time.Duration
}

//go:norace
func (e *LimitError) Error() string {
	return (&rt.LimitError{What: e.What, Limit: e.Limit, At: int64(e.At)}).Error()
}

// WatchdogError reports a goroutine body that blocked outside the simulator
// (a real channel, mutex or time.Sleep) or ran without calling gmp for
// longer than Config.Watchdog of wall time.
type WatchdogError struct {
	// Goid is the simulated goroutine that stopped making progress (0 if
	// it could not be told).
	Goid int64
	// Wall is the wall time it went without progress: Config.Watchdog.
	Wall time.Duration
	// Stack is the stack of the host goroutine running it, as
	// runtime.Stack prints it.
	Stack string
}

//go:norace
func (e *WatchdogError) Error() string {
	return fmt.Sprintf("gmp: goroutine %d made no progress for %v of wall time: it is blocked or spinning outside the simulator (a real channel, mutex, time.Sleep or a loop without gmp calls?)\n\n%s",
		e.Goid, e.Wall, strings.TrimRight(e.Stack, "\n"))
}

// LeakError is returned when Config.LeakIsError is set and goroutines
// outlive main.
type LeakError struct {
	// Leaks are the goroutines still alive, as in Result.Leaks.
	Leaks []Leak
}

//go:norace
func (e *LeakError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "gmp: %d goroutine(s) still alive when main returned:\n", len(e.Leaks))
	for _, l := range e.Leaks {
		b.WriteString("\n")
		b.WriteString(l.Dump)
	}
	return strings.TrimRight(b.String(), "\n")
}

// IsDeadlock reports whether err is Go's "all goroutines are asleep -
// deadlock!" (or "no goroutines") fatal error.
//
//go:norace
func IsDeadlock(err error) bool {
	var f *FatalError
	return errors.As(err, &f) && f.Deadlock
}

// publicError converts the runtime's errors into the types above; other
// errors pass unchanged.
//
//go:norace
func publicError(err error) error {
	switch e := err.(type) {
	case *rt.Fatal:
		return &FatalError{Msg: e.Msg, Prelude: e.Prelude, Dump: e.Dump, Deadlock: e.Deadlock, Internal: e.Internal()}
	case *rt.Panic:
		return &PanicError{Value: e.Value, Goid: e.Goid, Stack: e.Stack, text: e.Error()}
	case *rt.LimitError:
		return &LimitError{What: e.What, Limit: e.Limit, At: time.Duration(e.At)}
	case *rt.WatchdogError:
		return &WatchdogError{Goid: e.Goid, Wall: e.Wall, Stack: e.Stack}
	case *rt.RaceError:
		return &RaceError{Goid: e.Goid, At: time.Duration(e.At)}
	}
	return err
}

// RaceError reports that, in a binary built with -race, the race
// detector found a data race between simulated goroutines and
// Config.HaltOnRace stopped the run. The detector printed the report —
// the two accesses with their goroutines' stacks, and where those
// goroutines were created — on standard error.
type RaceError struct {
	Goid int64         // the goroutine running when the run stopped (0: the report came as the run ended)
	At   time.Duration // virtual time when it stopped
}

//go:norace
func (e *RaceError) Error() string {
	return (&rt.RaceError{Goid: e.Goid, At: int64(e.At)}).Error()
}
