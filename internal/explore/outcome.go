package explore

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gmplab/gmp"
)

// A Target is the program under test: Run runs it once, as a simulation
// with cfg (in which the explorer has installed its Chooser), and says
// what happened. gmptest provides targets for Explore's bodies and for
// translated tests; cmd/gmp for scenarios and main packages.
type Target interface {
	Run(cfg gmp.Config) Outcome
}

// TargetFunc is a Target that is a function.
type TargetFunc func(cfg gmp.Config) Outcome

//go:norace
func (f TargetFunc) Run(cfg gmp.Config) Outcome { return f(cfg) }

// Outcome is what one run did.
type Outcome struct {
	Err      error       // how the run ended (nil: main returned)
	Leaks    []gmp.Leak  // goroutines still blocked after the test
	Failures []TestError // t.Error, t.Fatal … calls, in order
	Failed   bool        // the test failed (with or without a message)
	Skipped  bool        // the test was skipped
	Result   *gmp.Result // the simulation's result
	Race     string      // under -race, the detector's report of the race that stopped the run
}

// TestError is one t.Error/t.Fatal call of a test.
type TestError struct {
	Msg  string // what it said
	Func string // the test's function that called it (past t.Helper functions)
	File string
	Line int
	Goid int64 // the simulated goroutine that called it
}

// Kind is how a run failed.
type Kind uint8

const (
	Pass           Kind = iota
	Fail                // t.Error, t.Fatal
	Panic               // an unrecovered panic, Go's runtime panics included
	Fatal               // a fatal error other than a deadlock (sync: unlock of unlocked mutex …)
	Deadlock            // all goroutines are asleep
	Leak                // goroutines blocked for good after the test returned
	Limit               // MaxSteps or MaxTime: a livelock, or a test that never ends
	Watchdog            // a goroutine blocked outside the simulator
	Error               // any other error of the run
	Crash               // a worker process died or hung while running it
	Nondeterminism      // the replay of a run did not repeat it
	Race                // under -race: a data race between simulated goroutines
	numKinds
)

var kindNames = [numKinds]string{
	Pass: "pass", Fail: "fail", Panic: "panic", Fatal: "fatal error", Deadlock: "deadlock",
	Leak: "leak", Limit: "livelock", Watchdog: "watchdog", Error: "error", Crash: "crash",
	Nondeterminism: "uncontrolled nondeterminism", Race: "data race",
}

//go:norace
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

//go:norace
func parseKind(s string) (Kind, bool) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), true
		}
	}
	return 0, false
}

// classify says how out failed, cheaply: a passing run (nearly all of
// them) costs a few comparisons.
//
//go:norace
func classify(out *Outcome) Kind {
	if out.Err == nil {
		switch {
		case len(out.Leaks) > 0:
			return Leak
		case out.Failed || len(out.Failures) > 0:
			return Fail
		}
		return Pass
	}
	var pe *gmp.PanicError
	var fe *gmp.FatalError
	var le *gmp.LimitError
	var we *gmp.WatchdogError
	var re *gmp.RaceError
	switch {
	case errors.As(out.Err, &re):
		return Race
	case errors.As(out.Err, &fe):
		if fe.Deadlock {
			return Deadlock
		}
		return Fatal
	case errors.As(out.Err, &pe):
		return Panic
	case errors.As(out.Err, &le):
		return Limit
	case errors.As(out.Err, &we):
		return Watchdog
	}
	return Error
}

// signature names a failure so that the same bug found twice — by two
// strategies, workers or shards, with different schedules — is reported
// once: its kind and where it happened in the program, never goroutine
// ids, addresses, times or counts.
//
//   - panic, fatal error, watchdog: the message (digits elided) and the
//     top three user frames of the goroutine concerned;
//   - deadlock: the sorted set of wait sites (wait reason and innermost
//     user frame) of the blocked goroutines;
//   - leak: the same set, of the leaked goroutines;
//   - fail: the sorted positions of the t.Error/t.Fatal calls;
//   - livelock: which limit stopped the run.
//
//go:norace
func signature(k Kind, out *Outcome) string {
	var parts []string
	switch k {
	case Panic:
		var pe *gmp.PanicError
		errors.As(out.Err, &pe)
		msg := firstLine(fmt.Sprint(pe.Value))
		_, frames := parseGoroutine(pe.Stack)
		return "panic: " + elideDigits(msg) + " at " + strings.Join(top(frames, 3), " < ")
	case Fatal:
		var fe *gmp.FatalError
		errors.As(out.Err, &fe)
		var frames []string
		for _, b := range splitDump(fe.Dump) {
			if st, fr := parseGoroutine(b); st == "running" {
				frames = fr
				break
			}
		}
		return "fatal error: " + elideDigits(fe.Msg) + " at " + strings.Join(top(frames, 3), " < ")
	case Watchdog:
		var we *gmp.WatchdogError
		errors.As(out.Err, &we)
		_, frames := parseGoroutine(we.Stack)
		return "watchdog at " + strings.Join(top(frames, 3), " < ")
	case Deadlock:
		var fe *gmp.FatalError
		errors.As(out.Err, &fe)
		for _, b := range splitDump(fe.Dump) {
			st, frames := parseGoroutine(b)
			if len(frames) == 0 {
				continue // the harness's, or the runtime's: not the program's wait
			}
			parts = append(parts, st+" at "+frames[0])
		}
	case Leak:
		for _, l := range out.Leaks {
			_, frames := parseGoroutine(l.Dump)
			parts = append(parts, l.Status+" at "+strings.Join(top(frames, 1), ""))
		}
	case Fail:
		for _, f := range out.Failures {
			parts = append(parts, fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line))
		}
		if len(parts) == 0 {
			parts = append(parts, "the test failed")
		}
	case Limit:
		var le *gmp.LimitError
		if errors.As(out.Err, &le) {
			return "livelock: " + le.What
		}
	case Error:
		return "error: " + elideDigits(firstLine(out.Err.Error()))
	case Race:
		return raceSignature(out.Race)
	}
	slices.Sort(parts)
	parts = slices.Compact(parts)
	return k.String() + ": " + strings.Join(parts, "; ")
}

// detail is the failure as a person reads it: Go's panic message and
// traceback, the deadlock's goroutine dump, the leaked goroutines' stacks,
// the test's messages.
//
//go:norace
func detail(k Kind, out *Outcome) string {
	var b strings.Builder
	switch k {
	case Leak:
		fmt.Fprintf(&b, "%d goroutine(s) still blocked after the test returned (leaked):\n\n", len(out.Leaks))
		for _, l := range out.Leaks {
			b.WriteString(strings.TrimRight(l.Dump, "\n"))
			b.WriteString("\n\n")
		}
	case Race:
		if out.Race == "" {
			b.WriteString(out.Err.Error())
			b.WriteString(" (the detector's report is on standard error)")
		}
		b.WriteString(out.Race)
	case Fail:
		if len(out.Failures) == 0 {
			b.WriteString("the test failed\n")
		}
		for _, f := range out.Failures {
			fmt.Fprintf(&b, "%s:%d: %s\n", filepath.Base(f.File), f.Line, f.Msg)
		}
	default:
		if out.Err != nil {
			b.WriteString(out.Err.Error())
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// splitDump splits a goroutine dump into its goroutines.
//
//go:norace
func splitDump(dump string) []string {
	var out []string
	for b := range strings.SplitSeq(strings.TrimSpace(dump), "\n\n") {
		if strings.HasPrefix(b, "goroutine ") {
			out = append(out, b)
		}
	}
	return out
}

// parseGoroutine reads one goroutine of a traceback: its status ("chan
// receive", without ", N minutes") and its user frames, innermost first,
// as "pkg.Func (file.go:42)".
//
//go:norace
func parseGoroutine(s string) (status string, frames []string) {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) == 0 {
		return "", nil
	}
	h := lines[0]
	if i, j := strings.IndexByte(h, '['), strings.LastIndexByte(h, ']'); i >= 0 && j > i {
		status = h[i+1 : j]
		if k := strings.Index(status, ", "); k >= 0 {
			status = status[:k]
		}
	}
	var created string
	for i := 1; i+1 < len(lines); i++ {
		fn := lines[i]
		if strings.HasPrefix(fn, "\t") {
			continue
		}
		loc := strings.TrimSpace(lines[i+1])
		if k := strings.LastIndex(loc, " +0x"); k >= 0 {
			loc = loc[:k]
		}
		if after, ok := strings.CutPrefix(fn, "created by "); ok {
			if k := strings.Index(after, " in goroutine"); k >= 0 {
				after = after[:k]
			}
			created = "created by " + funcName(after) + " (" + filepath.Base(loc) + ")"
			i++
			continue
		}
		if k := strings.LastIndexByte(fn, '('); k > 0 {
			fn = fn[:k]
		}
		if !userFunc(fn) {
			i++
			continue
		}
		frames = append(frames, funcName(fn)+" ("+filepath.Base(loc)+")")
		i++
	}
	if len(frames) == 0 && created != "" {
		frames = []string{created}
	}
	return status, frames
}

// funcName shortens a function's full name to its package's name and the
// function: github.com/x/y/corpus.leak.func1 → corpus.leak.func1.
//
//go:norace
func funcName(fn string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		return fn[i+1:]
	}
	return fn
}

const module = "github.com/gmplab/gmp"

// gmpPackages are gmp's packages whose frames stand for Go's own
// (the sync and time mirrors …): a failure's place is in the user's code.
var gmpPackages = []string{"", "/sync", "/sync/atomic", "/time", "/context", "/errgroup", "/trace",
	"/maps", "/math/rand", "/math/rand/v2", "/gmptest"}

// userFunc reports whether fn (a full function name) is the program's
// rather than Go's or the simulator's.
//
//go:norace
func userFunc(fn string) bool {
	if fn == "" || strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "iter.") ||
		strings.HasPrefix(fn, "testing.") || strings.HasPrefix(fn, module+"/internal/") {
		return false
	}
	rest, ok := strings.CutPrefix(fn, module)
	if !ok {
		return true
	}
	// rest is "/sync.(*Mutex).Lock" or ".Go": its package is up to the
	// first dot after the last slash.
	slash := strings.LastIndexByte(rest, '/')
	dot := strings.IndexByte(rest[slash+1:], '.')
	if dot < 0 {
		return true
	}
	pkg := rest[:slash+1+dot]
	return !slices.Contains(gmpPackages, pkg)
}

//go:norace
func top(frames []string, n int) []string {
	if len(frames) > n {
		frames = frames[:n]
	}
	if len(frames) == 0 {
		return []string{"?"}
	}
	return frames
}

//go:norace
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

var digits = regexp.MustCompile(`[0-9]+`)

// elideDigits replaces numbers by '#': a panic's message often holds an
// id or a count that differs from run to run.
//
//go:norace
func elideDigits(s string) string { return digits.ReplaceAllString(s, "#") }

// sigHash is the failure file's name for a signature.
//
//go:norace
func sigHash(sig string) string {
	h := uint64(14695981039346656037)
	for i := 0; i < len(sig); i++ {
		h ^= uint64(sig[i])
		h *= 1099511628211
	}
	return fmt.Sprintf("%016x", splitmix(h))
}
