package racesuite

import (
	"bufio"
	"fmt"
	"os"

	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/explore"
	"github.com/gmplab/gmp/internal/racereport"
	"github.com/gmplab/gmp/internal/rt"
)

// Each program is explored (internal/explore) under -race: the explorer
// runs its simulations in worker processes — this test binary again, with
// the exploration's name in its environment, serving in TestMain — and
// reports a data race as a failure with the detector's report.

func TestMain(m *testing.M) {
	if explore.IsWorker() {
		os.Exit(serve())
	}
	os.Exit(m.Run())
}

// serve is a worker: it runs the program its exploration names
// ("case/racy", "case/fixed" or "tworaces").
func serve() int {
	programs := map[string]func(){"tworaces": twoRaces}
	for _, c := range Cases {
		programs[c.Name+"/racy"], programs[c.Name+"/fixed"] = c.Racy, c.Fixed
	}
	for name, prog := range programs {
		if !explore.WorkerFor(name) {
			continue
		}
		o, err := explore.WorkerOptions(options(name, 0, "", ""))
		if err == nil {
			err = explore.Serve(run(prog), o)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "racesuite:", err)
			return 2
		}
		return 0
	}
	fmt.Fprintln(os.Stderr, "racesuite: no such program")
	return 2
}

// run is prog as the explorer's target.
func run(prog func()) explore.Target {
	return explore.TargetFunc(func(cfg gmp.Config) explore.Outcome {
		res, err := gmp.Run(cfg, prog)
		return explore.Outcome{Err: err, Result: res}
	})
}

// target runs variant v ("racy" or "fixed") of c.
func target(c Case, v string) explore.Target {
	if v == "racy" {
		return run(c.Racy)
	}
	return run(c.Fixed)
}

// options explores name for runs schedules on 2 Ps.
func options(name string, runs int64, dir, out string) explore.Options {
	return explore.Options{
		Test: name, Runs: runs, Seed: 1, Config: gmp.Config{Procs: 2, MaxTime: time.Second},
		Dir: dir, OutDir: out, ShrinkTime: 5 * time.Second, StopAfter: 1,
		Worker: &explore.WorkerCommand{Path: os.Args[0], Args: []string{"-test.run=^$"}},
	}
}

// raceLines are the lines of cases.go marked "// race".
func raceLines(t *testing.T) (file string, lines map[int]bool) {
	_, self, _, _ := runtime.Caller(0)
	file = filepath.Join(filepath.Dir(self), "cases.go")
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines = map[int]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), "// race") {
			lines[n] = true
		}
	}
	return file, lines
}

// internalFile reports whether a frame is in one of the simulator's own
// files (the runtime layer, not the public API a program calls).
func internalFile(f racereport.Frame) bool {
	return strings.Contains(f.File, "/internal/rt/") || strings.HasSuffix(f.Func, "CoroutineEntry")
}

// atomicOnly reports whether a is an atomic access whose stack holds
// only sync/atomic frames.
func atomicOnly(a racereport.Access) bool {
	if len(a.Stack) == 0 {
		return false
	}
	for _, f := range a.Stack {
		if !strings.HasPrefix(f.Func, "sync/atomic.") {
			return false
		}
	}
	return true
}

// TestRaceSuite checks, under -race, that the explorer finds a data race
// in each racy program with both accesses on lines marked "// race" in
// the program's own code, that no stack of a report runs through the
// simulator's internal files, and that no corrected twin has a race.
func TestRaceSuite(t *testing.T) {
	if !rt.RaceEnabled {
		t.Skip("the race suite needs a -race build: go test -race ./internal/racesuite")
	}
	file, marked := raceLines(t)
	for _, c := range Cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			rep, err := explore.Explore(target(c, "racy"), options(c.Name+"/racy", 300, t.TempDir(), t.TempDir()))
			if err != nil {
				t.Fatal(err)
			}
			var race *explore.Finding
			for _, f := range rep.Findings {
				if f.Kind == explore.Race {
					race = f
				}
			}
			if race == nil {
				t.Fatalf("racy program: no race found in %d runs (%d findings)", rep.Runs, len(rep.Findings))
			}
			reports := racereport.Parse(race.Detail)
			if len(reports) == 0 {
				t.Fatalf("the finding holds no race report:\n%s", race.Detail)
			}
			r := reports[0]
			for _, a := range []racereport.Access{r.Current, r.Previous} {
				site := racereport.Site(a.Stack)
				if atomicOnly(a) {
					// Go's detector reports an atomic access with the
					// sync/atomic frames alone, natively too.
					continue
				}
				if site.File != file || !marked[site.Line] {
					t.Errorf("access at %v, want a line of cases.go marked // race\n%s", site, r.Text)
				}
				for _, st := range [][]racereport.Frame{a.Stack, a.Created} {
					for _, f := range st {
						if internalFile(f) {
							t.Errorf("report names the simulator's own frame %v\n%s", f, r.Text)
						}
					}
				}
			}
			if c.Explore {
				o := options(c.Name+"/racy", 1, t.TempDir(), t.TempDir())
				o.Strategy = "ordinary"
				if rep, err := explore.Explore(target(c, "racy"), o); err != nil || len(rep.Findings) > 0 {
					t.Errorf("the ordinary schedule finds the race that should need exploring (%v)", err)
				}
			}
			// The twin, in both modes: abstract mode takes the
			// simulator through schedules faithful mode never makes, where
			// its own state must stay invisible to the detector too.
			for _, abstract := range []bool{false, true} {
				o := options(c.Name+"/fixed", 100, t.TempDir(), t.TempDir())
				o.Abstract = abstract
				rep, err = explore.Explore(target(c, "fixed"), o)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range rep.Findings {
					t.Errorf("fixed program (abstract %v): %s in %d of %d runs\n%s", abstract, f.Signature, f.Count, rep.Runs, f.Detail)
				}
			}
		})
	}
}

// TestDistinctRaces: two races reached on different schedules are two
// findings, each with its own pair of lines as its signature.
func TestDistinctRaces(t *testing.T) {
	if !rt.RaceEnabled {
		t.Skip("needs a -race build: go test -race ./internal/racesuite")
	}
	o := options("tworaces", 200, t.TempDir(), t.TempDir())
	o.StopAfter = 0
	rep, err := explore.Explore(run(twoRaces), o)
	if err != nil {
		t.Fatal(err)
	}
	file, _ := raceLines(t)
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	var sigs []string
	for _, f := range rep.Findings {
		if f.Kind != explore.Race {
			t.Errorf("unexpected finding %s", f.Signature)
			continue
		}
		sigs = append(sigs, f.Signature)
		r := racereport.Parse(f.Detail)
		if len(r) == 0 {
			t.Fatalf("no report in %s", f.Detail)
		}
		// Both accesses on lines marked for the same variable.
		var marks []string
		for _, a := range []racereport.Access{r[0].Current, r[0].Previous} {
			s := racereport.Site(a.Stack)
			_, mark, _ := strings.Cut(lines[s.Line-1], "// race ")
			marks = append(marks, mark)
		}
		if marks[0] == "" || marks[0] != marks[1] {
			t.Errorf("%s: accesses marked %q", f.Signature, marks)
		}
	}
	if len(sigs) != 2 || sigs[0] == sigs[1] {
		t.Errorf("want the two races as two findings, got %q", sigs)
	}
}
