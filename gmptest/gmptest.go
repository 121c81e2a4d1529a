// Package gmptest runs tests, examples, benchmarks and main packages that
// the translator (internal/translate) rewrote, each inside a simulation of
// the Go runtime. Translated code calls it; people rarely do.
//
// # Tests
//
// The translator inserts, at the top of every TestX,
//
//	if gmptest.Test(t, TestX) { return }
//
// Called by go test on a real goroutine, Test runs one simulation (gmp.Run)
// in which goroutine 1 plays testing's main goroutine and TestX runs on a
// goroutine of its own, as tRunner runs it; there the same call returns
// false and the body runs. The function keeps its name, so stacks name the
// user's code. The test ends when its body returns or calls
// runtime.Goexit (t.FailNow, t.Fatal, t.SkipNow): then its cleanups run,
// the goroutines it left behind get the chance to finish, and those still
// alive are a leak, which fails the test with their stacks.
//
// # Subtests and the real testing package
//
// The *testing.T is the real one, so t.Error, t.Log, t.Helper, t.Name,
// t.TempDir, t.Setenv, -run, -v and -json are go test's own. What std would
// do by blocking on a real channel is done in the simulation instead:
// t.Run, t.Parallel, t.Cleanup and t.Context are rewritten to Run,
// Parallel, Cleanup and Context here.
//
// Run asks the real testing package for the subtest: from the simulated
// goroutine it starts std's t.Run on a host goroutine and waits (on a real
// channel, so the simulation stands still, in zero virtual time) until std
// has created the sub-T — or filtered the subtest out with -run. The
// subtest's body then runs on a new simulated goroutine while the parent
// waits on a simulated channel. When the body is done (and its parallel
// subtests and cleanups), its host side returns, std prints its result,
// and only then does the simulation go on: the output is in simulation
// order, the same for the same seed. Parallel pauses the subtest until the
// parent's body returns, as std does, and limits the running parallel
// subtests to -test.parallel — all in simulated time. std itself never
// sees a parallel subtest (it would wait on a real barrier): its subtests
// are all sequential to it, several of them running at once, which std
// allows; so -v prints no PAUSE/CONT lines. A top-level t.Parallel does
// nothing: each test is a simulation of its own, run one after another.
//
// # The explorer's entry point
//
// RunTest runs one simulation of one test body with a given gmp.Config and
// returns its Outcome (pass, fail, skip, panic, deadlock, leak, limit,
// watchdog) without reporting anything itself: the explorer calls it once
// per schedule.
package gmptest

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/explore"
	"github.com/gmplab/gmp/internal/progrand"
	"github.com/gmplab/gmp/internal/rt"
)

// Status is how a simulated test ended.
type Status int

const (
	Pass     Status = iota // the body returned and nothing failed
	Fail                   // the test failed (t.Error, t.Fatal …)
	Skip                   // the test was skipped
	Panic                  // a simulated goroutine panicked
	Deadlock               // all goroutines asleep (the runtime's fatal error)
	Leak                   // goroutines still alive after the test
	Limit                  // MaxTime or MaxSteps stopped the run (a livelock, or -timeout in virtual time)
	Watchdog               // a goroutine blocked outside the simulator
	Error                  // any other error of the run
)

var statusNames = [...]string{"pass", "fail", "skip", "panic", "deadlock", "leak", "limit", "watchdog", "error"}

//go:norace
func (s Status) String() string { return statusNames[s] }

// Outcome is the result of one simulated test.
type Outcome struct {
	Status Status      // how the test ended
	Err    error       // the run's error (panic, fatal error, limit, watchdog)
	Leaks  []gmp.Leak  // goroutines alive when the test was over
	Result *gmp.Result // the simulation's result

	reported bool // the error was printed on a subtest already
}

// Failed reports whether the outcome is a failure of any kind.
//
//go:norace
func (o Outcome) Failed() bool { return o.Status != Pass && o.Status != Skip }

// Settings are the harness's settings, read from the GMPTEST environment
// variable (comma-separated name=value: procs, seed, leaks, maxsteps,
// maxtime, watchdog, trace, preempt, and the explorer's explore, parallel,
// strategy, mode, shard, replay), which `gmp test` sets. (Options, beside
// them, configure Explore.)
type Settings struct {
	Config gmp.Config // the simulation's configuration
	Leaks  bool       // leaked goroutines fail the test (default true)
	Trace  string     // write a Go execution trace of each test here (a directory)

	// The explorer's (gmp test -gmp.explore N …), as Explore's flags.
	Explore  int64  // schedules to run (-gmp.explore)
	Parallel int    // worker processes (-gmp.parallel)
	Strategy string // the strategy's name (-gmp.strategy)
	Mode     string // "faithful" or "abstract" (-gmp.mode)
	Shard    string // "i/N": run the indices ≡ i mod N (-gmp.shard)
	Replay   string // a failure file to replay (-gmp.replay)
	Dir      string // failure files (default testdata/gmp/<TestName>)
}

// ReadSettings returns the settings in GMPTEST.
//
//go:norace
func ReadSettings() (Settings, error) {
	o := Settings{Leaks: true}
	o.Config.Seed = 1
	o.Config.Watchdog = 30 * time.Second
	for _, kv := range strings.Split(os.Getenv("GMPTEST"), ",") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "procs":
			o.Config.Procs, err = strconv.Atoi(v)
		case "seed":
			o.Config.Seed, err = strconv.ParseUint(v, 10, 64)
		case "leaks":
			o.Leaks, err = strconv.ParseBool(v)
		case "maxsteps":
			o.Config.MaxSteps, err = strconv.ParseInt(v, 10, 64)
		case "maxtime":
			o.Config.MaxTime, err = time.ParseDuration(v)
		case "watchdog":
			o.Config.Watchdog, err = time.ParseDuration(v)
		case "trace":
			o.Trace = v
		case "preempt":
			switch v {
			case "async":
			case "cooperative":
				o.Config.Preempt = gmp.PreemptCooperative
			default:
				err = errors.New("want async or cooperative")
			}
		case "explore":
			o.Explore, err = strconv.ParseInt(v, 10, 64)
		case "parallel":
			o.Parallel, err = strconv.Atoi(v)
		case "strategy":
			o.Strategy = v
		case "mode":
			o.Mode = v
		case "shard":
			o.Shard = v
		case "replay":
			o.Replay = v
		case "faildir":
			o.Dir = v
		default:
			err = errors.New("unknown setting")
		}
		if err != nil {
			return o, fmt.Errorf("GMPTEST: %s: %v", kv, err)
		}
	}
	return o, nil
}

//go:norace
func settings(t testing.TB) Settings {
	o, err := ReadSettings()
	if err != nil {
		t.Fatal(err)
	}
	if o.Config.MaxTime == 0 {
		// go test's -timeout, in virtual time: a test that sleeps past
		// it would time out natively too.
		o.Config.MaxTime = timeoutFlag()
	}
	return o
}

// timeoutFlag returns -test.timeout (10m if unset or 0: no limit natively,
// but a virtual-time livelock needs one).
//
//go:norace
func timeoutFlag() time.Duration {
	if f := lookupFlag("test.timeout"); f != "" {
		if d, err := time.ParseDuration(f); err == nil && d > 0 {
			return d
		}
	}
	return 10 * time.Minute
}

// Test runs the test function fn (the caller, TestX) in a simulation and
// reports its outcome on t, returning true; called from inside the
// simulation it returns false, so that TestX's body runs there.
//
//go:norace
func Test(t *testing.T, fn func(*testing.T)) bool {
	if rt.InRun() {
		return false
	}
	t.Helper()
	o := settings(t)
	if o.Explore > 0 || o.Replay != "" || explore.IsWorker() {
		exploreTest(t, fn, o)
		return true
	}
	if hasFailureFiles(o.Dir, t.Name()) {
		replaySaved(t, fn, o)
	}
	if o.Trace != "" {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
		o.Config.TraceFile = o.Trace + "/" + name + ".trace"
	}
	crashOnPanic = true
	out := RunTest(t, o.Config, fn)
	crashOnPanic = false
	if out.Status == Panic {
		// An unrecovered panic ends the test binary, as in Go.
		panic(simPanic{out.Err})
	}
	report(t, out, o)
	return true
}

// TestAllowLeaks is Test for a test whose doc comment says //gmp:leaks-ok:
// goroutines it leaves behind are reported in -v output but do not fail
// it.
//
//go:norace
func TestAllowLeaks(t *testing.T, fn func(*testing.T)) bool {
	if rt.InRun() {
		return false
	}
	t.Helper()
	o := settings(t)
	o.Leaks = false
	crashOnPanic = true
	out := RunTest(t, o.Config, fn)
	crashOnPanic = false
	if out.Status == Panic {
		panic(simPanic{out.Err})
	}
	if out.Status == Leak {
		t.Logf("gmp: %d goroutine(s) left behind (allowed by //gmp:leaks-ok)", len(out.Leaks))
	}
	report(t, out, o)
	return true
}

// report prints what the simulation found beyond the test's own failures.
//
//go:norace
func report(t *testing.T, out Outcome, o Settings) {
	w := t.Output()
	switch out.Status {
	case Leak:
		if !o.Leaks {
			return
		}
		fmt.Fprintf(w, "gmp: %d goroutine(s) still alive after %s returned (leaked):\n\n", len(out.Leaks), t.Name())
		for _, l := range out.Leaks {
			fmt.Fprintf(w, "%s\n", strings.TrimRight(l.Dump, "\n"))
		}
		fmt.Fprintf(w, "\n%s\n", replayHint(t, o))
		t.Fail()
	case Panic, Deadlock, Limit, Watchdog, Error:
		if !out.reported {
			fmt.Fprintf(w, "%s\n\n%s\n", strings.TrimRight(out.Err.Error(), "\n"), replayHint(t, o))
			t.Fail()
		}
	}
}

//go:norace
func replayHint(t *testing.T, o Settings) string {
	return fmt.Sprintf("gmp: seed %d, procs %d: GMPTEST=seed=%d,procs=%d go test -run '^%s$'", o.Config.Seed, procsOf(o.Config), o.Config.Seed, procsOf(o.Config), strings.Split(t.Name(), "/")[0])
}

//go:norace
func procsOf(c gmp.Config) int {
	if c.Procs == 0 {
		return 4
	}
	return c.Procs
}

// crashOnPanic makes a simulated panic take the test binary down, as a
// panic does in go test; Test sets it, the explorer's RunTest calls don't.
var crashOnPanic bool

// RunTest runs body (a test function, usually TestX itself) as the test
// goroutine of one simulation with configuration cfg, on the real test t,
// and returns the outcome. It reports nothing on t itself except through
// the body's own calls (t.Error …) and, for a panic or fatal error, the
// message on the innermost running subtest (which fails it).
//
//go:norace
func RunTest(t *testing.T, cfg gmp.Config, body func(*testing.T)) Outcome {
	progrand.SetSeed(cfg.Seed)
	if cfg.Settle == 0 {
		// What the test left behind runs on for a while of virtual time,
		// as under the explorer: a goroutine still sleeping when the
		// test returns is not a leak; one blocked for good is.
		cfg.Settle = time.Second
	}
	h := &harness{tests: map[*testing.T]*tstate{}}
	cur = h
	defer func() { cur = nil }()
	var root *tstate
	res, err := gmp.Run(cfg, func() {
		rt.HideFromStackAll()
		runInits()
		root = h.newState(t, nil)
		root.finished = gmp.MakeChan[struct{}](0)
		gmp.Go(func() { root.run(body) })
		root.finished.Recv()
		h.rootGoid = root.goid
		settle()
	})
	out := Outcome{Err: err, Result: res}
	switch {
	case err == nil:
	case gmp.IsDeadlock(err):
		out.Status = Deadlock
	default:
		var pe *gmp.PanicError
		var le *gmp.LimitError
		var we *gmp.WatchdogError
		switch {
		case errors.As(err, &pe):
			out.Status = Panic
		case errors.As(err, &le):
			out.Status = Limit
		case errors.As(err, &we):
			out.Status = Watchdog
		default:
			out.Status = Error
		}
	}
	if err != nil {
		// The simulation is over with subtests still waiting on the host:
		// the innermost gets the message, and each is let go.
		out.reported = h.abort(err, out.Status == Panic && crashOnPanic)
	}
	if err == nil && res != nil {
		for _, l := range res.Leaks {
			if l.Goid != h.rootGoid {
				out.Leaks = append(out.Leaks, l)
			}
		}
		if len(out.Leaks) > 0 {
			out.Status = Leak
		}
	}
	if out.Status == Pass {
		switch {
		case t.Skipped():
			out.Status = Skip
		case t.Failed():
			out.Status = Fail
		}
	}
	return out
}

// settle lets the goroutines the test left runnable run until each has
// exited or blocked, so that a goroutine on its way out (woken by the
// test's last close, say) is not taken for a leak. Blocked goroutines
// stay blocked: they are the leaks.
//
//go:norace
func settle() {
	me := gmp.Goid()
	for range 1000 {
		busy := false
		for _, g := range rt.ReadSchedState(true).Gs {
			if g.System || g.Goid == me {
				continue
			}
			switch g.Status {
			case 1, 2, 3: // _Grunnable, _Grunning, _Gsyscall
				busy = true
			}
		}
		if !busy {
			return
		}
		gmp.Gosched()
	}
}

// Benchmark runs the benchmark function fn (the caller) inside one
// simulation: the b.N loop and b.Loop run on simulated goroutines, and the
// timings are wall-clock times of the simulation. gmp test runs
// benchmarks natively unless -gmp.bench is given.
//
//go:norace
func Benchmark(b *testing.B, fn func(*testing.B)) bool {
	if rt.InRun() {
		return false
	}
	o := settings(b)
	progrand.SetSeed(o.Config.Seed)
	_, err := gmp.Run(o.Config, func() { runInits(); fn(b) })
	if err != nil {
		b.Fatal(err)
	}
	return true
}

// Example runs the example function fn (the caller) inside one
// simulation; go test compares what it prints with its // Output comment
// as usual.
//
//go:norace
func Example(fn func()) bool {
	if rt.InRun() {
		return false
	}
	o, err := ReadSettings()
	if err != nil {
		panic(err)
	}
	progrand.SetSeed(o.Config.Seed)
	if _, err := gmp.Run(o.Config, func() { runInits(); fn() }); err != nil {
		panic(err.Error())
	}
	return true
}

// Main runs a translated command's main function as goroutine 1 of a
// simulation configured by the GMPRUN environment variable (which `gmp
// run` sets; the same names as GMPTEST) and exits the process as Go does:
// status 0 when main returns, 2 after a panic or a fatal error, with the
// runtime's message on standard error.
//
//go:norace
func Main(main func()) bool {
	if rt.InRun() {
		return false
	}
	os.Setenv("GMPTEST", os.Getenv("GMPRUN"))
	o, err := ReadSettings()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if o.Explore > 0 || o.Replay != "" || explore.IsWorker() {
		os.Exit(exploreMain(main, o))
	}
	if o.Trace != "" {
		o.Config.TraceFile = o.Trace
	}
	o.Config.MaxTime = 0
	progrand.SetSeed(o.Config.Seed)
	_, err = gmp.Run(o.Config, func() { runInits(); main() })
	if err != nil {
		fmt.Fprintln(os.Stderr, strings.TrimRight(err.Error(), "\n"))
		os.Exit(2)
	}
	os.Exit(0)
	return true
}

//go:norace
func lookupFlag(name string) string {
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}
