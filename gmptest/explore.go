package gmptest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/explore"
	"github.com/gmplab/gmp/internal/link"
	"github.com/gmplab/gmp/internal/progrand"
)

// Options configure Explore. The zero value explores on 4 Ps, in faithful
// mode, with the portfolio of strategies.
type Options struct {
	// Procs is GOMAXPROCS (0: 4).
	Procs int
	// Runs is how many schedules plain go test explores (-gmp.explore
	// overrides it). 0: only the ordinary schedule, after the saved
	// failure files.
	Runs int
	// Strategy is the exploration strategy (-gmp.strategy overrides it):
	// portfolio (default), random, pct, pct1–pct3, select or pairs.
	Strategy string
	// Abstract explores in abstract mode (any runnable goroutine may run
	// next), which finds orders Go allows but no real scheduler makes.
	Abstract bool
	// Seed is the base seed: every run's schedule is a pure function of
	// it, the test's name, the strategy and the run's index.
	// -gmp.seed overrides it; 0 means 1.
	Seed uint64
	// MaxSteps stops a run after this many goroutine resumptions, as a
	// livelock (0: 200,000).
	MaxSteps int64
	// MaxTime stops a run at this virtual time (0: go test's -timeout).
	MaxTime time.Duration
	// Settle is how long, in virtual time, the goroutines the test left
	// behind may run on after it returns; those still blocked then are
	// leaks (0: 1s).
	Settle time.Duration
	// AllowLeaks: goroutines left behind do not fail the test.
	AllowLeaks bool
	// Config holds any other setting of the runs (costs, Version,
	// Preempt …); the fields above take precedence over its own.
	Config *gmp.Config
	// ShrinkTime bounds the shrinking of each failure in wall time
	// (0: 10s).
	ShrinkTime time.Duration
	// Dir is the directory of the test's failure files (default
	// testdata/gmp/<TestName>): saved failures are replayed from it, new
	// ones written to it.
	Dir string
}

// The explorer's flags, in every test binary that imports gmptest.
var (
	flagExplore    *int64
	flagParallel   *int
	flagStrategy   *string
	flagMode       *string
	flagSeed       *uint64
	flagShard      *string
	flagReplay     *string
	flagShrinkTime *time.Duration
)

//go:norace
func init() {
	// Only test binaries get the flags: a translated main package that
	// parses its own flags must not see them.
	if !testing.Testing() {
		return
	}
	flagExplore = flag.Int64("gmp.explore", 0, "explore `N` schedules of each gmptest.Explore test")
	flagParallel = flag.Int("gmp.parallel", 1, "run the exploration in `P` worker processes")
	flagStrategy = flag.String("gmp.strategy", "", "exploration strategy: "+strings.Join(explore.StrategyNames, ", "))
	flagMode = flag.String("gmp.mode", "", "exploration mode: faithful (default) or abstract")
	flagSeed = flag.Uint64("gmp.seed", 0, "base seed of the exploration")
	flagShard = flag.String("gmp.shard", "", "run shard `i/N` of the schedules (the indices ≡ i mod N)")
	flagReplay = flag.String("gmp.replay", "", "replay the failure `file` instead of exploring")
	flagShrinkTime = flag.Duration("gmp.shrinktime", 0, "bound the shrinking of each failure (default 10s)")
}

// exploreSettings are the explorer's settings from the flags (Explore) or
// from GMPTEST (translated tests, gmp test -gmp.explore).
type exploreSettings struct {
	runs       int64
	runsSet    bool
	parallel   int
	strategy   string
	mode       string
	seed       uint64
	shard      string
	replay     string
	shrinkTime time.Duration
}

//go:norace
func flagSettings() exploreSettings {
	var s exploreSettings
	if flagExplore == nil {
		return s
	}
	s.runs, s.runsSet = *flagExplore, *flagExplore > 0
	s.parallel, s.strategy, s.mode, s.seed = *flagParallel, *flagStrategy, *flagMode, *flagSeed
	s.shard, s.replay, s.shrinkTime = *flagShard, *flagReplay, *flagShrinkTime
	return s
}

// T is the test's handle inside an explored run, like testing.T: its
// methods may be called from any simulated goroutine. A failure fails
// the run — the explorer then reports the schedule — not the real test
// directly.
type T struct {
	name     string
	goid     int64 // the test's goroutine
	failed   bool
	skipped  bool
	mainExit bool // FailNow/SkipNow on the test's goroutine: unwinding
	errors   []explore.TestError
	logs     []string
	cleanups []func()
	helpers  map[string]bool
}

// failNow unwinds the test's goroutine for FailNow and SkipNow.
type failNow struct{}

// Name returns the test's name.
//
//go:norace
func (t *T) Name() string { return t.name }

// Fail marks the run as failed and goes on.
//
//go:norace
func (t *T) Fail() { t.failed = true }

// Failed reports whether the run has failed.
//
//go:norace
func (t *T) Failed() bool { return t.failed }

// FailNow marks the run as failed and stops the calling goroutine: the
// test, if called on the test's goroutine (its cleanups run), else only
// that goroutine, as runtime.Goexit does with testing.T.
//
//go:norace
func (t *T) FailNow() {
	t.failed = true
	t.exit()
}

//go:norace
func (t *T) exit() {
	if gmp.Goid() == t.goid {
		t.mainExit = true
		panic(failNow{})
	}
	gmp.Goexit()
}

// Log records a message, shown with the run's report if it fails.
//
//go:norace
func (t *T) Log(args ...any) { t.logs = append(t.logs, fmt.Sprintln(args...)) }

// Logf is Log with a format.
//
//go:norace
func (t *T) Logf(format string, args ...any) { t.logs = append(t.logs, fmt.Sprintf(format, args...)) }

// Error is Log and Fail.
//
//go:norace
func (t *T) Error(args ...any) { t.report(strings.TrimSuffix(fmt.Sprintln(args...), "\n")) }

// Errorf is Logf and Fail.
//
//go:norace
func (t *T) Errorf(format string, args ...any) { t.report(fmt.Sprintf(format, args...)) }

// Fatal is Log and FailNow.
//
//go:norace
func (t *T) Fatal(args ...any) {
	t.report(strings.TrimSuffix(fmt.Sprintln(args...), "\n"))
	t.exit()
}

// Fatalf is Logf and FailNow.
//
//go:norace
func (t *T) Fatalf(format string, args ...any) {
	t.report(fmt.Sprintf(format, args...))
	t.exit()
}

// Skip skips the run (it counts as a pass).
//
//go:norace
func (t *T) Skip(args ...any) {
	t.Log(args...)
	t.SkipNow()
}

// SkipNow marks the run skipped and stops the calling goroutine.
//
//go:norace
func (t *T) SkipNow() {
	t.skipped = true
	t.exit()
}

// Skipped reports whether the run was skipped.
//
//go:norace
func (t *T) Skipped() bool { return t.skipped }

// Helper marks the calling function as a helper: errors are reported at
// its caller's line.
//
//go:norace
func (t *T) Helper() {
	var pc [1]uintptr
	if runtime.Callers(2, pc[:]) == 1 {
		if f := runtime.FuncForPC(pc[0]); f != nil {
			if t.helpers == nil {
				t.helpers = map[string]bool{}
			}
			t.helpers[f.Name()] = true
		}
	}
}

// Cleanup registers f to run when the test's body returns, last
// registered first.
//
//go:norace
func (t *T) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

// report records a failure with the place it was called from.
//
//go:norace
func (t *T) report(msg string) {
	t.failed = true
	e := explore.TestError{Msg: msg, Goid: gmp.Goid()}
	var pcs [32]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !t.helpers[f.Function] && !strings.HasPrefix(f.Function, "github.com/gmplab/gmp/gmptest.(*T).") {
			e.Func, e.File, e.Line = f.Function, f.File, f.Line
			break
		}
		if !more {
			break
		}
	}
	t.errors = append(t.errors, e)
}

// run runs the body on the test's goroutine, then the cleanups.
//
//go:norace
func (t *T) run(body func(*T)) {
	t.goid = gmp.Goid()
	defer func() {
		if t.mainExit {
			recover() // the failNow FailNow or SkipNow raised, no other
		}
		for len(t.cleanups) > 0 {
			f := t.cleanups[len(t.cleanups)-1]
			t.cleanups = t.cleanups[:len(t.cleanups)-1]
			f()
		}
	}()
	body(t)
}

// bodyTarget is Explore's target: the body as the main goroutine of each
// run.
type bodyTarget struct {
	name       string
	body       func(*T)
	allowLeaks bool
}

//go:norace
func (b *bodyTarget) Run(cfg gmp.Config) explore.Outcome {
	progrand.SetSeed(cfg.Seed) // gmp/math/rand: each run from the same state
	t := &T{name: b.name}
	res, err := gmp.Run(cfg, func() { t.run(b.body) })
	out := explore.Outcome{Err: err, Result: res, Failed: t.failed && !t.skipped, Failures: t.errors, Skipped: t.skipped}
	if err == nil && !b.allowLeaks {
		out.Leaks = res.Leaks
	}
	if t.skipped {
		out.Failures, out.Failed = nil, false
	}
	return out
}

// explorations counts the Explore calls of each test, so that a test
// calling it twice has two names (by test, not by name: go test -count=2
// runs the same test twice, each time a new *testing.T).
var explorations = map[*testing.T]int{}

// Explore runs body under many schedules and reports every distinct
// failure: a panic, a deadlock, goroutines left blocked (leaks), a
// livelock, or t.Error/t.Fatal from any goroutine. Plain go test first
// replays the failure files saved under testdata/gmp/<TestName>/ — a bug
// fixed stays fixed — then runs opts.Runs schedules (0: the ordinary one
// only). The flags:
//
//	-gmp.explore=N     explore N schedules
//	-gmp.parallel=P    in P worker processes (the test binary re-executes itself)
//	-gmp.strategy=S    portfolio (default), random, pct, pct1–pct3, select, pairs
//	-gmp.mode=M        faithful (default) or abstract
//	-gmp.seed=N        the base seed (default 1)
//	-gmp.shard=i/N     run only the schedules ≡ i (mod N): one job of a CI matrix
//	-gmp.replay=FILE   replay one failure file, print what happens, and stop
//	-gmp.shrinktime=D  bound the shrinking of each failure (default 10s)
//
// Each failure is replayed (it must repeat exactly, or the report says
// "uncontrolled nondeterminism" and why), shrunk to the few scheduling
// decisions that cause it, and reported with those decisions as
// sentences, the goroutine dump or stacks, a failure file under
// testdata/gmp/<TestName>/, the shrunk run's trace and Perfetto files,
// and the command that replays it.
//
//go:norace
func Explore(t *testing.T, opts Options, body func(t *T)) {
	t.Helper()
	name := t.Name()
	explorations[t]++
	if n := explorations[t]; n > 1 {
		name = fmt.Sprintf("%s#%d", name, n)
	}
	s := flagSettings()
	o, err := exploreOptions(t, name, opts, s)
	if err != nil {
		t.Fatal(err)
	}
	target := &bodyTarget{name: name, body: body, allowLeaks: opts.AllowLeaks}
	if explore.IsWorker() {
		if explore.WorkerFor(name) {
			serve(t, target, o)
		}
		return
	}
	run(t, target, o, s)
}

// run is what Explore and Test do with a target: replay, then explore.
//
//go:norace
func run(t *testing.T, target explore.Target, o explore.Options, s exploreSettings) {
	t.Helper()
	if s.replay != "" {
		replayFile(t, target, o, s.replay, true)
		return
	}
	files, err := explore.ListSchedules(o.Dir)
	if err != nil {
		t.Error(err)
	}
	for _, f := range files {
		replayFile(t, target, o, f, false)
	}
	if o.Runs == 0 {
		// The ordinary schedule, reported like an ordinary test failure.
		o.Runs, o.Dir, o.Strategy = 1, "", "ordinary"
		o.ShrinkRuns = 1
	}
	o.Progress = explore.Terminal()
	rep, err := explore.Explore(target, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Nondet != "" {
		t.Errorf("gmp explore: %s: uncontrolled nondeterminism: the ordinary schedule, run twice, did not repeat itself: %s", o.Test, rep.Nondet)
		return
	}
	for _, f := range rep.Findings {
		t.Error("\n" + f.Format(rep, &o))
	}
	if o.Runs > 1 || testing.Verbose() {
		t.Log(rep.Summary())
	}
}

//go:norace
func serve(t *testing.T, target explore.Target, o explore.Options) {
	o, err := explore.WorkerOptions(o)
	if err == nil {
		err = explore.Serve(target, o)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// replayFile replays one failure file. A file given with -gmp.replay is
// narrated in full; the saved ones are regressions: a failure that still
// happens fails the test, one that no longer does is logged.
//
//go:norace
func replayFile(t *testing.T, target explore.Target, o explore.Options, path string, explicit bool) {
	t.Helper()
	sc, err := explore.ReadSchedule(path)
	if err != nil {
		t.Errorf("gmp: %v", err)
		return
	}
	if sc.Test != o.Test {
		if explicit {
			t.Skipf("gmp: %s is a failure of %s, not of %s", path, sc.Test, o.Test)
		}
		t.Errorf("gmp: %s: a failure of %s, found under %s's directory: move or delete it", path, sc.Test, o.Test)
		return
	}
	if sc.Kind == explore.Race && !explore.RaceBuild {
		// Only the race detector sees a data race.
		if explicit {
			t.Fatalf("gmp: %s records a data race: replay it with go test -race", path)
		}
		t.Logf("gmp: %s records a data race: replayed only under go test -race", path)
		return
	}
	res := explore.Replay(target, o, sc)
	switch {
	case explicit:
		if res.Kind == explore.Pass {
			t.Logf("\n%s", res.Format(path))
		} else {
			t.Errorf("\n%s", res.Format(path))
		}
	case res.Kind == explore.Pass:
		t.Logf("gmp: %s: no longer fails (%s): the bug is fixed, the file stays as a regression test", path, sc.Signature)
	default:
		t.Errorf("gmp: a saved failure still fails:\n%s", res.Format(path))
	}
}

// exploreOptions turns Options and the flags into the explorer's.
//
//go:norace
func exploreOptions(t *testing.T, name string, opts Options, s exploreSettings) (explore.Options, error) {
	o := explore.Options{Test: name, Strategy: opts.Strategy, Abstract: opts.Abstract, Seed: opts.Seed, Runs: int64(opts.Runs)}
	o.Config = runConfig(opts)
	if s.runsSet {
		o.Runs = s.runs
	}
	if s.strategy != "" {
		o.Strategy = s.strategy
	}
	switch s.mode {
	case "":
	case "faithful":
		o.Abstract = false
	case "abstract":
		o.Abstract = true
	default:
		return o, fmt.Errorf("gmp: unknown -gmp.mode %q: want faithful or abstract", s.mode)
	}
	if _, err := explore.NewStrategy(o.Strategy); err != nil {
		return o, fmt.Errorf("gmp: -gmp.strategy: %v", err)
	}
	if s.seed != 0 {
		o.Seed = s.seed
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	sh, err := explore.ParseShard(s.shard)
	if err != nil {
		return o, fmt.Errorf("gmp: -gmp.shard: %v", err)
	}
	o.Shard = sh
	o.Parallel = s.parallel
	o.Worker = workerCommand(t) // used with -gmp.parallel, and under -race

	o.ShrinkTime = opts.ShrinkTime
	if s.shrinkTime > 0 {
		o.ShrinkTime = s.shrinkTime
	}
	if o.ShrinkTime == 0 {
		o.ShrinkTime = 10 * time.Second
	}
	o.Dir = filepath.Join("testdata", "gmp", filepath.FromSlash(name))
	if opts.Dir != "" {
		o.Dir = opts.Dir
	}
	o.OutDir = filepath.Join(os.TempDir(), "gmp-explore", strings.NewReplacer("/", "_", "#", "_").Replace(name))
	o.Replay = "go test -run '" + runPattern(t.Name()) + "' -gmp.replay=%s"
	return o, nil
}

// runPattern is the -run pattern that selects exactly the test called
// name (subtests included).
//
//go:norace
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// workerCommand starts this test binary again, running only t.
//
//go:norace
func workerCommand(t *testing.T) *explore.WorkerCommand {
	args := []string{"-test.run=" + runPattern(t.Name()), "-test.count=1", "-test.timeout=0"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	return &explore.WorkerCommand{Path: os.Args[0], Args: args}
}

// runConfig is the configuration of every run of a test explored with
// opts: its Config, with the explorer's defaults filled in.
//
//go:norace
func runConfig(opts Options) gmp.Config {
	var c gmp.Config
	if opts.Config != nil {
		c = *opts.Config
	}
	cfg := &c
	if opts.Procs != 0 {
		cfg.Procs = opts.Procs
	}
	if cfg.Procs == 0 {
		cfg.Procs = 4
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	cfg.MaxSteps = max(opts.MaxSteps, cfg.MaxSteps)
	if cfg.MaxSteps == 0 {
		cfg.MaxSteps = 200_000
	}
	if opts.MaxTime != 0 {
		cfg.MaxTime = opts.MaxTime
	}
	if cfg.MaxTime == 0 {
		cfg.MaxTime = timeoutFlag()
	}
	if opts.Settle != 0 {
		cfg.Settle = opts.Settle
	}
	if cfg.Settle == 0 {
		cfg.Settle = time.Second
	}
	if cfg.Watchdog == 0 {
		cfg.Watchdog = 10 * time.Second
	}
	return *cfg
}

// hasFailureFiles reports whether the test called name has saved failure
// files (which plain runs replay).
//
//go:norace
func hasFailureFiles(dir, name string) bool {
	files, _ := explore.ListSchedules(testDir(dir, name))
	return len(files) > 0
}

// testDir is the failure files' directory of the test called name, under
// dir (GMPTEST's faildir) or the package's testdata/gmp.
//
//go:norace
func testDir(dir, name string) string {
	if dir == "" {
		dir = filepath.Join("testdata", "gmp")
	}
	return filepath.Join(dir, filepath.FromSlash(name))
}

// testTarget is a translated test, explored: each run is a subtest of the
// real test (std's *testing.T cannot be made otherwise), run by
// RunTest. Its failures are the subtest's, so exploration runs in worker
// processes, whose output nobody reads; replays of saved failures run
// here, where a failing subtest is the report.
type testTarget struct {
	t     *testing.T
	fn    func(*testing.T)
	leaks bool
	n     int
}

//go:norace
func (x *testTarget) Run(cfg gmp.Config) explore.Outcome {
	x.n++
	var out Outcome
	x.t.Run(fmt.Sprintf("gmp#%d", x.n), func(st *testing.T) { out = RunTest(st, cfg, x.fn) })
	o := explore.Outcome{Err: out.Err, Result: out.Result, Failed: out.Status == Fail, Skipped: out.Status == Skip}
	if x.leaks {
		o.Leaks = out.Leaks
	}
	return o
}

// exploreTest is Test under gmp test -gmp.explore (or with saved failure
// files, or in a worker process).
//
//go:norace
func exploreTest(t *testing.T, fn func(*testing.T), s Settings) {
	t.Helper()
	es := exploreSettings{runs: s.Explore, runsSet: s.Explore > 0, parallel: s.Parallel, strategy: s.Strategy,
		mode: s.Mode, seed: s.Config.Seed, shard: s.Shard, replay: s.Replay}
	opts := Options{Config: &s.Config, AllowLeaks: !s.Leaks, Dir: testDir(s.Dir, t.Name())}
	o, err := exploreOptions(t, t.Name(), opts, es)
	if err != nil {
		t.Fatal(err)
	}
	// The runtime lets what the test left behind run on (RunTests own
	// settling loop is too short for a goroutine the explorer holds).
	o.Config.Settle = time.Second
	o.Replay = "gmp test -run '" + runPattern(t.Name()) + "' -gmp.replay=%s"
	target := &testTarget{t: t, fn: fn, leaks: s.Leaks}
	if explore.IsWorker() {
		if explore.WorkerFor(t.Name()) {
			serve(t, target, o)
		}
		return
	}
	// Every explored run is a subtest: they run in worker processes.
	o.Isolate, o.Worker = true, workerCommand(t)
	run(t, target, o, es)
}

// replaySaved replays a translated test's saved failure files, before its
// ordinary run.
//
//go:norace
func replaySaved(t *testing.T, fn func(*testing.T), s Settings) {
	t.Helper()
	o, err := exploreOptions(t, t.Name(), Options{Config: &s.Config, AllowLeaks: !s.Leaks, Dir: testDir(s.Dir, t.Name())}, exploreSettings{})
	if err != nil {
		t.Fatal(err)
	}
	o.Config.Settle = time.Second
	target := &testTarget{t: t, fn: fn, leaks: s.Leaks}
	files, _ := explore.ListSchedules(o.Dir)
	for _, f := range files {
		replayFile(t, target, o, f, false)
	}
}

//go:norace
func init() { link.ExploreTarget = exploreTarget }

// exploreTarget returns body as the explorer's target, for gmp's own
// commands (gmp explore runs the corpus this way, through
// link.ExploreTarget); tests call Explore.
//
//go:norace
func exploreTarget(name string, opts Options, body func(*T)) explore.Target {
	return &bodyTarget{name: name, body: body, allowLeaks: opts.AllowLeaks}
}

// ExploreConfig is the configuration Explore gives every run of a test
// explored with opts.
//
//go:norace
func ExploreConfig(opts Options) gmp.Config { return runConfig(opts) }

// exploreMain is Main under gmp explore ./pkg: the program's main
// explored, the report on standard error; it returns the exit status (1
// if a failure was found).
//
//go:norace
func exploreMain(main func(), s Settings) int {
	cfg := runConfig(Options{Config: &s.Config})
	cfg.MaxTime = max(cfg.MaxTime, s.Config.MaxTime)
	target := explore.TargetFunc(func(cfg gmp.Config) explore.Outcome {
		progrand.SetSeed(cfg.Seed)
		res, err := gmp.Run(cfg, func() { runInits(); main() })
		out := explore.Outcome{Err: err, Result: res}
		if err == nil && s.Leaks {
			out.Leaks = res.Leaks
		}
		return out
	})
	o := explore.Options{Test: "main", Runs: s.Explore, Strategy: s.Strategy, Abstract: s.Mode == "abstract",
		Seed: max(s.Config.Seed, 1), Config: cfg, Parallel: s.Parallel, Dir: testDir(s.Dir, "main"),
		OutDir: filepath.Join(os.TempDir(), "gmp-explore", "main"), ShrinkTime: 10 * time.Second,
		Replay: "gmp explore " + os.Getenv("GMPRUN_PKG") + " -replay %s"}
	fail := func(err error) int {
		fmt.Fprintf(os.Stderr, "gmp explore: %v\n", err)
		return 2
	}
	sh, err := explore.ParseShard(s.Shard)
	if err != nil {
		return fail(err)
	}
	o.Shard = sh
	if explore.IsWorker() {
		if o, err = explore.WorkerOptions(o); err == nil {
			err = explore.Serve(target, o)
		}
		if err != nil {
			return fail(err)
		}
		return 0
	}
	if s.Replay != "" {
		sc, err := explore.ReadSchedule(s.Replay)
		if err != nil {
			return fail(err)
		}
		res := explore.Replay(target, o, sc)
		fmt.Fprint(os.Stderr, res.Format(s.Replay))
		if res.Kind != explore.Pass {
			return 1
		}
		return 0
	}
	o.Worker = &explore.WorkerCommand{Path: os.Args[0], Args: os.Args[1:]} // with -parallel, and under -race
	o.Progress = explore.Terminal()
	// What the program prints, thousands of times over, is not the
	// report: its standard output goes nowhere while it is explored.
	stdout := os.Stdout
	if null, err := os.Open(os.DevNull); err == nil {
		os.Stdout = null
		defer null.Close()
	}
	rep, err := explore.Explore(target, o)
	os.Stdout = stdout
	if err != nil {
		return fail(err)
	}
	return rep.Write(os.Stderr, &o)
}
