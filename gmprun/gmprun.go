// Package gmprun is the entry of a command that gmp run translated: the
// translation makes Main the first statement of the command's func main.
// It is not meant to be called by hand.
//
// Main runs func main as goroutine 1 of one simulation, as gmptest.Main
// does (configured by the GMPRUN environment variable), and gives that
// simulation what gmp run asks for beyond GMPRUN's settings: every knob of
// a sweep (procs, version, preempt, preset, steal-cap, cost overrides),
// --stats, the timeline of --html, and, in a sweep's worker process, the
// worker's answer — the figures of the run — as the last line of standard
// output, the program's own standard output being discarded there.
package gmprun

import (
	"fmt"
	"os"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/internal/link"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/internal/sweep"
)

// label names the program's one simulation in figures and timelines.
const label = "main"

// Main runs main (the command's func main, which calls Main first) in a
// simulation and exits the process with the program's status; called from
// inside the simulation, it returns false so that main's body runs.
//
//go:norace
func Main(main func()) bool {
	if rt.InRun() {
		return false
	}
	if err := install(); err != nil {
		fmt.Fprintf(os.Stderr, "gmp: %v\n", err)
		os.Exit(2)
	}
	return gmptest.Main(main)
}

// install sets the hook through which gmp.Run gives the simulation gmp
// run's settings and reports its outcome, if gmp run asked for anything
// beyond GMPRUN.
//
//go:norace
func install() error {
	knobs, err := sweep.DecodeKnobs(os.Getenv(sweep.EnvKnobs))
	if err != nil {
		return err
	}
	stats, worker, timeline := os.Getenv(sweep.EnvStats), sweep.IsWorker(), sweep.TimelineFile()
	if len(knobs) == 0 && stats == "" && !worker && timeline == "" {
		return nil
	}
	// A worker's standard output carries its answer: what the program
	// prints there goes nowhere.
	answer := os.Stdout
	if worker {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		os.Stdout = null
	}
	rec := sweep.NewRecorder(timeline)
	link.RunHook = func(c any) func(any, error) {
		link.RunHook = nil // the program's one simulation
		cfg := c.(*gmp.Config)
		for _, s := range knobs {
			sweep.ApplyKnob(cfg, s.Flag, s.Value)
		}
		if worker || timeline != "" {
			cfg.Observers = append(cfg.Observers, rec.Observers(label)...)
		}
		return func(r any, err error) {
			res, _ := r.(*gmp.Result)
			if err := finish(rec, res, err, stats, worker, answer); err != nil {
				fmt.Fprintf(os.Stderr, "gmp: %v\n", err)
				os.Exit(2)
			}
		}
	}
	return nil
}

// finish writes what gmp run asked for once the simulation is over.
//
//go:norace
func finish(rec *sweep.Recorder, res *gmp.Result, err error, stats string, worker bool, answer *os.File) error {
	ran := []sweep.Ran{{Label: label, Result: res, Err: err}}
	out, ferr := rec.Finish(ran) // the timeline, if asked for
	if ferr != nil {
		return ferr
	}
	if stats != "" && res != nil {
		f, err := os.Create(stats)
		if err != nil {
			return err
		}
		err = sweep.WriteStats(f, "program", os.Getenv(sweep.EnvPkg), res.Seed, ran, false)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("--stats: %v", err)
		}
	}
	if worker {
		// After whatever the program wrote on the real standard output
		// (before Main, say), on a line of its own.
		fmt.Fprintln(answer)
		return sweep.WriteWorkerOutput(answer, out)
	}
	return nil
}
