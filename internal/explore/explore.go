package explore

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gmplab/gmp"
)

// Options configure an exploration.
type Options struct {
	Test     string     // the test's name: part of every seed, of the files' paths and of the reports
	Runs     int64      // schedules to run: indices [0, Runs), of which this shard takes its share
	Strategy string     // a name from StrategyNames; "" is the portfolio
	Abstract bool       // abstract mode: any runnable goroutine may run next
	Seed     uint64     // the base seed
	Shard    Shard      // which indices this process runs (zero: all)
	Parallel int        // worker processes (≤ 1: run in this process)
	Config   gmp.Config // every run's configuration; the explorer adds its Chooser

	// Dir receives a failure file per distinct failure ("" writes none).
	Dir string
	// OutDir receives the trace and Perfetto files of each shrunk failing
	// run ("" writes none).
	OutDir string
	// ShrinkTime and ShrinkRuns bound the shrinking of each failure (0:
	// no time limit; 5000 runs).
	ShrinkTime time.Duration
	ShrinkRuns int
	// StopAfter ends the exploration once this many distinct failures
	// were found (0: run every index).
	StopAfter int
	// Replay is the command that replays a failure file, with %s for its
	// path (for the reports).
	Replay string
	// Progress, if set, receives a progress line, rewritten in place.
	Progress io.Writer
	// Worker starts worker processes (required when Parallel > 1).
	Worker *WorkerCommand
	// Isolate runs even a single worker in a process of its own (a test
	// that cannot run in the coordinator's process: a translated test,
	// whose failures would fail the real testing.T).
	Isolate bool
	// Interleavings counts the distinct interleavings of the runs (the
	// orders in which goroutines reached runtime calls; a map insertion
	// per run).
	Interleavings bool

	raceHere bool // under -race, exploring in this process (Explore)
}

// Shard is the share of the indices one process runs: those ≡ I (mod N).
type Shard struct{ I, N int64 }

// ParseShard parses "i/N".
//
//go:norace
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if s == "" {
		return sh, nil
	}
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.I, &sh.N); err != nil || fmt.Sprintf("%d/%d", sh.I, sh.N) != s {
		return sh, fmt.Errorf("bad shard %q: want i/N, e.g. 0/4 for the first of four shards", s)
	}
	if sh.N < 1 || sh.I < 0 || sh.I >= sh.N {
		return sh, fmt.Errorf("bad shard %q: i must be in [0, N) — shards of 4 are 0/4, 1/4, 2/4 and 3/4", s)
	}
	return sh, nil
}

//go:norace
func (sh Shard) String() string {
	if sh.N <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", sh.I, sh.N)
}

// indices returns how many of [0, runs) the shard runs, and the k-th.
//
//go:norace
func (sh Shard) count(runs int64) int64 {
	if sh.N <= 1 {
		return runs
	}
	if runs <= sh.I {
		return 0
	}
	return (runs-sh.I-1)/sh.N + 1
}

//go:norace
func (sh Shard) index(k int64) int64 {
	if sh.N <= 1 {
		return k
	}
	return k*sh.N + sh.I
}

// A Finding is one distinct failure.
type Finding struct {
	Kind      Kind
	Signature string
	Count     int64  // runs that failed with this signature
	First     int64  // the lowest index that did
	Strategy  string // the strategy of that run
	Detail    string // the failure, as a person reads it (of the shrunk run)

	Schedule  *Schedule // the shrunk schedule (the failure file's content)
	Original  int       // deviations before shrinking
	Shrinks   int       // shrinking's runs
	Sentences []string  // the shrunk schedule, as sentences
	File      string    // the failure file written
	Trace     string    // the shrunk run's Go execution trace
	Perfetto  string    // … and Perfetto file
	Nondet    string    // why a replay did not repeat the run; "" if it did
	Crash     string    // for a worker that died: its last output
	Note      string    // what the report should add (a race found in this process: not shrunk)

	devs []Deviation // as found (before the replay gives them keys)
	sum  uint64
	ndec int64
}

// Report is what an exploration found.
type Report struct {
	Test          string
	Mode          string
	Strategy      string
	Runs          int64 // runs made
	Failed        int64 // of which failed
	Findings      []*Finding
	Interleavings int           // distinct interleavings (if counted)
	Nondet        string        // the default schedule does not repeat itself: why
	Elapsed       time.Duration // wall time
	Restarts      int           // worker processes restarted
	Workers       int           // worker processes (0: this process ran the runs)
}

// Explore runs target under o.Runs schedules (this shard's share of them)
// and reports each distinct failure once, replayed, shrunk, written to a
// failure file and narrated.
//
//go:norace
func Explore(target Target, o Options) (*Report, error) {
	if _, err := NewStrategy(o.Strategy); err != nil {
		return nil, err
	}
	if o.Strategy == "" {
		o.Strategy = "portfolio"
	}
	start := time.Now()
	defer startBallast()()
	rep := &Report{Test: o.Test, Mode: modeName(o.Abstract), Strategy: o.Strategy}
	var err error
	if raceOn && !IsWorker() {
		// A race is reported once per process (race.go): explore in
		// workers, where replaying and shrinking see it again; a target
		// that cannot start them is explored here, its races unshrunk.
		if o.Worker != nil {
			o.Isolate = true
		} else {
			o.raceHere = true
		}
	}
	if o.Parallel > 1 || o.Isolate {
		o.Parallel = max(o.Parallel, 1)
		err = exploreWorkers(target, &o, rep)
	} else {
		// One simulation at a time is one thread's work; with more Ps,
		// every coroutine switch wakes an idle P that finds nothing
		// (measured: a quarter slower). Workers are started with
		// GOMAXPROCS=1 for the same reason.
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		err = exploreHere(target, &o, rep)
	}
	rep.Elapsed = time.Since(start)
	clearProgress(o.Progress)
	return rep, err
}

// collector merges runs' results, in whatever order they arrive, into
// the same findings: per signature, the lowest index wins.
type collector struct {
	rep   *Report
	bySig map[string]*Finding
	sums  map[uint64]struct{}
}

//go:norace
func newCollector(rep *Report) *collector {
	return &collector{rep: rep, bySig: map[string]*Finding{}}
}

// add notes a failing run; devs are copied if kept.
//
//go:norace
func (c *collector) add(k Kind, sig string, index int64, strategy string, detail string, devs []Deviation, sum uint64, ndec int64) {
	c.rep.Failed++
	f := c.bySig[sig]
	if f == nil {
		f = &Finding{Kind: k, Signature: sig, First: -1}
		c.bySig[sig] = f
		c.rep.Findings = append(c.rep.Findings, f)
	}
	f.Count++
	if f.First < 0 || index < f.First {
		f.First, f.Strategy, f.Detail = index, strategy, detail
		f.devs, f.sum, f.ndec = slices.Clone(devs), sum, ndec
	}
}

//go:norace
func (c *collector) sorted() {
	slices.SortFunc(c.rep.Findings, func(a, b *Finding) int {
		switch {
		case a.Kind == Crash && b.Kind != Crash:
			return 1
		case b.Kind == Crash && a.Kind != Crash:
			return -1
		}
		return int(a.First - b.First)
	})
}

// exploreHere explores in this process.
//
//go:norace
func exploreHere(target Target, o *Options, rep *Report) error {
	r, err := newRunner(target, o)
	if err != nil {
		return err
	}
	if _, nd := r.calibrate(); nd != "" {
		rep.Nondet = nd
		return nil
	}
	c := newCollector(rep)
	if o.Interleavings {
		c.sums = map[uint64]struct{}{}
	}
	prog := newProgress(o.Progress, o)
	n := o.Shard.count(o.Runs)
	for k := range n {
		i := o.Shard.index(k)
		kind, out, s := r.run(i)
		rep.Runs++
		if c.sums != nil {
			c.sums[r.rec.Order()] = struct{}{}
		}
		if kind != Pass {
			sig := signature(kind, out)
			if f := c.bySig[sig]; f == nil {
				c.add(kind, sig, i, label(s), detail(kind, out), r.rec.Deviations(), r.rec.Sum(), r.rec.Decisions())
			} else {
				f.Count++
				rep.Failed++
			}
		}
		prog.update(rep.Runs, len(c.bySig), s.Name())
		if o.StopAfter > 0 && len(c.bySig) >= o.StopAfter {
			break
		}
	}
	rep.Interleavings = len(c.sums)
	c.sorted()
	for _, f := range rep.Findings {
		r.settle(f)
	}
	return nil
}

// settle makes a finding reportable: it replays the failing run (which
// must repeat it exactly, else the program is nondeterministic), shrinks
// it, replays the shrunk schedule with traces and narration, and writes
// the failure file.
//
//go:norace
func (r *runner) settle(f *Finding) {
	o := r.o
	f.Original = len(f.devs)
	if f.Kind == Crash {
		return
	}
	if f.Kind == Race && o.raceHere {
		// The detector would not report the race again in this process
		// (race.go): the schedule is saved as found.
		f.Note = "not replayed or shrunk: in one process the race detector reports a race once; " +
			"explore with worker processes (a target with a WorkerCommand) to shrink it"
		f.Schedule = r.schedule(f, f.devs, f.sum, f.ndec)
		if o.Dir != "" {
			if path, err := WriteSchedule(o.Dir, f.Schedule); err == nil {
				f.File = path
			} else {
				f.File = "(not written: " + err.Error() + ")"
			}
		}
		return
	}
	k, out, rec, _ := r.replayRun(f.devs, false, false, nil)
	if rec.Sum() != f.sum || k != f.Kind || signature(k, out) != f.Signature {
		if rec.Sum() == f.sum {
			f.Nondet = fmt.Sprintf("the replay took the same scheduling decisions but ended otherwise (%v, not %v): the program depends on something no schedule decides — %s", k, f.Kind, likelyCauses)
		} else {
			f.Nondet = r.diagnose(f.devs, false)
		}
		f.Schedule = r.schedule(f, f.devs, f.sum, f.ndec)
		return
	}
	devs, sum, ndec := slices.Clone(rec.Deviations()), rec.Sum(), rec.Decisions()
	devs, sum, ndec, f.Shrinks = r.shrink(devs, f.Signature, sum, ndec)
	f.Schedule = r.schedule(f, devs, sum, ndec)
	// The shrunk run once more, narrated, with its traces.
	var trace, perf string
	if o.OutDir != "" {
		h := sigHash(f.Signature)
		trace = filepath.Join(o.OutDir, h+".trace")
		perf = filepath.Join(o.OutDir, h+".pftrace")
		if err := os.MkdirAll(o.OutDir, 0o777); err != nil {
			trace, perf = "", ""
		}
	}
	k, out, rec, _ = r.replayRun(devs, true, true, func(cfg *gmp.Config) {
		cfg.TraceFile, cfg.PerfettoFile = trace, perf
	})
	if rec.Sum() != sum {
		f.Nondet = "the shrunk schedule replayed with a different checksum (the trace observers changed the run?)"
	}
	if k != Pass {
		f.Detail = detail(k, out)
	}
	f.Trace, f.Perfetto = trace, perf
	for i := range rec.Deviations() {
		d := &rec.Deviations()[i]
		f.Schedule.Deviations[i].Where = d.Where
		f.Sentences = append(f.Sentences, Sentence(d))
	}
	if o.Dir != "" {
		if path, err := WriteSchedule(o.Dir, f.Schedule); err == nil {
			f.File = path
		} else {
			f.File = "(not written: " + err.Error() + ")"
		}
	}
}

// schedule builds the failure file's content.
//
//go:norace
func (r *runner) schedule(f *Finding, devs []Deviation, sum uint64, ndec int64) *Schedule {
	o := r.o
	s := &Schedule{
		Test: o.Test, Kind: f.Kind, Signature: f.Signature, Abstract: o.Abstract, Strategy: f.Strategy,
		BaseSeed: o.Seed, Index: f.First, Config: configOf(o.Config), GmpVersion: GmpVersion(),
		Funnel: Funnel(), GoVersion: goVersion(), Decisions: ndec, Checksum: sum,
		Deviations: slices.Clone(devs),
	}
	s.Comments = []string{f.Signature}
	if o.Replay != "" {
		s.Comments = append(s.Comments, "replay: "+replayCommand(o, f.Kind, filepath.Join(o.Dir, sigHash(f.Signature))))
	}
	return s
}

// Format writes the report of one finding, as the user reads it.
//
//go:norace
func (f *Finding) Format(rep *Report, o *Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "gmp explore: %s: %s (%s mode), in %d of %d runs; first at run %d, by %s\n",
		rep.Test, f.Kind, rep.Mode, f.Count, rep.Runs, f.First, f.Strategy)
	fmt.Fprintf(&b, "  signature: %s\n", f.Signature)
	if f.Crash != "" {
		fmt.Fprintf(&b, "  the worker process running it died:\n%s\n", indent(f.Crash, "    "))
		return b.String()
	}
	if f.Note != "" {
		fmt.Fprintf(&b, "  note: %s\n", f.Note)
	}
	if f.Nondet != "" {
		fmt.Fprintf(&b, "  uncontrolled nondeterminism: replaying run %d did not repeat it: %s\n", f.First, f.Nondet)
	} else if f.Schedule != nil {
		fmt.Fprintf(&b, "  minimal schedule: %d decision(s) different from an ordinary run (shrunk from %d in %d runs):\n",
			len(f.Schedule.Deviations), f.Original, f.Shrinks)
		if len(f.Sentences) == 0 {
			b.WriteString("    (none: the ordinary schedule fails)\n")
		}
		for i, s := range f.Sentences {
			fmt.Fprintf(&b, "    %d. %s\n", i+1, s)
		}
	}
	if f.File != "" {
		fmt.Fprintf(&b, "  failure file: %s\n", f.File)
	}
	if f.Trace != "" {
		fmt.Fprintf(&b, "  trace: %s (go tool trace)\n  perfetto: %s (ui.perfetto.dev)\n", f.Trace, f.Perfetto)
	}
	if o.Replay != "" && f.File != "" && !strings.HasPrefix(f.File, "(") {
		p := f.File
		if abs, err := filepath.Abs(p); err == nil {
			p = abs // the command works from any directory
		}
		fmt.Fprintf(&b, "  replay: %s\n", replayCommand(o, f.Kind, p))
	}
	if f.Detail != "" {
		fmt.Fprintf(&b, "\n%s\n", indent(f.Detail, "    "))
	}
	return b.String()
}

// Summary is the one-line summary of an exploration.
//
//go:norace
func (rep *Report) Summary() string {
	s := fmt.Sprintf("gmp explore: %s: %d runs (%s mode, %s) in %v", rep.Test, rep.Runs, rep.Mode, rep.Strategy, rep.Elapsed.Round(time.Millisecond))
	if rep.Workers > 0 {
		s += fmt.Sprintf(" by %d worker process(es)", rep.Workers)
	}
	if rep.Elapsed > 0 {
		s += fmt.Sprintf(", %.0f runs/s", float64(rep.Runs)/rep.Elapsed.Seconds())
	}
	if rep.Interleavings > 0 {
		s += fmt.Sprintf(", %d distinct interleavings", rep.Interleavings)
	}
	switch len(rep.Findings) {
	case 0:
		s += ": no failures"
	default:
		s += fmt.Sprintf(": %d distinct failure(s) in %d failing runs", len(rep.Findings), rep.Failed)
	}
	if rep.Restarts > 0 {
		s += fmt.Sprintf(" (%d worker restart(s))", rep.Restarts)
	}
	return s
}

//go:norace
func indent(s, pre string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pre + l
		}
	}
	return strings.Join(lines, "\n")
}

// Write writes the report of an exploration run with o, as gmp explore
// and gmp test print it, and returns the exit status a command gives it:
// 0 clean, 1 failures.
//
//go:norace
func (rep *Report) Write(w io.Writer, o *Options) int {
	if rep.Nondet != "" {
		fmt.Fprintf(w, "gmp explore: %s: uncontrolled nondeterminism: the ordinary schedule, run twice, did not repeat itself: %s\n", rep.Test, rep.Nondet)
		return 1
	}
	for _, f := range rep.Findings {
		fmt.Fprintf(w, "%s\n", f.Format(rep, o))
	}
	fmt.Fprintln(w, rep.Summary())
	if len(rep.Findings) > 0 {
		return 1
	}
	return 0
}
