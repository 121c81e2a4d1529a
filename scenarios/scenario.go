// Package scenarios holds gmp's built-in scenarios: runnable programs, each
// tied to a section of the seed article (../shared/seed), that show one
// mechanism of the Go runtime at work and report what was measured beside
// what the article claims.
//
// A scenario registers itself with Register in an init function; the gmp
// command lists and runs them.
package scenarios

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gmplab/gmp"
)

// Scenario is one built-in program.
type Scenario struct {
	Name    string // as given to `gmp run`
	Section string // seed article section, e.g. "§2.2"
	Summary string // one line for `gmp list`
	Doc     string // what it shows and how to read the report
	// Procs is the scenario's default GOMAXPROCS (0: gmp's default);
	// --procs overrides it.
	Procs int
	// Runs are the labels of the simulations it runs, in order, whatever
	// the configuration: the command derives every run's output files
	// from them before anything runs, to refuse names that collide.
	Runs []string
	// Run runs the scenario's simulations through r and writes the
	// report to r.Out.
	Run func(r *Runner) error
}

var registry = map[string]*Scenario{}

// Register adds s to the registry. It panics on a duplicate name.
func Register(s *Scenario) {
	if _, dup := registry[s.Name]; dup {
		panic("scenarios: duplicate scenario " + s.Name)
	}
	registry[s.Name] = s
}

// Lookup returns the scenario called name.
func Lookup(name string) (*Scenario, bool) {
	s, ok := registry[name]
	return s, ok
}

// All returns every scenario, in section order then by name.
func All() []*Scenario {
	var out []*Scenario
	for _, s := range registry {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Section != out[j].Section {
			return sectionLess(out[i].Section, out[j].Section)
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// sectionLess orders "§1" < "§2.1" < "§2.10" < "§3" numerically.
func sectionLess(a, b string) bool {
	pa := strings.Split(strings.TrimPrefix(a, "§"), ".")
	pb := strings.Split(strings.TrimPrefix(b, "§"), ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		var x, y int
		fmt.Sscan(pa[i], &x)
		fmt.Sscan(pb[i], &y)
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

// Runner runs a scenario's simulations with the configuration the user
// asked for, and collects their results.
type Runner struct {
	// Config is the base configuration (from the command line); each
	// simulation starts from a copy.
	Config gmp.Config
	// ProcsSet reports whether the user chose Procs explicitly.
	ProcsSet bool
	// Out receives the report, which is deterministic: the same
	// configuration and seed print the same bytes.
	Out io.Writer
	// Diag receives host-dependent diagnostics (wall time, memory).
	Diag io.Writer
	// Runs are the simulations run so far, in order.
	Runs []Run
	// Check, if set, is called before each simulation; if it returns an
	// error, the simulation does not run and Sim returns the error (the
	// command stops this way after SIGINT). len(Runs) is the number of
	// runs before this one.
	Check func(label string) error
	// Prepare, if set, makes the last change to each simulation's
	// configuration (the command line uses it to give each run its own
	// output files). len(Runs) is the number of runs before this one.
	Prepare func(label string, cfg *gmp.Config)
	// Finished, if set, is called after each simulation, with its record.
	Finished func(run Run)
	// Intercept, if set, runs each simulation in place of gmp.Run: gmp
	// explore captures a scenario's programs this way.
	Intercept func(label string, cfg gmp.Config, main func()) (*gmp.Result, error)
}

// Run is one simulation of a scenario.
type Run struct {
	Label  string      // the name Sim was given
	Config gmp.Config  // the configuration it ran with
	Result *gmp.Result // what gmp.Run returned
	Err    error       // the error gmp.Run returned
}

// Sim runs main with the base configuration modified by adjust (which
// may be nil) and records the result under label.
func (r *Runner) Sim(label string, adjust func(*gmp.Config), main func()) (*gmp.Result, error) {
	cfg := r.Config
	if adjust != nil {
		adjust(&cfg)
	}
	if r.Check != nil {
		if err := r.Check(label); err != nil {
			return nil, err
		}
	}
	if r.Prepare != nil {
		r.Prepare(label, &cfg)
	}
	run := gmp.Run
	if r.Intercept != nil {
		run = func(cfg gmp.Config, main func()) (*gmp.Result, error) { return r.Intercept(label, cfg, main) }
	}
	res, err := run(cfg, main)
	rec := Run{Label: label, Config: cfg, Result: res, Err: err}
	r.Runs = append(r.Runs, rec)
	if r.Finished != nil {
		r.Finished(rec)
	}
	return res, err
}

// procs returns the GOMAXPROCS the runner's simulations use: 1 on the
// wasm preset, else the user's choice, else def.
func (r *Runner) procs(def int) int {
	if r.wasm() {
		return 1
	}
	if r.Config.Procs > 0 {
		return r.Config.Procs
	}
	return def
}

// wasm reports whether the runs use the wasm preset: one P, one thread,
// no sysmon — so no preemption, no retake and no runnext.
func (r *Runner) wasm() bool { return r.Config.Preset == "wasm" }

// overridden notes, when the user changed a setting the scenario sets
// itself for each run, that the setting had no effect.
func (r *Runner) overridden(changed bool, flag, why string) {
	if changed {
		r.Printf("  (%s has no effect here: %s)\n", flag, why)
	}
}

// Printf writes to the report.
func (r *Runner) Printf(format string, args ...any) {
	fmt.Fprintf(r.Out, format, args...)
}
