package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/gmpdebug"
	"github.com/gmplab/gmp/internal/sweep"
	"github.com/gmplab/gmp/observe/html"
	"github.com/gmplab/gmp/scenarios"
)

var cmdRun = &command{
	Name:      "run",
	UsageLine: "gmp run NAME|./pkg [--procs LIST] [--seed N | --seeds LIST] [--schedtrace DUR] [--scheddetail] [--stats FILE] [--trace FILE] [--perfetto FILE] [--pprof DIR] [--html FILE] [--csv FILE] [--json FILE] [flags]",
	Short:     "run a built-in scenario and print what the scheduler did",
	Long: `Run runs the scenario NAME (see 'gmp list') and prints its report to
standard output, followed by a summary of each simulation it ran. The
report is deterministic: the same flags and seed print the same bytes.
Diagnostics that depend on the host (wall time, memory) and schedtrace
lines go to standard error, as the Go runtime prints them.

--schedtrace takes milliseconds (as GODEBUG=schedtrace does) or a Go
duration such as 100us. The environment variable
GMPDEBUG=schedtrace=X,scheddetail=1 works too.

--stats writes the counters of the scenario's first simulation as JSON
(virtual_ns, goroutines_created, steals, sched_latency_ns, …), with every
simulation's counters under "runs". Its "metrics" key holds the run's
metrics under runtime/metrics names (/sched/latencies:seconds,
/sched/goroutines:goroutines, …) and gmp's own (/gmp/sched/steals:events, …).
--stats - writes the JSON to standard output, alone: the report then goes
to standard error.

--trace writes a Go execution trace of the simulation: open it with
'go tool trace FILE' (timelines by P and by thread, goroutine analysis,
blocking and scheduler-latency profiles) or gotraceui. --perfetto writes a
trace for https://ui.perfetto.dev with the run queues, spinning threads and
idle Ps as counters: in Perfetto's protobuf format (FILE.pftrace, say), or
as Chrome trace-event JSON if FILE ends in .json (larger; chrome://tracing
opens it too). --pprof writes cpu.pb.gz, block.pb.gz, mutex.pb.gz,
goroutine.pb.gz and schedlat.pb.gz to DIR for 'go tool pprof'. A scenario
that runs several simulations writes the first to the name given and each
later one beside it, with the run's label added (trace.out,
trace.article.out; DIR, DIR/article). The files are complete
even when the program deadlocks or panics, and the same seed writes the
same bytes. Two outputs that would write the same file (the same path
however spelled, a symbolic or hard link to it, or a later simulation's
derived name landing on another output) are an error before anything
runs, and no existing file is touched until its simulation starts.

--html writes one self-contained HTML page (no network needed to view
it): for each simulation a zoomable timeline with a lane per P (the
goroutine running, coloured by its function) and per thread (system calls,
spinning), goroutine states, run queues and threads plotted under them,
unblock arrows on hover and the schedtrace lines (with --schedtrace) at
their times; two simulations can be shown one above the other.

Sweeps: --procs, --version, --preempt, --preset, --steal-cap and --cost
take a list or a range (--procs 1,2,4,8, --procs 1-8, --version
go1.25,go1.26, --preset none,wasm, --cost MWakeup=5us,50us), and --seeds a
list or range of seeds (--seeds 1-20). gmp then runs every combination
under every seed, each simulation in a worker process (this binary run
again; --jobs at once), and prints a table of the key figures per
configuration and simulation — virtual time, scheduling latency p50, p99
and max, steals, hand-offs, preemptions, threads, goroutines, switches,
runnext hits, channel blocks, and the p50/p99 of each type of user task
and region (package gmp/trace) — as the median over the seeds with the
range [min–max]. --csv and --json write the same table; --html adds a plot
of each figure against the configurations and the timeline of each
configuration's first seed. Every list is checked before anything runs; a
sweep of more than 1000 simulations needs --yes (or a yes at the
terminal). --trace, --perfetto, --pprof and --stats describe one
simulation and are refused in a sweep.

On a terminal, long runs and sweeps show a progress line on standard error
(virtual time reached, events/s; runs done and ETA); --progress on|off
overrides.

SIGINT or SIGTERM (^C) lets the simulation in progress finish — its files
are complete — runs no further simulation, prints the summary and writes
--stats for the simulations that ran (with "interrupted": true), and exits
with status 128+signal (130 for SIGINT). A second signal stops at once,
removing the unfinished files of the simulation in progress. (A single
simulation cannot be cut short from outside; those of the built-in
scenarios take well under a second, and the watchdog ends one stuck
outside the simulator.)

NAME may instead be a main package (./cmd/x, or an import path): it is
translated (see 'gmp help test'), built, and run with its main as
goroutine 1 of a simulation configured by the knobs (--procs, --version,
--preempt, --preset, --steal-cap, --cost), --seed, --max-steps and
--schedtrace, writing --trace, --stats and --html; arguments after the
package go to the program, and its exit status is the program's. A
package sweeps as a scenario does, with the same checks, table and
outputs: it is translated and built once, and the binary runs once per
configuration and seed in worker processes. There the program's standard
output is discarded (its standard error is shown only if a run fails to
report) — run one configuration alone to see it — and its runtime/trace
tasks and regions are the table's "task" and "region" figures.`,
	Flags: flag.NewFlagSet("run", flag.ContinueOnError),
}

var (
	runProcs        = &intsFlag{min: 1}
	runSeed         = cmdRun.Flags.Uint64("seed", 0, "seed for every random choice of the run")
	runSeeds        = &intsFlag{min: 0}
	runSchedTrace   = cmdRun.Flags.String("schedtrace", "", "print schedtrace lines every `DUR` of virtual time (ms or a duration)")
	runSchedDetail  = cmdRun.Flags.Bool("scheddetail", false, "print the detailed schedtrace (per P, M and G); needs --schedtrace")
	runStats        = cmdRun.Flags.String("stats", "", "write the run's counters as JSON to `FILE` (- for standard output, the report then going to standard error)")
	runVersion      = &wordsFlag{allowed: []string{"go1.24", "go1.25", "go1.26"}, def: "go1.26"}
	runPreempt      = &wordsFlag{allowed: []string{"async", "cooperative", "coop"}, def: "async"}
	runPreset       = &wordsFlag{allowed: []string{"none", "wasm"}}
	runStealCap     = &intsFlag{min: 0, def: "0"}
	runCost         = &costFlag{}
	runMaxTime      = cmdRun.Flags.Duration("max-time", 0, "stop the simulation at this much virtual time (0: no limit)")
	runMaxSteps     = cmdRun.Flags.Int64("max-steps", 0, "stop after this many goroutine resumptions (0: no limit)")
	runTrace        = cmdRun.Flags.String("trace", "", "write a Go execution trace (go tool trace) to `FILE`")
	runPerfetto     = cmdRun.Flags.String("perfetto", "", "write a Perfetto trace to `FILE` (Chrome trace-event JSON if it ends in .json)")
	runPprof        = cmdRun.Flags.String("pprof", "", "write pprof profiles (cpu, block, mutex, goroutine, schedlat) to `DIR`")
	runHTML         = cmdRun.Flags.String("html", "", "write the HTML report (timelines; a sweep's table and plots) to `FILE`")
	runCSV          = cmdRun.Flags.String("csv", "", "write the sweep's table as CSV to `FILE`")
	runJSON         = cmdRun.Flags.String("json", "", "write the sweep's table as JSON to `FILE`")
	runJobs         = cmdRun.Flags.Int("jobs", runtime.NumCPU(), "run a sweep's simulations in `N` worker processes at once")
	runYes          = cmdRun.Flags.Bool("yes", false, "run a sweep of more than 1000 simulations without asking")
	runProgressMode = cmdRun.Flags.String("progress", "auto", "progress lines on standard error: auto (when it is a terminal), on or off")
)

func init() {
	f := cmdRun.Flags
	f.Var(runProcs, "procs", "GOMAXPROCS of the simulated program (default: the scenario's, else 4); a `LIST` such as 1,2,4,8 or 1-8 sweeps it")
	f.Var(runSeeds, "seeds", "run each configuration under every seed in `LIST` (1-20, or 1,5,9) and report the spread")
	f.Var(runVersion, "version", "runtime to model: go1.26, go1.25 or go1.24 (a `LIST` sweeps it)")
	f.Var(runPreempt, "preempt", "preemption: async or cooperative (a `LIST` sweeps it)")
	f.Var(runPreset, "preset", "configuration preset: wasm, or none (a `LIST` sweeps it)")
	f.Var(runStealCap, "steal-cap", "steal at most `N` goroutines at a time (0: half, as Go does; a list sweeps it)")
	f.Var(runCost, "cost", "override a cost of the model, `NAME=VALUES` in ns or with a unit (MWakeup=5us,50us sweeps it; see gmp.CostModel); repeatable")
}

func init() { cmdRun.Run = runRun }

func runRun(cmd *command, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && isPackageArg(args[0]) {
		return runPackage(cmd, args, stdout, stderr)
	}
	if len(args) != 1 {
		if len(args) == 0 {
			fmt.Fprintf(stderr, "gmp run: no scenario given\nusage: %s\nRun 'gmp list' to see the scenarios.\n", cmd.UsageLine)
		} else {
			fmt.Fprintf(stderr, "gmp run: too many arguments %q (flags go after the scenario name or before it, e.g. gmp run %s --procs 2)\n", args[1:], args[0])
		}
		return errUsage
	}
	// Flags may also follow the name (gmp run NAME --procs 2).
	name := args[0]
	sc, ok := scenarios.Lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "gmp run: unknown scenario %q\nRun 'gmp list' to see the scenarios.\n", name)
		return errUsage
	}

	set, seeds, knobs, swept, err := runSettings(cmd)
	if err != nil {
		return err
	}
	if !sweep.IsWorker() && isSweep(swept, seeds) {
		return runSweep(cmd, scenarioSweep(sc, set, swept), swept, seeds, set, stdout, stderr)
	}
	cfg := gmp.Config{
		Seed:     seeds[0],
		MaxTime:  *runMaxTime,
		MaxSteps: *runMaxSteps,
	}
	procsSet := false
	for _, k := range knobs {
		if applyKnob(&cfg, k.Flag, k.Values[0]) {
			procsSet = true
		}
	}
	if !procsSet {
		cfg.Procs = sc.Procs
	}
	if *runSchedTrace != "" {
		d, err := gmpdebug.ParseDurationMS(*runSchedTrace)
		if err != nil {
			return fmt.Errorf("--schedtrace=%s: %v", *runSchedTrace, err)
		}
		if d == 0 {
			return fmt.Errorf("--schedtrace=%s: must be positive", *runSchedTrace)
		}
		cfg.SchedTrace = d
		cfg.SchedTraceOut = stderr
	}
	if *runSchedDetail {
		if cfg.SchedTrace == 0 {
			return errors.New("--scheddetail needs --schedtrace (as GODEBUG's scheddetail needs schedtrace)")
		}
		cfg.SchedDetail = true
	}
	// Check the configuration and the outputs before running anything:
	// a bad path or two outputs on one file fail here, with no file
	// touched.
	if err := cfg.Validate(); err != nil {
		return err
	}
	if sweep.IsWorker() {
		return runWorker(sc, cfg, procsSet, stdout)
	}
	plan := planOutputs(sc.Runs, *runTrace, *runPerfetto, *runPprof)
	if len(plan) == 0 {
		return fmt.Errorf("scenario %s declares no simulations", name)
	}
	if err := checkPlan(plan, *runStats); err != nil {
		return err
	}
	if err := checkReports(plan, *runStats, map[string]string{"html": *runHTML}); err != nil {
		return err
	}
	// With --stats -, standard output holds the JSON alone (for jq and
	// the like) and the report goes to standard error.
	report := stdout
	if *runStats == "-" {
		report = stderr
	}

	in := watchSignals(stderr)
	defer in.stop()
	outs := &outputSet{}
	r := &scenarios.Runner{Config: cfg, ProcsSet: procsSet, Out: report, Diag: stderr}
	var collectors []*html.Collector
	progress := newRunProgress(stderr)
	defer progress.stop()
	r.Check = func(label string) error {
		i := len(r.Runs)
		if i >= len(plan) || plan[i].label != label {
			return fmt.Errorf("internal error: scenario %s runs %q as simulation %d, but declares Runs %q", name, label, i+1, sc.Runs)
		}
		return in.starting(label, plan[i].files())
	}
	r.Prepare = func(label string, c *gmp.Config) {
		p := plan[len(r.Runs)]
		c.TraceFile, c.PerfettoFile, c.PprofDir = p.trace, p.perfetto, p.pprof
		outs.add(p)
		if *runHTML != "" {
			col := html.NewCollector(label, "")
			collectors = append(collectors, col)
			c.Observers = append(c.Observers, col)
		}
		c.Observers = append(c.Observers, progress.observe(label))
	}
	r.Finished = func(scenarios.Run) { in.finished() }
	err = sc.Run(r)
	progress.stop()
	if len(collectors) > 0 {
		if werr := writeHTMLFile(*runHTML, singleReport(sc.Name, collectors)); werr != nil && err == nil {
			err = fmt.Errorf("--html: %v", werr)
		} else {
			outs.lines = append(outs.lines, fmt.Sprintf("  %-12s html      %s   (open in a browser)", "report", *runHTML))
		}
	}
	if len(r.Runs) > 0 {
		writeSummary(report, r.Runs)
		outs.write(report)
	}
	sig := in.interrupted()
	cut := sig != nil && len(r.Runs) < len(plan)
	if len(r.Runs) > 0 && *runStats != "" {
		var werr error
		if *runStats == "-" {
			werr = writeStats(stdout, sc.Name, r.Runs, cut)
		} else {
			werr = writeStatsFile(*runStats, sc.Name, r.Runs, cut)
		}
		if werr != nil && err == nil {
			err = fmt.Errorf("--stats: %v", werr)
		}
	}
	if sig != nil && (err == nil || errors.Is(err, errInterrupted)) {
		return &interruptedError{sig: sig, ran: len(r.Runs), total: len(plan)}
	}
	if err != nil {
		return fmt.Errorf("scenario %s: %v\n(replay with: gmp run %s%s)", name, err, name, replayFlags(cmd))
	}
	return nil
}

// runSettings reads gmp run's flags: those the user set, the seeds, every
// knob's values and the knobs swept (given more than one value).
func runSettings(cmd *command) (set map[string]bool, seeds []uint64, knobs, swept []sweep.Knob, err error) {
	set = map[string]bool{}
	cmd.Flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	seeds = []uint64{*runSeed}
	if set["seeds"] {
		if set["seed"] {
			return nil, nil, nil, nil, errors.New("--seed and --seeds: give one of them")
		}
		seeds = nil
		for _, v := range runSeeds.vals {
			seeds = append(seeds, uint64(v))
		}
	}
	knobs = knobValues()
	for _, k := range knobs {
		if len(k.Values) > 1 {
			swept = append(swept, k)
		}
	}
	return set, seeds, knobs, swept, nil
}

// isSweep reports whether gmp run makes a sweep: a knob or the seed
// swept, or a table asked for.
func isSweep(swept []sweep.Knob, seeds []uint64) bool {
	return len(swept) > 0 || len(seeds) > 1 || *runCSV != "" || *runJSON != ""
}

// replayFlags reconstructs the flags the user gave, for the replay hint.
func replayFlags(cmd *command) string {
	var b strings.Builder
	cmd.Flags.Visit(func(f *flag.Flag) {
		fmt.Fprintf(&b, " --%s=%s", f.Name, f.Value.String())
	})
	return b.String()
}

func writeSummary(w io.Writer, runs []scenarios.Run) {
	fmt.Fprintf(w, "\nsummary\n")
	fmt.Fprintf(w, "  %-12s %12s %5s %10s %9s %7s %8s %8s %7s %10s %10s  %s\n",
		"run", "virtual", "procs", "goroutines", "switches", "steals", "handoffs", "preempts", "threads", "lat p50", "lat p99", "result")
	for _, run := range runs {
		res := run.Result
		status := "ok"
		if run.Err != nil {
			status = errKind(run.Err)
		}
		if res == nil {
			fmt.Fprintf(w, "  %-12s %12s\n", run.Label, status)
			continue
		}
		s := res.Stats
		fmt.Fprintf(w, "  %-12s %12v %5d %10d %9d %7d %8d %8d %7d %10v %10v  %s\n",
			run.Label, res.VirtualTime, len(res.Procs), s.GoroutinesCreated, s.ContextSwitches, s.Steals,
			s.SyscallHandoffs, s.Preemptions, s.ThreadsMax,
			time.Duration(s.SchedLatencyNS.P50), time.Duration(s.SchedLatencyNS.P99), status)
	}
}

func errKind(err error) string {
	var f *gmp.FatalError
	var p *gmp.PanicError
	var l *gmp.LimitError
	switch {
	case gmp.IsDeadlock(err):
		return "deadlock"
	case errors.As(err, &p):
		return "panic"
	case errors.As(err, &l):
		return "limit"
	case errors.As(err, &f):
		return "fatal"
	}
	return "error"
}

// writeStatsFile writes the stats JSON to path.
func writeStatsFile(path, name string, runs []scenarios.Run, interrupted bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = writeStats(f, name, runs, interrupted)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeStats writes the counters of runs as JSON: the first run's at the
// top level, every run's under "runs", and "interrupted": true if a signal
// stopped the scenario before its last simulation.
func writeStats(w io.Writer, name string, runs []scenarios.Run, interrupted bool) error {
	var ran []sweep.Ran
	for _, r := range runs {
		ran = append(ran, sweep.Ran{Label: r.Label, Result: r.Result, Err: r.Err})
	}
	return sweep.WriteStats(w, "scenario", name, runs[0].Config.Seed, ran, interrupted)
}
