package explore_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/explore"
	"github.com/gmplab/gmp/sync"
)

// The four programs of explorer.md, on which 1,000 seeds gave one
// interleaving each.
var fourPrograms = []struct {
	name  string
	procs int
	main  func()
}{
	{"gosched", 4, func() { // 4 goroutines × 3 Gosched
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			gmp.Go(func() {
				defer wg.Done()
				for range 3 {
					gmp.Gosched()
				}
			})
		}
		wg.Wait()
	}},
	{"select", 4, func() { // 2 senders racing into a 2-case select
		a, b := gmp.MakeChan[int](0), gmp.MakeChan[int](0)
		gmp.Go(func() { a.Send(1) })
		gmp.Go(func() { b.Send(2) })
		for range 2 {
			gmp.Select(a.RecvCase(), b.RecvCase())
		}
	}},
	{"mutex", 2, func() { // a mutex-protected counter, 3 goroutines × 2 increments
		var mu sync.Mutex
		var wg sync.WaitGroup
		n := 0
		for range 3 {
			wg.Add(1)
			gmp.Go(func() {
				defer wg.Done()
				for range 2 {
					mu.Lock()
					n++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	}},
	{"work", 4, func() { // 4 goroutines × 3 × Work(20µs)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			gmp.Go(func() {
				defer wg.Done()
				for range 3 {
					gmp.Work(20 * stdtime.Microsecond)
				}
			})
		}
		wg.Wait()
	}},
}

// TestInterleavingsGrow: on each of the four programs, the ordinary
// schedule is one interleaving however often it runs, while the explorer
// finds more interleavings the more runs it makes.
func TestInterleavingsGrow(t *testing.T) {
	for _, p := range fourPrograms {
		count := func(strategy string, runs int64) int {
			cfg := baseConfig()
			cfg.Procs = p.procs
			rep, err := explore.Explore(mainTarget(p.main), explore.Options{Test: p.name, Runs: runs, Seed: 1,
				Strategy: strategy, Config: cfg, Interleavings: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) > 0 {
				t.Fatalf("%s: %s", p.name, rep.Findings[0].Signature)
			}
			return rep.Interleavings
		}
		ordinary := count("ordinary", 100)
		n100, n1000 := count("", 100), count("", 1000)
		t.Logf("%s: ordinary ×100: %d interleaving(s); portfolio: %d in 100 runs, %d in 1,000", p.name, ordinary, n100, n1000)
		if ordinary != 1 || n100 < 5 || n1000 <= n100 {
			t.Errorf("%s: ordinary %d, 100 runs %d, 1,000 runs %d: want 1, ≥ 5, more", p.name, ordinary, n100, n1000)
		}
	}
}

// TestNondeterminism: a program whose runs depend on the wall clock or on
// Go's map order is reported as nondeterministic, with the likely causes
// — not explored, and not reported as flaky failures.
func TestNondeterminism(t *testing.T) {
	wall := func() {
		gmp.Work(stdtime.Duration(stdtime.Now().UnixNano()%1000 + 1)) // the host's clock
		tiny()
	}
	m := map[int]int{}
	for i := range 256 {
		m[i] = i
	}
	mapOrder := func() {
		for k := range m { // Go's randomised map order
			gmp.Work(stdtime.Duration(k+1) * stdtime.Microsecond)
			break
		}
		tiny()
	}
	for name, main := range map[string]func(){"wall clock": wall, "map order": mapOrder} {
		rep, err := explore.Explore(mainTarget(main), explore.Options{Test: name, Runs: 100, Seed: 1, Config: baseConfig()})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Nondet == "" || !strings.Contains(rep.Nondet, "map") || !strings.Contains(rep.Nondet, "wall clock") {
			t.Errorf("%s: nondeterminism %q", name, rep.Nondet)
		}
		if rep.Runs != 0 || len(rep.Findings) != 0 {
			t.Errorf("%s: explored anyway: %d runs, %d findings", name, rep.Runs, len(rep.Findings))
		}
		t.Logf("%s: %s", name, rep.Nondet)
	}
	rep, _ := explore.Explore(mainTarget(tiny), explore.Options{Test: "tiny", Runs: 10, Seed: 1, Config: baseConfig()})
	if rep.Nondet != "" {
		t.Errorf("tiny: %s", rep.Nondet)
	}
}

// TestStateAcrossRuns: a program that keeps state in a package variable
// fails only in some runs because of earlier runs; its failure does not
// replay, and the report says why.
func TestStateAcrossRuns(t *testing.T) {
	calls := 0
	leaky := func() {
		calls++
		tiny()
		if calls == 20 {
			panic("the 20th call")
		}
	}
	rep, err := explore.Explore(mainTarget(leaky), explore.Options{Test: "leaky", Runs: 50, Seed: 1, Config: baseConfig(), ShrinkRuns: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Nondet == "" || !strings.Contains(rep.Findings[0].Nondet, "no schedule decides") {
		t.Fatalf("findings %+v", rep.Findings)
	}
	t.Log(rep.Findings[0].Nondet)
}

// TestBadInput: what a user can get wrong gets a one-line error that says
// what to do.
func TestBadInput(t *testing.T) {
	if _, err := explore.NewStrategy("dfs"); err == nil || !strings.Contains(err.Error(), "want one of portfolio, random") {
		t.Errorf("unknown strategy: %v", err)
	}
	for _, s := range []string{"3/2", "-1/4", "1/0", "x", "1/2/3", "2"} {
		if _, err := explore.ParseShard(s); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("shard %q: %v", s, err)
		}
	}
	if sh, err := explore.ParseShard("1/4"); err != nil || sh != (explore.Shard{I: 1, N: 4}) {
		t.Errorf("1/4: %v %v", sh, err)
	}
	good := failureFile(t)
	cases := []struct{ name, text, want string }{
		{"empty", "", "empty file"},
		{"not ours", "go test fuzz v1\n", "not a gmp failure file"},
		{"newer format", strings.Replace(good, "gmp explore v1", "gmp explore v2", 1), "another gmp version"},
		{"other funnel", strings.Replace(good, "funnel="+explore.Funnel(), "funnel=00000000", 1), "delete it and re-run"},
		{"other version", strings.Replace(good, "gmp: devel", "gmp: v0.1.0", 1), "delete it and re-run"},
		{"truncated", good[:strings.Index(good, "config:")], "truncated"},
		{"bad deviation", good + "d 9999 preempt api g=x\n", "malformed deviation"},
		{"bad kind", good + "d 9999 teleport api v=1\n", "unknown decision kind"},
		{"out of range", good + "d 9999 preempt api N=2 v=5\n", "outside"},
		{"garbage", good + "hello\n", "malformed line"},
	}
	for _, c := range cases {
		_, err := explore.ParseSchedule("f", c.text)
		var fe *explore.FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want a one-line error with %q", c.name, err, c.want)
		}
	}
}

// failureFile explores racy and returns the text of a failure file.
func failureFile(t *testing.T) string {
	dir := t.TempDir()
	rep, err := explore.Explore(mainTarget(racy), explore.Options{Test: "racy", Runs: 200, Seed: 3, Config: baseConfig(), Dir: dir, ShrinkRuns: 50, StopAfter: 1})
	if err != nil || len(rep.Findings) == 0 || rep.Findings[0].File == "" {
		t.Fatalf("no failure file: %v %+v", err, rep)
	}
	data, err := os.ReadFile(rep.Findings[0].File)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestFailureFile: a failure file parses back to what was written, its
// replay repeats the run, and the same failure found again keeps the file
// with fewer deviations.
func TestFailureFile(t *testing.T) {
	text := failureFile(t)
	sc, err := explore.ParseSchedule("f", text)
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.Format(); got != text {
		t.Errorf("written:\n%s\nparsed and formatted again:\n%s", text, got)
	}
	res := explore.Replay(mainTarget(racy), explore.Options{Test: "racy", Config: baseConfig()}, sc)
	if res.Sum != sc.Checksum || res.Signature != sc.Signature || res.Diverged != "" {
		t.Errorf("replay: %016x %q %q; file: %016x %q", res.Sum, res.Signature, res.Diverged, sc.Checksum, sc.Signature)
	}
	// Replayed against a changed program, the schedule diverges, and the
	// report says so instead of claiming the recorded run.
	changed := func() { gmp.Gosched(); racy() }
	res = explore.Replay(mainTarget(changed), explore.Options{Test: "racy", Config: baseConfig()}, sc)
	if res.Diverged == "" || !strings.Contains(res.Format("f"), "the code changed") {
		t.Errorf("replay of a changed program: %s", res.Format("f"))
	}
	dir := t.TempDir()
	bigger := *sc
	bigger.Deviations = append(bigger.Deviations, explore.Deviation{Index: 1 << 40, Kind: sc.Deviations[0].Kind, Value: 1})
	p1, err := explore.WriteSchedule(dir, &bigger)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := explore.WriteSchedule(dir, sc)
	kept, _ := explore.ReadSchedule(p2)
	if p1 != p2 || filepath.Base(p1) == "" || len(kept.Deviations) != len(sc.Deviations) {
		t.Errorf("merge kept %d deviations (paths %s %s)", len(kept.Deviations), p1, p2)
	}
}

// TestAbstract: abstract mode asks which runnable goroutine runs next,
// finds the failure too, says so in its report and failure file, and its
// failure replays exactly.
func TestAbstract(t *testing.T) {
	dir := t.TempDir()
	o := explore.Options{Test: "racy", Runs: 300, Seed: 2, Abstract: true, Config: baseConfig(), Dir: dir, ShrinkRuns: 100}
	rep, err := explore.Explore(mainTarget(racy), o)
	if err != nil || len(rep.Findings) == 0 {
		t.Fatalf("abstract: %v, %d findings", err, len(rep.Findings))
	}
	f := rep.Findings[0]
	if !strings.Contains(f.Format(rep, &o), "(abstract mode)") || f.Schedule == nil || f.Schedule.Mode() != "abstract" {
		t.Errorf("report:\n%s", f.Format(rep, &o))
	}
	sc, err := explore.ReadSchedule(f.File)
	if err != nil {
		t.Fatal(err)
	}
	if res := explore.Replay(mainTarget(racy), explore.Options{Test: "racy", Config: baseConfig()}, sc); res.Sum != sc.Checksum {
		t.Errorf("replay: %s", res.Format(f.File))
	}
	abstractPicks := 0
	for _, f := range rep.Findings {
		for _, s := range f.Sentences {
			if strings.Contains(s, "abstract mode") {
				abstractPicks++
			}
		}
	}
	t.Logf("%s; %d abstract picks in the shrunk schedules", rep.Summary(), abstractPicks)
}
