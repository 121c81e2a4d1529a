package gmptest_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/gmptest/corpus"
	"github.com/gmplab/gmp/internal/explore"
)

// corpusOptions are the explorer's options for a corpus program.
func corpusOptions(t *testing.T, name string, b corpus.Bug, seed uint64, runs int64) explore.Options {
	o := explore.Options{
		Test: "corpus/" + name, Runs: runs, Seed: seed, Config: gmptest.RunConfig(b.Options),
		Dir: t.TempDir(), ShrinkRuns: 400, StopAfter: 1,
	}
	if explore.RaceBuild {
		// Several bugs are data races too: under -race they are explored
		// in worker processes (TestCorpusWorker), as the explorer does
		// whenever it can, so that the detector's reports stay there.
		o.Worker = &explore.WorkerCommand{Path: os.Args[0], Args: []string{"-test.run=^TestCorpusWorker$", "-test.count=1"}}
	}
	return o
}

// TestCorpusWorker is a worker process of a corpus exploration under
// -race (corpusOptions): it serves the program its exploration names.
func TestCorpusWorker(t *testing.T) {
	if !explore.IsWorker() {
		t.Skip("a worker process's entry point")
	}
	for _, b := range corpus.All() {
		for _, fixed := range []bool{false, true} {
			name, body := b.Name, b.Buggy
			if fixed {
				name, body = b.Name+"/fixed", b.Fixed
			}
			if !explore.WorkerFor("corpus/" + name) {
				continue
			}
			o, err := explore.WorkerOptions(explore.Options{Config: gmptest.RunConfig(b.Options)})
			if err == nil {
				err = explore.Serve(gmptest.BodyTarget(b.Name, b.Options, body), o)
			}
			if err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no corpus program of that name")
}

// TestCorpus: the ordinary schedule of every bug of the corpus passes, and
// the default portfolio, in faithful mode, finds every one, as the kind of failure the bug causes; replaying the failure
// file it wrote repeats the failing run exactly (the same checksum and
// signature); and the fixed twin passes 300 schedules (the long runs are
// TestCorpusTable's).
func TestCorpus(t *testing.T) {
	bugs := corpus.All()
	if len(bugs) < 25 {
		t.Errorf("the corpus has %d programs, want at least 25", len(bugs))
	}
	for _, b := range bugs {
		t.Run(b.Name, func(t *testing.T) {
			target := gmptest.BodyTarget(b.Name, b.Options, b.Buggy)
			o := corpusOptions(t, b.Name, b, 1, 1)
			o.Strategy = "ordinary"
			rep, err := explore.Explore(target, o)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Findings {
				if f.Kind == explore.Race {
					continue // a data race is there on every schedule; the failure it causes is not
				}
				t.Errorf("the ordinary schedule fails already (the corpus wants bugs that need a schedule):\n%s", f.Format(rep, &o))
			}
			o = corpusOptions(t, b.Name, b, 1, 20_000)
			rep, err = explore.Explore(target, o)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Nondet != "" {
				t.Fatalf("nondeterministic: %s", rep.Nondet)
			}
			if len(rep.Findings) == 0 {
				t.Fatalf("not found in %d runs", rep.Runs)
			}
			f := rep.Findings[0]
			if f.Kind == explore.Race {
				// Under -race a bug that is also a data race is found as
				// one, at its racing access, before the failure it causes.
				t.Logf("a data race, before the %s: %s", b.Want, f.Signature)
			} else if f.Kind.String() != b.Want {
				t.Errorf("found a %v, want a %s:\n%s", f.Kind, b.Want, f.Format(rep, &o))
			}
			if f.Nondet != "" || f.File == "" {
				t.Fatalf("not replayed:\n%s", f.Format(rep, &o))
			}
			sc, err := explore.ReadSchedule(f.File)
			if err != nil {
				t.Fatal(err)
			}
			if f.Kind != explore.Race { // a race replays in a worker (its settling), not in the test's process
				res := explore.Replay(target, o, sc)
				if res.Sum != sc.Checksum || res.Signature != sc.Signature {
					t.Errorf("replay: checksum %016x, signature %q; the file has %016x, %q", res.Sum, res.Signature, sc.Checksum, sc.Signature)
				}
			}
			t.Logf("run %d by %s; %d decision(s) after shrinking", f.First, f.Strategy, len(sc.Deviations))

			fixed := gmptest.BodyTarget(b.Name, b.Options, b.Fixed)
			o = corpusOptions(t, b.Name+"/fixed", b, 1, 300)
			rep, err = explore.Explore(fixed, o)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Findings {
				t.Errorf("the fixed version fails:\n%s", f.Format(rep, &o))
			}
		})
	}
}

// TestCorpusTable measures, per bug, which strategy finds it first and
// after how many runs (the median over 5 base seeds), and how many
// decisions the shrunk schedule has; and runs each fixed twin under
// GMP_EXPLORE_FIXED schedules (default 10,000; the README's table used
// 100,000). It prints README's table. Opt-in: GMP_EXPLORE_CORPUS=1, which
// .ci/run sets.
func TestCorpusTable(t *testing.T) {
	if os.Getenv("GMP_EXPLORE_CORPUS") == "" {
		t.Skip("GMP_EXPLORE_CORPUS=1 runs it (.ci/run does)")
	}
	fixedRuns := int64(10_000)
	if v := os.Getenv("GMP_EXPLORE_FIXED"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		fixedRuns = n
	}
	var table strings.Builder
	fmt.Fprintf(&table, "| bug | pattern | failure | found first by (seed 1) | runs to first failure (median of 5 seeds) | shrunk decisions | fixed twin |\n|---|---|---|---|---|---|---|\n")
	for _, b := range corpus.All() {
		var runs []int64
		var by string
		var shrunk int
		for seed := uint64(1); seed <= 5; seed++ {
			target := gmptest.BodyTarget(b.Name, b.Options, b.Buggy)
			o := corpusOptions(t, b.Name, b, seed, 100_000)
			o.ShrinkRuns = 2000
			rep, err := explore.Explore(target, o)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) == 0 {
				t.Errorf("%s: not found in %d runs (seed %d)", b.Name, rep.Runs, seed)
				runs = append(runs, -1)
				continue
			}
			f := rep.Findings[0]
			runs = append(runs, f.First+1)
			if seed == 1 {
				by = f.Strategy
				if i := strings.Index(by, " ("); i > 0 {
					by = by[:i]
				}
				if f.Schedule != nil {
					shrunk = len(f.Schedule.Deviations)
				}
			}
		}
		slices.Sort(runs)
		start := time.Now()
		fixed := gmptest.BodyTarget(b.Name, b.Options, b.Fixed)
		o := corpusOptions(t, b.Name+"/fixed", b, 1, fixedRuns)
		o.StopAfter = 0
		rep, err := explore.Explore(fixed, o)
		if err != nil {
			t.Fatal(err)
		}
		verdict := fmt.Sprintf("clean, %d runs", rep.Runs)
		for _, f := range rep.Findings {
			t.Errorf("%s: the fixed version fails:\n%s", b.Name, f.Format(rep, &o))
			verdict = "FAILS"
		}
		t.Logf("%s: fixed twin: %d runs in %v", b.Name, rep.Runs, time.Since(start).Round(time.Millisecond))
		fmt.Fprintf(&table, "| `%s` | %s | %s | %s | %d | %d | %s |\n", b.Name, b.Pattern, b.Want, by, runs[2], shrunk, verdict)
	}
	t.Logf("\n%s", table.String())
	if p := os.Getenv("GMP_EXPLORE_TABLE"); p != "" {
		os.WriteFile(p, []byte(table.String()), 0o666)
	}
}
