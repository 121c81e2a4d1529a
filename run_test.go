package gmp_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe/metrics"
	"github.com/gmplab/gmp/time"
)

var update = flag.Bool("update", false, "update golden files in testdata")

// fanout is a workload with parallel work, syscalls, channels and sleeps.
func fanout() {
	done := gmp.MakeChan[int](0)
	for i := range 12 {
		gmp.Go(func() {
			gmp.Work(stdtime.Duration(i%4+1) * 300 * stdtime.Microsecond)
			if i%3 == 0 {
				gmp.Syscall(2 * stdtime.Millisecond)
			}
			time.Sleep(stdtime.Duration(i) * 100 * stdtime.Microsecond)
			gmp.Work(500 * stdtime.Microsecond)
			done.Send(i)
		})
	}
	for range 12 {
		done.Recv()
	}
}

// checksum hashes every event of a run.
type checksum struct {
	h interface {
		Write([]byte) (int, error)
		Sum64() uint64
	}
	n int
}

func newChecksum() *checksum { return &checksum{h: fnv.New64a()} }

func (c *checksum) Event(ev *rt.Event) {
	c.n++
	fmt.Fprintf(c.h, "%v %d %d %d %d %d %d %d %d %s|", ev.Kind, ev.Time, ev.M, ev.P, ev.G, ev.Target, ev.Arg, ev.Arg2, ev.Arg3, ev.Reason)
}

func runTraced(t *testing.T, cfg gmp.Config, main func()) (uint64, string, *gmp.Result) {
	t.Helper()
	cs := newChecksum()
	var st bytes.Buffer
	cfg.Observers = append(cfg.Observers, cs)
	cfg.SchedTrace = 500 * stdtime.Microsecond
	cfg.SchedTraceOut = &st
	res, err := gmp.Run(cfg, main)
	if err != nil {
		t.Fatal(err)
	}
	return cs.h.Sum64(), st.String(), res
}

// TestDeterminism: the same program, Config and seed give the identical
// event stream, schedtrace and stats; other seeds give other schedules.
func TestDeterminism(t *testing.T) {
	for _, procs := range []int{1, 4} {
		t.Run(fmt.Sprint("procs", procs), func(t *testing.T) {
			cfg := gmp.Config{Procs: procs, Seed: 42}
			sum1, st1, r1 := runTraced(t, cfg, fanout)
			sum2, st2, r2 := runTraced(t, cfg, fanout)
			if sum1 != sum2 || st1 != st2 {
				t.Fatalf("same seed, different runs: checksum %x vs %x", sum1, sum2)
			}
			if !reflect.DeepEqual(r1.Stats, r2.Stats) {
				t.Fatalf("same seed, different stats:\n%+v\n%+v", r1.Stats, r2.Stats)
			}
			if procs == 1 {
				return
			}
			differ := 0
			for seed := uint64(1); seed <= 5; seed++ {
				sum, _, _ := runTraced(t, gmp.Config{Procs: procs, Seed: seed}, fanout)
				if sum != sum1 {
					differ++
				}
			}
			if differ == 0 {
				t.Error("five other seeds all produced the same schedule as seed 42")
			}
		})
	}
}

// schedtraceLine is Go 1.26's schedtrace line (proc.go:schedtrace).
var schedtraceLine = regexp.MustCompile(`^SCHED \d+ms: gomaxprocs=\d+ idleprocs=\d+ threads=\d+ spinningthreads=\d+ needspinning=[01] idlethreads=\d+ runqueue=\d+ \[ (\d+ )*\d+ \] schedticks=\[ (\d+ )+\]$`)

var schedDetailHeader = regexp.MustCompile(`^SCHED \d+ms: gomaxprocs=\d+ idleprocs=\d+ threads=\d+ spinningthreads=\d+ needspinning=[01] idlethreads=\d+ runqueue=\d+ gcwaiting=(true|false) nmidlelocked=-?\d+ stopwait=-?\d+ sysmonwait=(true|false)$`)
var schedDetailP = regexp.MustCompile(`^  P\d+: status=[0-4] schedtick=\d+ syscalltick=\d+ m=(\d+|nil) runqsize=\d+ gfreecnt=\d+ timerslen=\d+$`)
var schedDetailM = regexp.MustCompile(`^  M\d+: p=(\d+|nil) curg=(\d+|nil) mallocing=0 throwing=0 preemptoff= locks=\d+ dying=0 spinning=(true|false) blocked=(true|false) lockedg=(\d+|nil)$`)
var schedDetailG = regexp.MustCompile(`^  G\d+: status=\d+\([^)]*(\([^)]*\))?\) m=(\d+|nil) lockedm=(\d+|nil)$`)

// TestSchedtraceFormat checks every line against Go 1.26's format, field
// by field, and the output against a golden file.
func TestSchedtraceFormat(t *testing.T) {
	for _, detail := range []bool{false, true} {
		name := "schedtrace"
		if detail {
			name = "scheddetail"
		}
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := gmp.Run(gmp.Config{Procs: 4, Seed: 7, SchedTrace: stdtime.Millisecond, SchedDetail: detail, SchedTraceOut: &buf}, fanout)
			if err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !strings.HasPrefix(out, "SCHED 0ms: gomaxprocs=4 ") {
				t.Errorf("first line is not SCHED 0ms: %q", firstLine(out))
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) < 5 {
				t.Fatalf("only %d lines", len(lines))
			}
			for _, l := range lines {
				var ok bool
				switch {
				case !detail:
					ok = schedtraceLine.MatchString(l)
				case strings.HasPrefix(l, "SCHED"):
					ok = schedDetailHeader.MatchString(l)
				case strings.HasPrefix(l, "  P"):
					ok = schedDetailP.MatchString(l)
				case strings.HasPrefix(l, "  M"):
					ok = schedDetailM.MatchString(l)
				case strings.HasPrefix(l, "  G"):
					ok = schedDetailG.MatchString(l)
				}
				if !ok {
					t.Errorf("line does not match Go's format: %q", l)
				}
			}
			golden(t, filepath.Join("testdata", name+".golden"), out)
		})
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test -update if the change is intended)\ngot:\n%s", path, clip(got))
	}
}

// TestGMPDEBUG: the environment variable turns schedtrace on.
func TestGMPDEBUG(t *testing.T) {
	t.Setenv("GMPDEBUG", "schedtrace=2,scheddetail=1")
	var buf bytes.Buffer
	if _, err := gmp.Run(gmp.Config{SchedTraceOut: &buf}, fanout); err != nil {
		t.Fatal(err)
	}
	if !schedDetailHeader.MatchString(firstLine(buf.String())) {
		t.Errorf("GMPDEBUG=schedtrace=2,scheddetail=1 printed %q", firstLine(buf.String()))
	}
	for _, bad := range []string{"schedtrace=abc", "schedtrace", "scheddetail=2", "foo=1", "schedtrace=-5"} {
		t.Setenv("GMPDEBUG", bad)
		if _, err := gmp.Run(gmp.Config{}, func() {}); err == nil || !strings.Contains(err.Error(), "GMPDEBUG") {
			t.Errorf("GMPDEBUG=%s: err = %v, want a GMPDEBUG error", bad, err)
		}
	}
}

// TestOutsideRun: the API panics with a clear message outside Run, and
// Run inside Run panics too.
func TestOutsideRun(t *testing.T) {
	for name, f := range map[string]func(){
		"Go":           func() { gmp.Go(func() {}) },
		"Gosched":      gmp.Gosched,
		"Work":         func() { gmp.Work(1) },
		"Send":         func() { gmp.MakeChan[int](1).Send(1) },
		"Sleep":        func() { time.Sleep(1) },
		"Sched":        func() { gmp.Sched() },
		"Goroutines":   func() { gmp.Goroutines(false) },
		"metrics.Read": func() { metrics.Read(make([]metrics.Sample, 1)) },
	} {
		msg := panicMessage(f)
		if !strings.Contains(msg, "outside gmp.Run") {
			t.Errorf("%s outside Run: panic %q, want one that says it is outside gmp.Run", name, msg)
		}
	}
	var inner string
	_, err := gmp.Run(gmp.Config{}, func() {
		inner = panicMessage(func() { gmp.Run(gmp.Config{}, func() {}) })
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(inner, "Run inside Run") {
		t.Errorf("Run inside Run: panic %q", inner)
	}
}

func panicMessage(f func()) (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	f()
	return "no panic"
}

// TestPanicReport: an unrecovered panic ends the run with Go's text and
// the panicking goroutine's real stack.
func TestPanicReport(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 2}, func() {
		gmp.Go(func() { explode(2) })
		gmp.MakeChan[int](0).Recv()
	})
	var pe *gmp.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *gmp.PanicError", err)
	}
	text := err.Error()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`^panic: boom\n\ngoroutine \d+ \[running\]:\n`),
		regexp.MustCompile(`\ngithub.com/gmplab/gmp_test.explode\(\.\.\.\)\n\t.*run_test.go:\d+`),
		regexp.MustCompile(`\ncreated by github.com/gmplab/gmp_test.TestPanicReport.func1 in goroutine 1\n\t.*run_test.go:\d+ \+0x[0-9a-f]+\n?$`),
	} {
		if !want.MatchString(text) {
			t.Errorf("panic report does not match %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, "internal/rt") || strings.Contains(text, "iter.Pull") {
		t.Errorf("panic report shows the simulator's own frames:\n%s", text)
	}
	// A recovered panic is not an error.
	_, err = gmp.Run(gmp.Config{}, func() {
		defer func() { recover() }()
		explode(2)
	})
	if err != nil {
		t.Errorf("recovered panic ended the run: %v", err)
	}
}

//go:noinline
func explode(i int) {
	if i == 2 {
		panic("boom")
	}
}

// TestWatchdog: a body blocked on a real channel or spinning without gmp
// calls is reported, with its stack, instead of hanging.
func TestWatchdog(t *testing.T) {
	if raceEnabled {
		// The watchdog abandons the stuck host goroutine by design; the
		// next run then resets state that goroutine wrote, with no
		// happens-before edge the race detector could see (the goroutine
		// is frozen if it ever reaches the runtime again).
		t.Skip("the abandoned goroutine's earlier writes look racy to the race detector")
	}
	block := make(chan int)
	_, err := gmp.Run(gmp.Config{Watchdog: 300 * stdtime.Millisecond}, func() {
		gmp.Go(func() { <-block })
		gmp.Gosched()
	})
	var we *gmp.WatchdogError
	if !errors.As(err, &we) {
		t.Fatalf("err = %v, want *gmp.WatchdogError", err)
	}
	if !strings.Contains(err.Error(), "goroutine ") || !strings.Contains(err.Error(), "TestWatchdog") || !strings.Contains(err.Error(), "chan receive") {
		t.Errorf("watchdog report lacks the goroutine and its stack:\n%s", err)
	}

	var stop atomic.Bool
	defer stop.Store(true)
	_, err = gmp.Run(gmp.Config{Watchdog: 300 * stdtime.Millisecond}, func() {
		for !stop.Load() {
		}
	})
	if !errors.As(err, &we) || we.Goid != 1 {
		t.Fatalf("busy loop: err = %v, want a WatchdogError for goroutine 1", err)
	}
	// The simulator is usable again.
	if _, err := gmp.Run(gmp.Config{}, fanout); err != nil {
		t.Fatalf("run after a watchdog abort: %v", err)
	}
}

// TestLimits: MaxTime and MaxSteps stop runs that would go on.
func TestLimits(t *testing.T) {
	forever := func() {
		gmp.Go(func() {
			for {
				gmp.Work(stdtime.Millisecond)
				gmp.Gosched()
			}
		})
		for {
			gmp.Gosched()
		}
	}
	var le *gmp.LimitError
	res, err := gmp.Run(gmp.Config{MaxTime: 50 * stdtime.Millisecond}, forever)
	if !errors.As(err, &le) || res.VirtualTime != 50*stdtime.Millisecond {
		t.Errorf("MaxTime: err = %v at %v", err, res.VirtualTime)
	}
	_, err = gmp.Run(gmp.Config{MaxSteps: 1000}, forever)
	if !errors.As(err, &le) || le.What != "steps" {
		t.Errorf("MaxSteps: err = %v", err)
	}
	// A far timer is not a hang: virtual time jumps.
	res, err = gmp.Run(gmp.Config{}, func() { time.Sleep(24 * stdtime.Hour) })
	if err != nil || res.VirtualTime < 24*stdtime.Hour {
		t.Errorf("Sleep(24h): err = %v, virtual time %v", err, res.VirtualTime)
	}
}

// TestBadConfig: invalid configurations are errors, not panics, and Run
// still returns a Result (with the seed) on every path that fails before
// the simulation starts: a program that reads it must not crash.
func TestBadConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	body := func() {}
	for _, c := range []struct {
		name     string
		cfg      gmp.Config
		gmpdebug string
		main     func()
	}{
		{"procs", gmp.Config{Procs: -1}, "", body},
		{"version", gmp.Config{Version: "go1.19"}, "", body},
		{"preset", gmp.Config{Preset: "plan9"}, "", body},
		{"preempt", gmp.Config{Preempt: 7}, "", body},
		{"maxtime", gmp.Config{MaxTime: -1}, "", body},
		{"gmpdebug", gmp.Config{}, "foo", body},
		{"tracefile", gmp.Config{TraceFile: filepath.Join(file, "x")}, "", body},
		{"pprofdir", gmp.Config{PprofDir: filepath.Join(file, "sub")}, "", body},
		{"trace-both", gmp.Config{Trace: io.Discard, TraceFile: filepath.Join(dir, "t")}, "", body},
		{"nil-main", gmp.Config{}, "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("GMPDEBUG", c.gmpdebug)
			c.cfg.Seed = 42
			res, err := gmp.Run(c.cfg, c.main)
			if err == nil {
				t.Fatalf("%+v: no error", c.cfg)
			}
			if res == nil {
				t.Fatalf("%+v: nil Result with error %v", c.cfg, err)
			}
			if res.Seed != 42 || res.VirtualTime != 0 || res.Stats.GoroutinesCreated != 0 {
				t.Errorf("Result of a run that did not start: seed %d, virtual time %v, goroutines %d; want seed 42 and zeros",
					res.Seed, res.VirtualTime, res.Stats.GoroutinesCreated)
			}
		})
	}
}

// TestGoexit: Goexit runs deferred calls; main calling Goexit lets the
// others finish, then dies with Go's message.
func TestGoexit(t *testing.T) {
	var deferred bool
	_, err := gmp.Run(gmp.Config{}, func() {
		done := gmp.MakeChan[int](0)
		gmp.Go(func() {
			defer done.Close()
			defer func() { deferred = true }()
			gmp.Goexit()
			t.Error("Goexit returned")
		})
		done.Recv()
	})
	if err != nil || !deferred {
		t.Fatalf("err = %v, deferred = %v", err, deferred)
	}
	_, err = gmp.Run(gmp.Config{}, func() {
		gmp.Go(func() { gmp.Work(stdtime.Millisecond) })
		gmp.Goexit()
	})
	if err == nil || !strings.Contains(err.Error(), "no goroutines (main called runtime.Goexit) - deadlock!") {
		t.Errorf("main Goexit: err = %v", err)
	}
}

// TestGOMAXPROCS: changing GOMAXPROCS stops the world and resizes the Ps;
// the goroutines on destroyed Ps keep running elsewhere.
func TestGOMAXPROCS(t *testing.T) {
	var before, after, procsSeen int
	res, err := gmp.Run(gmp.Config{Procs: 4}, func() {
		done := gmp.MakeChan[int](0)
		for i := range 16 {
			gmp.Go(func() { gmp.Work(stdtime.Duration(i+1) * stdtime.Millisecond); done.Send(i) })
		}
		gmp.Work(2 * stdtime.Millisecond)
		before = gmp.GOMAXPROCS(2)
		after = gmp.GOMAXPROCS(0)
		procsSeen = len(gmp.Sched().Ps)
		for range 16 {
			done.Recv()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if before != 4 || after != 2 || procsSeen != 2 || len(res.Procs) != 2 {
		t.Errorf("GOMAXPROCS(2) returned %d, then %d; %d Ps seen, %d at the end", before, after, procsSeen, len(res.Procs))
	}
}

// TestLeaks: goroutines alive when main returns are reported with their
// stacks; LeakIsError makes that an error.
func TestLeaks(t *testing.T) {
	prog := func() {
		ch := gmp.MakeChan[int](0)
		gmp.Go(func() { ch.Send(1) }) // nobody receives
		gmp.Gosched()
	}
	res, err := gmp.Run(gmp.Config{}, prog)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Leaks) != 1 || res.Leaks[0].Status != "chan send" || !strings.Contains(res.Leaks[0].Dump, "TestLeaks") {
		t.Fatalf("leaks = %+v", res.Leaks)
	}
	if res.Stats.LeakedGoroutines != 1 {
		t.Errorf("leaked_goroutines = %d", res.Stats.LeakedGoroutines)
	}
	_, err = gmp.Run(gmp.Config{LeakIsError: true}, prog)
	var le *gmp.LeakError
	if !errors.As(err, &le) {
		t.Errorf("LeakIsError: err = %v", err)
	}
}

// TestConfigValidate: Validate finds the errors Run would report, without
// running anything.
func TestConfigValidate(t *testing.T) {
	for _, cfg := range []gmp.Config{
		{Procs: -1},
		{Version: "go1.19"},
		{Preset: "plan9"},
		{Preempt: 7},
		{MaxTime: -1},
	} {
		if err := cfg.Validate(); err == nil {
			t.Errorf("%+v: Validate found no error", cfg)
		}
	}
	if err := (gmp.Config{Procs: 3, Version: "go1.24", Preset: "wasm"}).Validate(); err != nil {
		t.Errorf("Validate of a good Config: %v", err)
	}
	t.Setenv("GMPDEBUG", "schedtrace=x")
	if err := (gmp.Config{}).Validate(); err == nil || !strings.Contains(err.Error(), "GMPDEBUG") {
		t.Errorf("Validate with GMPDEBUG=schedtrace=x: %v", err)
	}
	if err := (gmp.Config{SchedTrace: stdtime.Millisecond}).Validate(); err != nil {
		t.Errorf("Validate with GMPDEBUG set but SchedTrace too: %v", err)
	}
}
