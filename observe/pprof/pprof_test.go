package pprof_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/gotool"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/internal/testprog"
	"github.com/gmplab/gmp/observe/pprof"
	"github.com/gmplab/gmp/scenarios"
)

// want lists, per program and profile, functions of package testprog the
// profile must show; the first is among its top entries.
var want = map[string]map[pprof.Kind][]string{
	"mixed": {
		pprof.CPU:          {"cruncher", "locker", "pingPong"},
		pprof.Block:        {"Mixed", "pingPong", "locker"},
		pprof.Mutex:        {"locker"},
		pprof.SchedLatency: {"Mixed"},
	},
	"syscalls":   {pprof.CPU: {"syscaller"}, pprof.SchedLatency: {"Syscalls"}},
	"gomaxprocs": {pprof.CPU: {"spinner"}, pprof.Block: {"Gomaxprocs"}},
	"deadlock":   {pprof.Goroutine: {"stuckReceiver", "Deadlock"}, pprof.Block: {"stuckReceiver"}, pprof.CPU: {"stuckReceiver"}},
	"panic":      {pprof.Goroutine: {"panicker"}, pprof.CPU: {"panicker"}},
}

func runProfiles(t *testing.T, p testprog.Program, cfg gmp.Config) (string, *gmp.Result) {
	t.Helper()
	dir := t.TempDir()
	cfg.PprofDir = dir
	res, err := gmp.Run(cfg, p.Main)
	if (err != nil) != (p.End != "exit") {
		t.Fatalf("%s ended with %v", p.Name, err)
	}
	return dir, res
}

func read(t *testing.T, file string) *profile.Profile {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	prof, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if err := prof.CheckValid(); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return prof
}

// total sums the last value of every sample.
func total(p *profile.Profile) (count, value int64) {
	for _, s := range p.Sample {
		count += s.Value[0]
		value += s.Value[len(s.Value)-1]
	}
	return
}

func funcs(p *profile.Profile) map[string]bool {
	m := map[string]bool{}
	for _, f := range p.Function {
		m[f.Name] = true
	}
	return m
}

func TestProfiles(t *testing.T) {
	for _, p := range testprog.All() {
		t.Run(p.Name, func(t *testing.T) {
			dir, res := runProfiles(t, p, gmp.Config{Procs: 4, Seed: 1})
			profs := map[pprof.Kind]*profile.Profile{}
			for _, k := range pprof.Kinds() {
				prof := read(t, filepath.Join(dir, k.File()))
				profs[k] = prof
				fs := funcs(prof)
				for _, fn := range want[p.Name][k] {
					if !fs[testprog.Pkg+"."+fn] {
						t.Errorf("%s: no %s in %v", k.File(), fn, fs)
					}
				}
				for f := range fs {
					if strings.Contains(f, "/internal/rt.") || strings.HasPrefix(f, "iter.") {
						t.Errorf("%s: simulator frame %s", k.File(), f)
					}
				}
				if len(prof.Mapping) != 1 || !prof.Mapping[0].HasFunctions || !prof.Mapping[0].HasLineNumbers {
					t.Errorf("%s: mapping does not say symbols are present: %+v", k.File(), prof.Mapping)
				}
				seen := map[string]bool{}
				for _, s := range prof.Sample {
					if k != pprof.Goroutine && len(s.Label["P"]) != 1 {
						t.Errorf("%s: sample without a P label: %v", k.File(), s.Label)
						break
					}
					if len(s.Label["goroutine"]) > 0 {
						t.Errorf("%s: sample with a goroutine label: %v", k.File(), s.Label)
						break
					}
					// One sample per stack and labels, as Go's profiles.
					key := fmt.Sprint(s.Label)
					for _, l := range s.Location {
						key += fmt.Sprint(" ", l.ID)
					}
					if seen[key] {
						t.Errorf("%s: two samples of one stack and labels: %s", k.File(), key)
						break
					}
					seen[key] = true
				}
			}
			// Totals agree with the run's counters.
			var work int64
			for _, pr := range res.Procs {
				work += int64(pr.Work)
			}
			// (Procs lists the Ps at the end: a program that lowers
			// GOMAXPROCS loses the Work of the others.)
			if _, cpu := total(profs[pprof.CPU]); cpu != work && p.Name != "gomaxprocs" {
				t.Errorf("cpu profile: %d ns, Work total %d ns", cpu, work)
			}
			if _, mu := total(profs[pprof.Mutex]); mu != res.Stats.MutexWaitNS {
				t.Errorf("mutex profile: %d ns, Stats.MutexWaitNS %d", mu, res.Stats.MutexWaitNS)
			}
			if n, _ := total(profs[pprof.SchedLatency]); n != res.Stats.SchedLatencyNS.Count {
				t.Errorf("schedlat profile: %d schedules, Stats: %d", n, res.Stats.SchedLatencyNS.Count)
			}
			if n, _ := total(profs[pprof.Goroutine]); p.End != "exit" && n == 0 {
				t.Errorf("goroutine profile of a %s is empty", p.End)
			}
		})
	}
}

// TestGoToolPprof reads each profile with `go tool pprof -top` and checks
// that the program's own functions are among the top entries. The
// profiles are made one after the other, then read in parallel subtests.
func TestGoToolPprof(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool pprof")
	}
	gotool.Path(t, "pprof") // skip early if there is no tool
	for _, p := range testprog.All() {
		dir, _ := runProfiles(t, p, gmp.Config{Procs: 4, Seed: 1})
		for _, k := range pprof.Kinds() {
			file := filepath.Join(dir, k.File())
			t.Run(p.Name+"/"+k.File(), func(t *testing.T) {
				t.Parallel()
				stdout, stderr, err := gotool.Run(t, "pprof", []string{"PPROF_TMPDIR=" + t.TempDir()}, "-top", "-cum", "-nodecount=12", file)
				if err != nil {
					t.Fatalf("go tool pprof: %v\n%s", err, stderr)
				}
				// The first function listed is where most of the profile is.
				if fns := want[p.Name][k]; len(fns) > 0 && !strings.Contains(stdout, testprog.Pkg+"."+fns[0]) {
					t.Errorf("top entries do not name %s:\n%s", fns[0], stdout)
				}
				if strings.Contains(stderr, "symbol") {
					t.Errorf("pprof tried to symbolize:\n%s", stderr)
				}
			})
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, p := range testprog.All() {
		var dirs [2]string
		for i := range dirs {
			dirs[i], _ = runProfiles(t, p, gmp.Config{Procs: 3, Seed: 5})
		}
		for _, k := range pprof.Kinds() {
			a, _ := os.ReadFile(filepath.Join(dirs[0], k.File()))
			b, _ := os.ReadFile(filepath.Join(dirs[1], k.File()))
			if !bytes.Equal(a, b) {
				t.Errorf("%s %s: same seed, different bytes", p.Name, k.File())
			}
		}
	}
}

func TestLabels(t *testing.T) {
	obs := pprof.New()
	if _, err := gmp.Run(gmp.Config{Procs: 2, Seed: 1, Observers: []observe.Observer{obs}}, testprog.Mixed); err != nil {
		t.Fatal(err)
	}
	prof := obs.Profile(pprof.CPU)
	ps := map[string]bool{}
	for _, s := range prof.Sample {
		ps[s.Label["P"][0]] = true
	}
	if !ps["0"] || !ps["1"] {
		t.Errorf("CPU samples on Ps %v, want both", ps)
	}
}

// TestScenarioProfiles profiles every built-in scenario: each profile is
// valid, and where it has samples its heaviest stack runs through the
// scenario's own code.
func TestScenarioProfiles(t *testing.T) {
	const pkg = "github.com/gmplab/gmp/scenarios."
	for _, sc := range scenarios.All() {
		t.Run(sc.Name, func(t *testing.T) {
			var obs []*pprof.Observer
			r := &scenarios.Runner{Out: io.Discard, Diag: io.Discard}
			r.Prepare = func(label string, c *gmp.Config) {
				o := pprof.New()
				c.Observers = append(append([]observe.Observer(nil), c.Observers...), o)
				obs = append(obs, o)
			}
			if err := sc.Run(r); err != nil {
				t.Fatal(err)
			}
			for i, o := range obs {
				for _, k := range pprof.Kinds() {
					var buf bytes.Buffer
					if err := o.Write(k, &buf); err != nil {
						t.Fatalf("%s %s: %v", r.Runs[i].Label, k.File(), err)
					}
					prof, err := profile.Parse(&buf)
					if err != nil {
						t.Fatalf("%s %s: %v", r.Runs[i].Label, k.File(), err)
					}
					// The heaviest sample of the program's own goroutines:
					// the runtime's (runtime.main included, whose stack is
					// just that) count too, but say nothing of the scenario.
					var heaviest *profile.Sample
					for _, s := range prof.Sample {
						if len(s.Location) == 1 && strings.HasPrefix(s.Location[0].Line[0].Function.Name, "runtime.") {
							continue
						}
						if heaviest == nil || s.Value[len(s.Value)-1] > heaviest.Value[len(heaviest.Value)-1] {
							heaviest = s
						}
					}
					if heaviest == nil || len(heaviest.Location) == 0 {
						continue
					}
					own := false
					for _, loc := range heaviest.Location {
						for _, l := range loc.Line {
							own = own || strings.HasPrefix(l.Function.Name, pkg)
						}
					}
					if !own {
						var fns []string
						for _, loc := range heaviest.Location {
							fns = append(fns, loc.Line[0].Function.Name)
						}
						t.Errorf("%s %s: heaviest stack %q has no scenario function", r.Runs[i].Label, k.File(), fns)
					}
				}
			}
		})
	}
}

// unsubscribed hides an Observer's Kinds: the runtime then sends it every
// event.
type unsubscribed struct{ o *pprof.Observer }

func (u unsubscribed) Event(ev *observe.Event) { u.o.Event(ev) }
func (u unsubscribed) WantStacks() bool        { return true }

// TestSubscription checks that the kinds the Observer subscribes to are
// all it needs: fed the whole stream, it writes the same bytes.
func TestSubscription(t *testing.T) {
	for _, p := range testprog.All() {
		for _, c := range testprog.Configs() {
			var obs [2]*pprof.Observer
			for i := range obs {
				obs[i] = pprof.New()
				cfg := c.Config
				if i == 0 {
					cfg.Observers = []observe.Observer{obs[i]}
				} else {
					cfg.Observers = []observe.Observer{unsubscribed{obs[i]}}
				}
				gmp.Run(cfg, p.Main)
			}
			for _, k := range pprof.Kinds() {
				var a, b bytes.Buffer
				if err := obs[0].Write(k, &a); err != nil {
					t.Fatal(err)
				}
				if err := obs[1].Write(k, &b); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Errorf("%s/%s: %s differs when the Observer gets every event", p.Name, c.Name, k.File())
				}
			}
		}
	}
}
