package gmp

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gmplab/gmp/internal/gmpdebug"
	"github.com/gmplab/gmp/internal/link"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/schedtrace"
)

// Config configures a simulation. The zero value is a 4-P Go 1.26 runtime
// with asynchronous preemption, seed 0 and the default cost model.
type Config struct {
	// Procs is GOMAXPROCS. 0 means 4: a fixed default, so that results do
	// not depend on the machine the simulation runs on.
	Procs int
	// Seed seeds every random choice: the runtime's own (steal order,
	// select order) and the order of events at the same virtual instant.
	// The same program, Config and Seed give the same run, byte for byte.
	Seed uint64
	// MaxTime stops the run with a *LimitError when virtual time would pass
	// it. 0: no limit.
	MaxTime time.Duration
	// MaxSteps stops the run with a *LimitError after this many goroutine
	// resumptions. 0: no limit.
	MaxSteps int64
	// Costs is the cost model; nil means DefaultCosts().
	Costs *CostModel
	// Version selects the runtime being modelled: "go1.26" (default),
	// "go1.25" or "go1.24". They differ in how syscalls hold their P
	// (go1.25 and earlier detach it into _Psyscall, as the seed article
	// draws) and in the schedtrace format (go1.24).
	Version string
	// Preempt selects asynchronous (default, Go ≥1.14) or cooperative
	// preemption (GODEBUG=asyncpreemptoff=1, or Go before 1.14).
	Preempt PreemptMode
	// Preset applies a named configuration: "wasm" (one P, one thread, no
	// sysmon: a blocking syscall blocks everything).
	Preset string
	// StealCap limits how many goroutines one steal takes; 0 is Go's
	// "half the victim's queue". The seed article's "min(n/2, 32)" is 32.
	StealCap int
	// MaxThreads is the thread limit (runtime/debug.SetMaxThreads); 0
	// means Go's 10000.
	MaxThreads int
	// SchedTrace prints GODEBUG=schedtrace-style lines every SchedTrace of
	// virtual time (0: off). The environment variable
	// GMPDEBUG=schedtrace=X,scheddetail=1 sets it (and SchedDetail) when
	// the Config leaves them unset.
	SchedTrace time.Duration
	// SchedDetail adds the per-P, per-M and per-G lines (scheddetail=1).
	SchedDetail bool
	// SchedTraceOut receives the schedtrace text; nil means os.Stderr,
	// like the runtime's print.
	SchedTraceOut io.Writer
	// Watchdog fails the run if no simulated goroutine makes progress for
	// this long in wall time: a body blocked on a real channel, mutex or
	// time.Sleep, or spinning without calling gmp. 0 means 5s; negative
	// disables it.
	Watchdog time.Duration
	// Settle, if positive, lets the other goroutines run on after main
	// returns — for up to Settle of virtual time — until each has exited
	// or is blocked with nothing left to wake it (no timer, syscall or
	// network wait). Result.Leaks then lists only the goroutines that are
	// stuck, not one that simply had not run yet (go f(); return). 0
	// ends the program when main returns, as Go does.
	Settle time.Duration
	// LeakIsError makes Run return a *LeakError if goroutines are still
	// alive when main returns.
	LeakIsError bool
	// HaltOnRace, in a binary built with -race, ends the run with a
	// *RaceError at the first data race the race detector reports — at
	// the next runtime call of the goroutine whose access completed it —
	// as GORACE=halt_on_error=1 ends a process. The report itself is the
	// detector's, on standard error. Without it the run goes on, and
	// Result.Races counts the reports. It has no effect without -race.
	HaltOnRace bool
	// Observers receive the runtime's event stream (see package observe),
	// in this order, before the outputs below.
	Observers []observe.Observer

	// Trace, if set, receives a Go execution trace of the run (the Go 1.22
	// format), which `go tool trace`, gotraceui and golang.org/x/exp/trace
	// open: timelines by P and by thread, goroutine analysis, blocking and
	// scheduler-latency profiles, with the program's own function names.
	// The trace is complete when Run returns, even if the program
	// deadlocked or panicked. Each Run writes a whole trace, so runs need
	// writers of their own. See package observe/gotrace.
	Trace io.Writer
	// TraceFile, if set, is a file Run creates for the trace (instead of
	// Trace). Run fails before simulating anything if it cannot create it.
	TraceFile string
	// Perfetto, if set, receives the run in Perfetto's protobuf trace
	// format for ui.perfetto.dev: a track per P, per thread and per
	// goroutine, flow arrows, and the run queues and thread counts as
	// counters. See package observe/perfetto (whose Observer, in
	// Observers, also writes Chrome trace-event JSON).
	Perfetto io.Writer
	// PerfettoFile is a file Run creates for the Perfetto trace (instead
	// of Perfetto), failing before the simulation if it cannot: Chrome
	// trace-event JSON if its name ends in ".json", the protobuf format
	// otherwise.
	PerfettoFile string
	// PprofDir, if set, is a directory (created if needed) where Run writes
	// pprof profiles of the run for `go tool pprof`: cpu.pb.gz (virtual CPU
	// in Work by stack), block.pb.gz, mutex.pb.gz, goroutine.pb.gz (at the
	// end or at a deadlock) and schedlat.pb.gz (scheduling latency by
	// creation site). See package observe/pprof.
	//
	// TraceFile, PerfettoFile and the files in PprofDir must be different
	// files, and Trace, Perfetto and SchedTraceOut different writers: Run
	// fails before simulating anything when two coincide (paths are
	// compared after resolving symbolic and hard links).
	PprofDir string

	// chooser and abstract are the explorer's (package gmptest), set
	// through internal/link: a Chooser takes the run's nondeterministic
	// decisions.
	chooser  rt.Chooser
	abstract bool
	lean     bool // no Result.Metrics (the explorer's runs)
}

// PreemptMode selects how sysmon's preemption requests take effect.
type PreemptMode int

const (
	// PreemptAsync preempts a goroutine at once, even in the middle of
	// Work (signal-based preemption, Go 1.14+).
	PreemptAsync PreemptMode = iota
	// PreemptCooperative preempts only at runtime calls; Work runs to its
	// end, so a goroutine looping on Work can starve others.
	PreemptCooperative
)

// Run runs main as the main goroutine of a new simulated program and
// returns when the program ends: when main returns (err is nil), or when
// it dies — an unrecovered panic (*PanicError), a fatal error such as a
// deadlock (*FatalError), a limit (*LimitError) or a goroutine blocked
// outside the simulator (*WatchdogError). The Result is never nil: it is
// filled in however the run ends, and when Run fails before simulating
// anything (an invalid Config, GMPDEBUG or output path, a nil main) it
// holds the Seed and zero counters.
//
// Run panics if it is called inside a simulation or while another one is
// running.
//
// Run is instrumented under -race (not norace): it runs on its caller's
// goroutine only, and the go statement that starts the main goroutine is
// here, so that the detector names Run and its caller as main's creator.
func Run(cfg Config, main func()) (res *Result, err error) {
	if hook := link.RunHook; hook != nil {
		if after := hook(&cfg); after != nil {
			defer func() { after(res, err) }()
		}
	}
	// notRun is the Result of a run that failed before it started.
	notRun := func(err error) (*Result, error) {
		return &Result{Seed: cfg.Seed}, err
	}
	if main == nil {
		return notRun(errors.New("gmp.Run: nil main function"))
	}
	rc, err := cfg.runtimeConfig()
	if err != nil {
		return notRun(err)
	}
	var st *schedtrace.Writer
	if rc.SchedTrace > 0 {
		out := cfg.SchedTraceOut
		if out == nil {
			out = os.Stderr
		}
		st = &schedtrace.Writer{W: out, Version: cfg.Version}
		rc.Observers = append([]observe.Observer{st}, rc.Observers...)
	}
	outs, err := openOutputs(&cfg)
	if err != nil {
		return notRun(err)
	}
	rc.Observers = append(rc.Observers, outs.observers()...)
	if spawn := rt.PrepareMain(); spawn != nil {
		go rt.CoroutineEntry()
		spawn()
	}
	r, err := rt.Run(rc, main)
	err = publicError(err)
	if oerr := outs.finish(); err == nil {
		err = oerr
	}
	if r == nil {
		return notRun(err)
	}
	res = newResult(r, err, cfg.Seed, cfg.lean)
	if err == nil && st != nil && st.Err() != nil {
		err = fmt.Errorf("gmp: writing schedtrace: %w", st.Err())
	}
	if err == nil && cfg.LeakIsError && len(res.Leaks) > 0 {
		err = &LeakError{Leaks: res.Leaks}
	}
	return res, err
}

// Validate reports whether cfg is a configuration Run accepts, without
// running anything: the checks Run makes before it starts, including those
// of the GMPDEBUG environment variable when cfg leaves the schedtrace
// settings unset. It does not create the output files.
//
//go:norace
func (cfg Config) Validate() error {
	_, err := cfg.runtimeConfig()
	return err
}

// maxProcs bounds Config.Procs: every P is a few KiB of the host's memory
// and a slot the scheduler scans, and Go itself runs well below it.
const maxProcs = 1 << 16

// runtimeConfig validates cfg and fills in the defaults.
//
//go:norace
func (cfg Config) runtimeConfig() (rt.Config, error) {
	rc := rt.Config{
		Procs:        cfg.Procs,
		Seed:         cfg.Seed,
		MaxTime:      int64(cfg.MaxTime),
		MaxSteps:     cfg.MaxSteps,
		AsyncPreempt: cfg.Preempt == PreemptAsync,
		MaxThreads:   cfg.MaxThreads,
		StealCap:     cfg.StealCap,
		SchedTrace:   int64(cfg.SchedTrace),
		SchedDetail:  cfg.SchedDetail,
		Watchdog:     cfg.Watchdog,
		Observers:    append([]observe.Observer(nil), cfg.Observers...),
		Settle:       int64(cfg.Settle),
		HaltOnRace:   cfg.HaltOnRace,
		Chooser:      cfg.chooser,
		Abstract:     cfg.abstract,
	}
	if rc.Procs == 0 {
		rc.Procs = 4
	}
	if rc.Procs < 0 {
		return rc, fmt.Errorf("gmp: Config.Procs must be ≥ 1, got %d", cfg.Procs)
	}
	if cfg.Preempt != PreemptAsync && cfg.Preempt != PreemptCooperative {
		return rc, fmt.Errorf("gmp: unknown Config.Preempt %d", cfg.Preempt)
	}
	if cfg.MaxTime < 0 || cfg.MaxSteps < 0 || cfg.MaxThreads < 0 || cfg.StealCap < 0 || cfg.SchedTrace < 0 || cfg.Settle < 0 {
		return rc, errors.New("gmp: Config.MaxTime, MaxSteps, MaxThreads, StealCap, SchedTrace and Settle must not be negative")
	}
	if rc.Procs > maxProcs {
		return rc, fmt.Errorf("gmp: Config.Procs %d is above the simulator's limit of %d", cfg.Procs, maxProcs)
	}
	if cfg.Costs != nil {
		if err := cfg.Costs.validate(); err != nil {
			return rc, err
		}
		rc.Costs = rt.CostModel(*cfg.Costs)
	} else {
		rc.Costs = rt.DefaultCosts()
	}
	switch cfg.Version {
	case "", "go1.26":
		rc.Version = 26
	case "go1.25":
		rc.Version = 25
	case "go1.24":
		rc.Version = 24
	default:
		return rc, fmt.Errorf("gmp: unknown Config.Version %q (want go1.24, go1.25 or go1.26)", cfg.Version)
	}
	switch cfg.Preset {
	case "":
	case "wasm":
		rc.Procs = 1
		rc.NoSysmon = true
	default:
		return rc, fmt.Errorf("gmp: unknown Config.Preset %q (want wasm)", cfg.Preset)
	}
	if rc.Watchdog == 0 {
		rc.Watchdog = 5 * time.Second
	}
	if rc.SchedTrace == 0 && !cfg.SchedDetail {
		if v := os.Getenv("GMPDEBUG"); v != "" {
			trace, detail, err := gmpdebug.Parse(v)
			if err != nil {
				return rc, err
			}
			rc.SchedTrace = int64(trace)
			rc.SchedDetail = detail
		}
	}
	return rc, nil
}
