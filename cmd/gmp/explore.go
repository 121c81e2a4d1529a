package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/gmptest/corpus"
	"github.com/gmplab/gmp/internal/explore"
	"github.com/gmplab/gmp/internal/link"
	"github.com/gmplab/gmp/scenarios"
)

var cmdExplore = &command{
	Name: "explore",
	UsageLine: `gmp explore NAME|./pkg [-runs N] [-parallel P] [-strategy S] [-mode M] [-seed N] [-shard i/N] [-procs N] [-dir DIR] [-fixed] [-sim LABEL] [-replay FILE]
       gmp explore -list
       gmp explore -merge -o DIR DIR...`,
	Short: "run a program under many schedules and report each distinct failure",
	Long: `Explore runs a program under many schedules — many ways the hardware
and the OS could run it on the real Go runtime — and reports each distinct
failure once: a panic, a deadlock (with Go's goroutine dump), goroutines
left blocked for good (leaks, with their stacks), a livelock (MaxSteps or
MaxTime), or t.Error. Each failure is replayed (it must repeat exactly,
else the report says "uncontrolled nondeterminism" and why), shrunk to the
few scheduling decisions that cause it, written as sentences, saved to a
failure file and traced (Go execution trace and Perfetto).

NAME is a program of the explorer's corpus (gmp explore -list: bugs
written after real-world Go concurrency bugs, each with its fix, -fixed),
a built-in scenario (its first simulation, or the one -sim names), or
./pkg, a package main, translated as gmp run does. Tests explore with
gmptest.Explore and go test -gmp.explore=N, or gmp test -gmp.explore N.

Schedules are a pure function of the base seed (-seed), the program, the
strategy and the run's index, so any run can be repeated alone, and
-shard i/N runs the indices ≡ i (mod N): N CI jobs (a GitHub Actions
matrix, a Kubernetes Indexed Job with JOB_COMPLETION_INDEX) together run
exactly what one would. gmp explore -merge -o DIR DIR... merges their
failure files by signature, keeping the shortest schedule of each.

Strategies (-strategy): portfolio (default: a rotation of all of them),
random (jittered costs and durations, preemptions, descheduled threads,
-race's runnext and shuffle perturbations), pct, pct1-pct3 (probabilistic
concurrency testing of depth 1-3), select (GFuzz's select-case priority),
pairs (GoPie's reordering of pairs of operations on one object),
ordinary (the ordinary schedule only). Modes (-mode): faithful (default:
only schedules the real runtime could produce) and abstract (any runnable
goroutine may run next); every report says which.

The exit status is 0 when no failure was found, 1 when some were, 2 on a
usage error.`,
	Flags: flag.NewFlagSet("explore", flag.ContinueOnError),
}

var (
	exRuns     = cmdExplore.Flags.Int64("runs", 10000, "schedules to explore")
	exParallel = cmdExplore.Flags.Int("parallel", 1, "worker processes")
	exStrategy = cmdExplore.Flags.String("strategy", "portfolio", "strategy: "+strings.Join(explore.StrategyNames, ", "))
	exMode     = cmdExplore.Flags.String("mode", "faithful", "faithful or abstract")
	exSeed     = cmdExplore.Flags.Uint64("seed", 1, "base seed")
	exShard    = cmdExplore.Flags.String("shard", "", "run shard `i/N` of the schedules")
	exProcs    = cmdExplore.Flags.Int("procs", 0, "GOMAXPROCS (default: the program's, else 4)")
	exDir      = cmdExplore.Flags.String("dir", "", "failure files go to `DIR`/<program>/ (default testdata/gmp)")
	exFixed    = cmdExplore.Flags.Bool("fixed", false, "explore the corpus program's fixed version")
	exSim      = cmdExplore.Flags.String("sim", "", "the scenario's simulation to explore (its label; default the first)")
	exReplay   = cmdExplore.Flags.String("replay", "", "replay a failure `FILE` instead of exploring")
	exShrink   = cmdExplore.Flags.Duration("shrinktime", 10*time.Second, "bound the shrinking of each failure")
	exList     = cmdExplore.Flags.Bool("list", false, "list the corpus programs")
	exMerge    = cmdExplore.Flags.Bool("merge", false, "merge the failure files of the directories given into -o")
	exOut      = cmdExplore.Flags.String("o", "", "the merged directory (-merge)")
)

func init() { cmdExplore.Run = runExplore }

func runExplore(cmd *command, args []string, stdout, stderr io.Writer) error {
	usage := func(format string, a ...any) error {
		fmt.Fprintf(stderr, "gmp explore: "+format+"\n", a...)
		return errUsage
	}
	switch {
	case *exList:
		for _, b := range corpus.All() {
			fmt.Fprintf(stdout, "%-28s %-12s %s\n", b.Name, b.Want, b.Pattern)
		}
		return nil
	case *exMerge:
		if *exOut == "" || len(args) == 0 {
			return usage("-merge needs -o DIR and the directories to merge")
		}
		return mergeFailures(stdout, *exOut, args)
	}
	if len(args) != 1 {
		return usage("want one program: a corpus program (gmp explore -list), a scenario (gmp list) or ./pkg")
	}
	name := args[0]
	if _, err := explore.NewStrategy(*exStrategy); err != nil {
		return usage("-strategy: %v", err)
	}
	if *exMode != "faithful" && *exMode != "abstract" {
		return usage("-mode %q: want faithful or abstract", *exMode)
	}
	shard, err := explore.ParseShard(*exShard)
	if err != nil {
		return usage("-shard: %v", err)
	}
	if *exRuns < 1 || *exParallel < 1 || *exProcs < 0 {
		return usage("-runs and -parallel must be at least 1, -procs at least 0")
	}
	var replay *explore.Schedule
	if *exReplay != "" {
		if replay, err = explore.ReadSchedule(*exReplay); err != nil {
			return usage("%v", err)
		}
	}
	if isPackageArg(name) {
		return explorePackage(name, stdout, stderr)
	}
	target, cfg, err := exploreTarget(name)
	if err != nil {
		return usage("%v", err)
	}
	if *exProcs > 0 {
		cfg.Procs = *exProcs
	}
	dir := *exDir
	if dir == "" {
		dir = filepath.Join("testdata", "gmp")
	}
	test := name
	if *exFixed {
		test += "/fixed"
	}
	o := explore.Options{
		Test: test, Runs: *exRuns, Strategy: *exStrategy, Abstract: *exMode == "abstract", Seed: *exSeed,
		Shard: shard, Parallel: *exParallel, Config: cfg, Dir: filepath.Join(dir, filepath.FromSlash(test)),
		OutDir: filepath.Join(os.TempDir(), "gmp-explore", strings.ReplaceAll(test, "/", "_")), ShrinkTime: *exShrink,
		Replay: "gmp explore " + name + " -replay %s",
	}
	if explore.IsWorker() {
		if explore.WorkerFor(test) {
			if o, err = explore.WorkerOptions(o); err == nil {
				err = explore.Serve(target, o)
			}
		}
		return err
	}
	if replay != nil {
		res := explore.Replay(target, o, replay)
		fmt.Fprint(stdout, res.Format(*exReplay))
		if res.Kind != explore.Pass {
			return &exitError{1}
		}
		return nil
	}
	if self, err := os.Executable(); err == nil {
		o.Worker = &explore.WorkerCommand{Path: self, Args: os.Args[1:]} // with -parallel, and under -race
	} else if o.Parallel > 1 {
		return err
	}
	o.Progress = explore.Terminal()
	rep, err := explore.Explore(target, o)
	if err != nil {
		return err
	}
	if code := rep.Write(stdout, &o); code != 0 {
		return &exitError{code}
	}
	return nil
}

// exploreTarget finds the program called name: a corpus program, or a
// scenario's simulation.
func exploreTarget(name string) (explore.Target, gmp.Config, error) {
	for _, b := range corpus.All() {
		if b.Name == name {
			body := b.Buggy
			if *exFixed {
				body = b.Fixed
			}
			newTarget := link.ExploreTarget.(func(string, gmptest.Options, func(*gmptest.T)) explore.Target)
			return newTarget(name, b.Options, body), gmptest.ExploreConfig(b.Options), nil
		}
	}
	if *exFixed {
		return nil, gmp.Config{}, fmt.Errorf("-fixed: %q is not a corpus program (gmp explore -list)", name)
	}
	s, ok := scenarios.Lookup(name)
	if !ok {
		return nil, gmp.Config{}, fmt.Errorf("unknown program %q: not a corpus program (gmp explore -list) nor a scenario (gmp list); a package needs a path (./cmd/x)", name)
	}
	// Run the scenario once, capturing its simulations instead of
	// reporting them.
	type sim struct {
		label string
		cfg   gmp.Config
		main  func()
	}
	var sims []sim
	r := &scenarios.Runner{Config: gmp.Config{Procs: *exProcs, Seed: 1}, ProcsSet: *exProcs > 0, Out: io.Discard, Diag: io.Discard,
		Intercept: func(label string, cfg gmp.Config, main func()) (*gmp.Result, error) {
			sims = append(sims, sim{label, cfg, main})
			return gmp.Run(cfg, main)
		}}
	if err := s.Run(r); err != nil && len(sims) == 0 {
		return nil, gmp.Config{}, fmt.Errorf("scenario %s: %v", name, err)
	}
	var labels []string
	for _, sm := range sims {
		labels = append(labels, sm.label)
		if *exSim == "" || sm.label == *exSim {
			cfg := gmptest.ExploreConfig(gmptest.Options{Config: &sm.cfg})
			main := sm.main
			return explore.TargetFunc(func(cfg gmp.Config) explore.Outcome {
				res, err := gmp.Run(cfg, main)
				return explore.Outcome{Err: err, Result: res}
			}), cfg, nil
		}
	}
	return nil, gmp.Config{}, fmt.Errorf("scenario %s has no simulation %q (it has %s)", name, *exSim, strings.Join(labels, ", "))
}

// explorePackage explores a package main: translated and built as gmp run
// builds it; the binary explores itself (gmptest.Main), its worker
// processes are copies of it.
func explorePackage(pkg string, stdout, stderr io.Writer) error {
	if *exFixed || *exSim != "" {
		fmt.Fprintf(stderr, "gmp explore: -fixed and -sim are for corpus programs and scenarios, not packages\n")
		return errUsage
	}
	exe, cleanup, err := buildMain(pkg, stdout, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	dir := *exDir
	if dir == "" {
		dir = filepath.Join(pkg, "testdata", "gmp")
	}
	abs, _ := filepath.Abs(dir)
	env := []string{fmt.Sprintf("explore=%d", *exRuns), fmt.Sprintf("parallel=%d", *exParallel),
		"strategy=" + *exStrategy, "mode=" + *exMode, fmt.Sprintf("seed=%d", *exSeed), "faildir=" + abs}
	if *exShard != "" {
		env = append(env, "shard="+*exShard)
	}
	if *exProcs > 0 {
		env = append(env, fmt.Sprintf("procs=%d", *exProcs))
	}
	if *exReplay != "" {
		p, _ := filepath.Abs(*exReplay)
		env = append(env, "replay="+p)
	}
	return runExe(stdout, stderr, exe, nil, "GMPRUN="+strings.Join(env, ","), "GMPRUN_PKG="+pkg)
}

// mergeFailures merges the failure files under dirs into out, by
// signature: the same relative path (test/hash) is the same failure, and
// the file with fewer deviations wins.
func mergeFailures(stdout io.Writer, out string, dirs []string) error {
	var n int
	for _, d := range dirs {
		err := filepath.WalkDir(d, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || strings.HasPrefix(e.Name(), ".") || filepath.Ext(e.Name()) != "" {
				return err
			}
			sc, err := explore.ReadSchedule(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(d, filepath.Dir(path))
			n++
			_, err = explore.WriteSchedule(filepath.Join(out, rel), sc)
			return err
		})
		if err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), "gmp: "))
		}
	}
	fmt.Fprintf(stdout, "gmp explore: merged %d failure file(s) from %d director(ies) into %s\n", n, len(dirs), out)
	return nil
}
