package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/scenarios"
)

var cmdRun = &command{
	Name:      "run",
	UsageLine: "gmp run NAME [--procs N] [--seed N] [--schedtrace DUR] [--scheddetail] [--stats FILE] [--trace FILE] [--perfetto FILE] [--pprof DIR] [flags]",
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

--trace writes a Go execution trace of the simulation: open it with
'go tool trace FILE' (timelines by P and by thread, goroutine analysis,
blocking and scheduler-latency profiles) or gotraceui. --perfetto writes
Chrome trace-event JSON for https://ui.perfetto.dev with the run queues,
spinning threads and idle Ps as counters. --pprof writes cpu.pb.gz,
block.pb.gz, mutex.pb.gz, goroutine.pb.gz and schedlat.pb.gz to DIR for
'go tool pprof'. A scenario that runs several simulations writes the first
to the name given and each later one beside it, with the run's label added
(trace.out, trace.article.out; DIR, DIR/article). The files are complete
even when the program deadlocks or panics, and the same seed writes the
same bytes.

NAME may instead be a main package (./cmd/x, or an import path): it is
translated (see 'gmp help test'), built, and run with its main as
goroutine 1 of a simulation configured by --procs, --seed, --max-steps,
--max-time, --preempt and --trace; arguments after the package go to the
program, and its exit status is the program's.`,
	Flags: flag.NewFlagSet("run", flag.ContinueOnError),
}

var (
	runProcs       = cmdRun.Flags.Int("procs", 0, "GOMAXPROCS of the simulated program (default: the scenario's, else 4)")
	runSeed        = cmdRun.Flags.Uint64("seed", 0, "seed for every random choice of the run")
	runSchedTrace  = cmdRun.Flags.String("schedtrace", "", "print schedtrace lines every `DUR` of virtual time (ms or a duration)")
	runSchedDetail = cmdRun.Flags.Bool("scheddetail", false, "print the detailed schedtrace (per P, M and G); needs --schedtrace")
	runStats       = cmdRun.Flags.String("stats", "", "write the run's counters as JSON to `FILE`")
	runVersion     = cmdRun.Flags.String("version", "go1.26", "runtime to model: go1.26, go1.25 or go1.24")
	runPreempt     = cmdRun.Flags.String("preempt", "async", "preemption: async or cooperative")
	runPreset      = cmdRun.Flags.String("preset", "", "configuration preset: wasm")
	runStealCap    = cmdRun.Flags.Int("steal-cap", 0, "steal at most N goroutines at a time (0: half, as Go does)")
	runMaxTime     = cmdRun.Flags.Duration("max-time", 0, "stop the simulation at this much virtual time (0: no limit)")
	runMaxSteps    = cmdRun.Flags.Int64("max-steps", 0, "stop after this many goroutine resumptions (0: no limit)")
	runTrace       = cmdRun.Flags.String("trace", "", "write a Go execution trace (go tool trace) to `FILE`")
	runPerfetto    = cmdRun.Flags.String("perfetto", "", "write Chrome/Perfetto trace-event JSON to `FILE`")
	runPprof       = cmdRun.Flags.String("pprof", "", "write pprof profiles (cpu, block, mutex, goroutine, schedlat) to `DIR`")
)

func init() { cmdRun.Run = runRun }

func runRun(cmd *command, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && isPackageArg(args[0]) {
		return runPackage(args, stdout, stderr)
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

	cfg := gmp.Config{
		Seed:     *runSeed,
		Version:  *runVersion,
		Preset:   *runPreset,
		StealCap: *runStealCap,
		MaxTime:  *runMaxTime,
		MaxSteps: *runMaxSteps,
	}
	set := map[string]bool{}
	cmd.Flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch *runPreempt {
	case "async":
		cfg.Preempt = gmp.PreemptAsync
	case "cooperative", "coop":
		cfg.Preempt = gmp.PreemptCooperative
	default:
		return fmt.Errorf("--preempt=%s: want async or cooperative", *runPreempt)
	}
	if *runProcs < 0 {
		return fmt.Errorf("--procs=%d: must be at least 1", *runProcs)
	}
	cfg.Procs = sc.Procs
	if set["procs"] {
		if *runProcs < 1 {
			return fmt.Errorf("--procs=%d: must be at least 1", *runProcs)
		}
		cfg.Procs = *runProcs
	}
	if *runSchedTrace != "" {
		d, err := gmp.ParseDurationMS(*runSchedTrace)
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
	// Check the configuration before running anything, and open the
	// output files first so that an unwritable path fails early.
	if _, err := gmp.CheckConfig(cfg); err != nil {
		return err
	}
	var statsFile *os.File
	if *runStats != "" {
		f, err := os.Create(*runStats)
		if err != nil {
			return fmt.Errorf("--stats: %v", err)
		}
		statsFile = f
		defer f.Close()
	}

	outs, err := checkOutputs(*runTrace, *runPerfetto, *runPprof)
	if err != nil {
		return err
	}

	r := &scenarios.Runner{Config: cfg, ProcsSet: set["procs"], Out: stdout, Diag: stderr}
	r.Prepare = func(label string, c *gmp.Config) {
		// The first run writes to the names given; later ones beside them.
		first := len(r.Runs) == 0
		c.TraceFile = outputName(*runTrace, label, first)
		c.PerfettoFile = outputName(*runPerfetto, label, first)
		if *runPprof != "" {
			c.PprofDir = *runPprof
			if !first {
				c.PprofDir = filepath.Join(*runPprof, fileLabel(label))
			}
		}
		outs.add(label, c)
	}
	err = sc.Run(r)
	if len(r.Runs) > 0 {
		writeSummary(stdout, r.Runs)
		outs.write(stdout)
	}
	if statsFile != nil && len(r.Runs) > 0 {
		if werr := writeStats(statsFile, sc.Name, r.Runs); werr != nil && err == nil {
			err = fmt.Errorf("--stats: %v", werr)
		}
	}
	if err != nil {
		return fmt.Errorf("scenario %s: %v\n(replay with: gmp run %s%s)", name, err, name, replayFlags(cmd))
	}
	return nil
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

// outputName is the file a run writes for --trace or --perfetto: the name
// given for the first run, the label inserted before the extension for the
// others.
func outputName(name, label string, first bool) string {
	if name == "" || first {
		return name
	}
	ext := filepath.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + fileLabel(label) + ext
}

// fileLabel makes a run's label fit in a file name ("4 Ps" → "4-Ps").
func fileLabel(label string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, label)
}

// outputSet lists the files each run writes, for the end of the report.
type outputSet struct {
	lines []string
}

// checkOutputs makes sure the output paths can be written before any
// simulation runs.
func checkOutputs(trace, perfetto, pprofDir string) (*outputSet, error) {
	for _, f := range []struct{ flag, name string }{{"trace", trace}, {"perfetto", perfetto}} {
		if f.name == "" {
			continue
		}
		file, err := os.Create(f.name)
		if err != nil {
			return nil, fmt.Errorf("--%s: %v", f.flag, err)
		}
		file.Close()
	}
	if pprofDir != "" {
		if err := os.MkdirAll(pprofDir, 0o777); err != nil {
			return nil, fmt.Errorf("--pprof: %v", err)
		}
		probe, err := os.CreateTemp(pprofDir, ".gmp-write-check-*")
		if err != nil {
			return nil, fmt.Errorf("--pprof: cannot write to %s: %v", pprofDir, err)
		}
		probe.Close()
		os.Remove(probe.Name())
	}
	return &outputSet{}, nil
}

func (o *outputSet) add(label string, c *gmp.Config) {
	if c.TraceFile != "" {
		o.lines = append(o.lines, fmt.Sprintf("  %-12s trace     %s   (go tool trace %s)", label, c.TraceFile, c.TraceFile))
	}
	if c.PerfettoFile != "" {
		o.lines = append(o.lines, fmt.Sprintf("  %-12s perfetto  %s   (open in https://ui.perfetto.dev)", label, c.PerfettoFile))
	}
	if c.PprofDir != "" {
		cpu := filepath.Join(c.PprofDir, "cpu.pb.gz")
		o.lines = append(o.lines, fmt.Sprintf("  %-12s pprof     %s   (go tool pprof -top %s)", label, c.PprofDir, cpu))
	}
}

func (o *outputSet) write(w io.Writer) {
	if len(o.lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\noutputs\n")
	for _, l := range o.lines {
		fmt.Fprintln(w, l)
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

func writeStats(f *os.File, name string, runs []scenarios.Run) error {
	top := map[string]any{}
	first := true
	byRun := map[string]any{}
	for _, run := range runs {
		if run.Result == nil {
			continue
		}
		m, err := statsMap(run.Result.Stats)
		if err != nil {
			return err
		}
		m["procs"] = len(run.Result.Procs)
		mm := map[string]gmp.MetricValue{}
		for _, s := range run.Result.Metrics {
			mm[s.Name] = s.Value
		}
		m["metrics"] = mm
		byRun[run.Label] = m
		if first {
			for k, v := range m {
				top[k] = v
			}
			first = false
		}
	}
	top["scenario"] = name
	top["seed"] = strconv.FormatUint(runs[0].Config.Seed, 10)
	top["runs"] = byRun
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	return enc.Encode(top)
}

func statsMap(s gmp.Stats) (map[string]any, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	err = json.Unmarshal(b, &m)
	return m, err
}
