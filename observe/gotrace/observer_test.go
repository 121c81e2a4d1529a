package gotrace_test

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/exp/trace"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/gotool"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/gotrace"
	"github.com/gmplab/gmp/observe/internal/testprog"
	"github.com/gmplab/gmp/scenarios"
)

// rtCounts tallies the runtime's events, to compare with what a reader
// finds in the trace.
type rtCounts struct {
	n           [64]int
	fastLost    int // syscalls that lost their P but got one back at once
	stwRestarts int // procresize's pretend deschedule (GoStop, ProcStop)
	selfSteals  int // ProcSteals of a thread's own P (≤go1.25 entersyscall during a stop-the-world)
	prev        rt.EventKind
	prevM       int64
}

func (c *rtCounts) Event(ev *rt.Event) {
	c.n[ev.Kind]++
	if ev.Kind == rt.EvProcSteal && ev.Arg == ev.M {
		c.selfSteals++
	}
	if ev.Kind == rt.EvGoSyscallBlock && ev.Arg == 1 {
		c.fastLost++
	}
	if ev.Kind == rt.EvProcStop && c.prev == rt.EvGoStop && c.prevM == ev.M {
		c.stwRestarts++
	}
	c.prev, c.prevM = ev.Kind, ev.M
}

// traced is one simulation run with a trace observer.
type traced struct {
	label string
	obs   *gotrace.Observer
	buf   *bytes.Buffer
	rtc   *rtCounts
	res   *gmp.Result
	err   error
}

// traceRun runs main with cfg and a trace observer.
func traceRun(label string, cfg gmp.Config, main func()) *traced {
	tr := &traced{label: label, buf: new(bytes.Buffer), rtc: &rtCounts{}}
	tr.obs = gotrace.NewObserver(tr.buf, gotrace.Options{})
	cfg.Observers = append(cfg.Observers, tr.obs, tr.rtc)
	tr.res, tr.err = gmp.Run(cfg, main)
	return tr
}

// traceScenario runs a built-in scenario with a trace observer per
// simulation.
func traceScenario(t *testing.T, sc *scenarios.Scenario, cfg gmp.Config) []*traced {
	t.Helper()
	var runs []*traced
	r := &scenarios.Runner{Config: cfg, Out: io.Discard, Diag: io.Discard}
	r.Prepare = func(label string, c *gmp.Config) {
		tr := &traced{label: label, buf: new(bytes.Buffer), rtc: &rtCounts{}}
		tr.obs = gotrace.NewObserver(tr.buf, gotrace.Options{})
		c.Observers = append(append([]observe.Observer(nil), c.Observers...), tr.obs, tr.rtc)
		runs = append(runs, tr)
	}
	if err := sc.Run(r); err != nil {
		t.Fatalf("%s: %v", sc.Name, err)
	}
	for i, run := range r.Runs {
		runs[i].res, runs[i].err = run.Result, run.Err
	}
	return runs
}

// check parses the trace and compares it with the runtime's events and the
// run's counters.
func (tr *traced) check(t *testing.T) {
	t.Helper()
	if err := tr.obs.Err(); err != nil {
		t.Fatalf("%s: trace observer: %v", tr.label, err)
	}
	got, events := readTrace(t, tr.buf.Bytes())
	c, s := tr.rtc, tr.res.Stats
	// A ProcSteal is a P going idle that is not the event's own P.
	steals := 0
	for _, ev := range events {
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		if st := ev.StateTransition(); st.Resource.Kind == trace.ResourceProc {
			if from, to := st.Proc(); from == trace.ProcRunning && to == trace.ProcIdle && st.Resource.Proc() != ev.Proc() {
				steals++
			}
		}
	}
	runtimeGs := 0
	for name, n := range got.names {
		if strings.HasPrefix(name, "runtime.") && name != "runtime.main" { // main is a user goroutine
			runtimeGs += n
		}
	}
	// Stats.ChanBlocks counts the program's channel operations that
	// parked, nil channels and select {} ("forever") included, but not the
	// runtime's own (runtime.main's gcenable), whose stacks are all the
	// simulator's.
	chanBlocks := 0
	for _, r := range []string{"chan send", "chan receive", "select", "forever"} {
		chanBlocks += got.reasons[r] - got.runtimeBlocks[r]
	}
	for _, x := range []struct {
		what      string
		got, want int
	}{
		{"GoCreate vs runtime", got.create, c.n[rt.EvGoCreate]},
		{"user goroutines vs Stats.GoroutinesCreated", got.create - runtimeGs, int(s.GoroutinesCreated)},
		{"GoStart vs runtime", got.start, c.n[rt.EvGoStart]},
		{"GoStart vs Stats.ContextSwitches", got.start, int(s.ContextSwitches) + c.fastLost + c.stwRestarts},
		{"GoStop vs runtime", got.stop, c.n[rt.EvGoStop]},
		{"GoBlock vs runtime", got.block, c.n[rt.EvGoBlock]},
		{"chan/select blocks vs Stats.ChanBlocks", chanBlocks, int(s.ChanBlocks)},
		{"GoUnblock vs runtime", got.unblock, c.n[rt.EvGoUnblock]},
		{"GoDestroy vs runtime", got.destroy, c.n[rt.EvGoDestroy]},
		{"GoSyscallBegin vs Stats.Syscalls", got.sysBegin, int(s.Syscalls)},
		{"GoSyscallEnd vs runtime", got.sysEnd, c.n[rt.EvGoSyscallEnd]},
		{"GoSyscallEnd vs Stats.ExitsyscallFast", got.sysEnd + c.fastLost, int(s.ExitsyscallFast)},
		{"GoSyscallEndBlocked vs Stats.ExitsyscallSlow", got.sysEndBlocked, int(s.ExitsyscallSlow) + c.fastLost},
		{"UserLog vs runtime", got.logs, c.n[rt.EvUserLog]},
		{"ProcSteal vs runtime", steals, c.n[rt.EvProcSteal] - c.selfSteals},
	} {
		if x.got != x.want {
			t.Errorf("%s: %s: trace has %d, want %d", tr.label, x.what, x.got, x.want)
		}
	}
	if steals < int(s.SyscallHandoffs) {
		t.Errorf("%s: %d ProcSteals in the trace, fewer than Stats.SyscallHandoffs=%d", tr.label, steals, s.SyscallHandoffs)
	}
	if got.reasons["preempted"] < int(s.Preemptions) {
		t.Errorf("%s: %d preempted stops in the trace, Stats.Preemptions=%d", tr.label, got.reasons["preempted"], s.Preemptions)
	}
	if got.syncs == 0 {
		t.Errorf("%s: no generation in the trace", tr.label)
	}
}

// TestScenarioTraces traces every built-in scenario and checks each trace
// against the run.
func TestScenarioTraces(t *testing.T) {
	for _, sc := range scenarios.All() {
		t.Run(sc.Name, func(t *testing.T) {
			for _, tr := range traceScenario(t, sc, gmp.Config{}) {
				tr.check(t)
			}
		})
	}
}

// TestProgramTraces traces the test programs under several configurations,
// including runs that end in a deadlock or a panic.
func TestProgramTraces(t *testing.T) {
	for _, p := range testprog.All() {
		for _, c := range testprog.Configs() {
			t.Run(p.Name+"/"+c.Name, func(t *testing.T) {
				tr := traceRun(p.Name, c.Config, p.Main)
				switch p.End {
				case "exit":
					if tr.err != nil {
						t.Fatal(tr.err)
					}
				case "deadlock":
					if !gmp.IsDeadlock(tr.err) {
						t.Fatalf("want a deadlock, got %v", tr.err)
					}
				case "panic":
					if _, ok := tr.err.(*gmp.PanicError); !ok {
						t.Fatalf("want a panic, got %v", tr.err)
					}
				}
				tr.check(t)
			})
		}
	}
}

// TestTraceGenerations splits a run into many generations.
func TestTraceGenerations(t *testing.T) {
	var buf bytes.Buffer
	obs := gotrace.NewObserver(&buf, gotrace.Options{GenerationEvents: 50})
	rtc := &rtCounts{}
	res, err := gmp.Run(gmp.Config{Seed: 9, Observers: []observe.Observer{obs, rtc}}, testprog.Mixed)
	if err != nil {
		t.Fatal(err)
	}
	tr := &traced{label: "mixed", obs: obs, buf: &buf, rtc: rtc, res: res}
	tr.check(t)
	if g := obs.Writer().Generations(); g < 5 {
		t.Fatalf("only %d generations", g)
	}
}

// TestTraceDeterministic checks that the same seed writes the same bytes.
func TestTraceDeterministic(t *testing.T) {
	for _, p := range testprog.All() {
		var out [2][]byte
		for i := range out {
			var buf bytes.Buffer
			gmp.Run(gmp.Config{Procs: 3, Seed: 42, Trace: &buf}, p.Main)
			out[i] = buf.Bytes()
		}
		if !bytes.Equal(out[0], out[1]) {
			t.Errorf("%s: two runs with the same seed wrote different traces", p.Name)
		}
	}
}

// TestTraceNames checks goroutine names and stacks: the program's own
// functions, no simulator frames.
func TestTraceNames(t *testing.T) {
	tr := traceRun("mixed", gmp.Config{Seed: 1}, testprog.Mixed)
	got, events := readTrace(t, tr.buf.Bytes())
	for _, want := range []string{"runtime.main", testprog.Pkg + ".Mixed.func2"} {
		if got.names[want] == 0 {
			t.Errorf("no goroutine named %s; names: %v", want, got.names)
		}
	}
	sawUser := false
	for _, ev := range events {
		for f := range ev.Stack().Frames() {
			if strings.Contains(f.Func, "/internal/rt.") || strings.HasPrefix(f.Func, "iter.") {
				t.Fatalf("simulator frame %s in a stack of %v", f.Func, ev)
			}
			if strings.HasPrefix(f.Func, testprog.Pkg+".locker") {
				sawUser = true
			}
		}
	}
	if !sawUser {
		t.Error("no stack shows testprog.locker")
	}
	for _, r := range []string{"chan receive", "chan send", "select", "sync", "sync.(*Cond).Wait", "sleep", "network", "runtime.Gosched"} {
		if got.reasons[r] == 0 {
			t.Errorf("no GoBlock/GoStop with reason %q; reasons: %v", r, got.reasons)
		}
	}
}

// TestGoToolTraceScenarios runs `go tool trace -d=parsed` on the trace of
// every scenario and of the runs that deadlock and panic. The traces are
// made one after the other (one simulation at a time), then the tool
// reads them in parallel subtests.
func TestGoToolTraceScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool trace")
	}
	gotool.Path(t, "trace") // skip early if there is no tool
	dir := t.TempDir()
	files := map[string][]byte{}
	for _, sc := range scenarios.All() {
		if sc.Name == "spawn100k" {
			continue // TestScenarioTraces reads it; go tool trace takes long
		}
		for _, tr := range traceScenario(t, sc, gmp.Config{}) {
			files[sc.Name+"-"+tr.label] = tr.buf.Bytes()
		}
	}
	for _, p := range testprog.All() {
		files[p.Name] = traceRun(p.Name, gmp.Config{Seed: 1}, p.Main).buf.Bytes()
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		file := filepath.Join(dir, name+".trace")
		if err := os.WriteFile(file, files[name], 0o644); err != nil {
			t.Fatal(err)
		}
		cmds := [][]string{{"-d=parsed"}}
		if name == "mixed" || name == "syscalls" {
			cmds = append(cmds, []string{"-pprof=sched"}, []string{"-pprof=sync"}, []string{"-pprof=syscall"})
		}
		for _, args := range cmds {
			t.Run(name+"/"+strings.TrimPrefix(args[0], "-"), func(t *testing.T) {
				t.Parallel()
				stdout, stderr, err := gotool.Run(t, "trace", nil, append(args, file)...)
				if err != nil {
					t.Fatalf("go tool trace %s: %v\n%s", strings.Join(args, " "), err, stderr)
				}
				if args[0] == "-d=parsed" && !strings.Contains(stdout, "GoID=1 Runnable->Running") {
					t.Errorf("-d=parsed output does not show the main goroutine running")
				}
			})
		}
	}
}

func ExampleObserver() {
	var trace bytes.Buffer
	obs := gotrace.NewObserver(&trace, gotrace.Options{})
	gmp.Run(gmp.Config{Procs: 2, Observers: []observe.Observer{obs}}, func() {
		done := gmp.MakeChan[int](0)
		gmp.Go(func() { done.Send(1) })
		done.Recv()
	})
	// The End event wrote the trace; write it to a file and open it with
	// `go tool trace FILE`.
	fmt.Println(obs.Err(), bytes.HasPrefix(trace.Bytes(), []byte("go 1.22 trace")))
	// Output: <nil> true
}
