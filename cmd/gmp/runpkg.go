package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/gmpdebug"
	"github.com/gmplab/gmp/internal/sweep"
	"github.com/gmplab/gmp/internal/translate"
	"github.com/gmplab/gmp/observe/html"
)

// isPackageArg reports whether the argument of gmp run names a package
// (./cmd/x, an import path) rather than a built-in scenario.
func isPackageArg(s string) bool {
	return strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.Contains(s, "/")
}

// runPackage is gmp run ./pkg [args…]: the package main, translated, built
// and run with its main as goroutine 1 of a simulation configured by the
// run flags, its output and exit status the program's. With a knob or the
// seed swept (or --csv, --json) it is a sweep, as for a scenario: the
// package is translated and built once, and the binary runs once per
// configuration and seed in worker processes (runSweep).
func runPackage(cmd *command, args []string, stdout, stderr io.Writer) error {
	pkg, progArgs := args[0], args[1:]
	set, seeds, knobs, swept, err := runSettings(cmd)
	if err != nil {
		return err
	}
	var fixed sweep.Point // the knobs given one value
	for _, k := range knobs {
		if len(k.Values) == 1 {
			fixed = append(fixed, sweep.Setting{Flag: k.Flag, Value: k.Values[0]})
		}
	}
	if isSweep(swept, seeds) {
		return runSweep(cmd, packageSweep(pkg, progArgs, fixed, stderr), swept, seeds, set, stdout, stderr)
	}
	for _, f := range []string{"perfetto", "pprof"} {
		if set[f] {
			return fmt.Errorf("--%s is for scenarios; a package run writes --trace, --stats and --html", f)
		}
	}
	if *runStats == "-" {
		return errors.New("--stats -: a package's standard output is the program's; give a file name")
	}
	cfg := gmp.Config{}
	for _, s := range fixed {
		applyKnob(&cfg, s.Flag, s.Value)
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	var extra []string
	if *runSchedTrace != "" {
		d, err := gmpdebug.ParseDurationMS(*runSchedTrace)
		if err != nil {
			return fmt.Errorf("--schedtrace=%s: %v", *runSchedTrace, err)
		}
		if d == 0 {
			return fmt.Errorf("--schedtrace=%s: must be positive", *runSchedTrace)
		}
		v := fmt.Sprintf("GMPDEBUG=schedtrace=%dns", d.Nanoseconds())
		if *runSchedDetail {
			v += ",scheddetail=1"
		}
		extra = append(extra, v)
	} else if *runSchedDetail {
		return errors.New("--scheddetail needs --schedtrace (as GODEBUG's scheddetail needs schedtrace)")
	}
	plan := []runOutputs{{label: "main", trace: *runTrace}}
	if err := checkPlan(plan, *runStats); err != nil {
		return err
	}
	if err := checkReports(plan, *runStats, map[string]string{"html": *runHTML}); err != nil {
		return err
	}
	exe, cleanup, err := buildMain(pkg, stdout, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	trace := ""
	if *runTrace != "" {
		trace, _ = filepath.Abs(*runTrace)
	}
	env := append(packageEnv(pkg, fixed, seeds[0], trace), extra...)
	if *runStats != "" {
		abs, _ := filepath.Abs(*runStats)
		env = append(env, sweep.EnvStats+"="+abs)
	}
	var timeline string
	if *runHTML != "" {
		timeline = filepath.Join(filepath.Dir(exe), "timeline.json")
		env = append(env, sweep.EnvTimeline+"="+timeline)
	}
	err = runExe(stdout, stderr, exe, progArgs, env...)
	if timeline != "" {
		// The program's timeline is written even if it failed.
		tls, terr := sweep.ReadTimelines(timeline)
		if terr == nil {
			terr = writeHTMLFile(*runHTML, &html.Report{Title: "gmp run " + pkg, Command: commandLine(), Timelines: tls})
		}
		if terr != nil && err == nil {
			err = fmt.Errorf("--html: %v", terr)
		}
	}
	return err
}

// packageSweep is the sweep of package pkg: translated and built once,
// its binary run per configuration with the configuration in its
// environment, its arguments being the program's (progArgs).
// The go command's output goes to stderr: stdout holds the table.
func packageSweep(pkg string, progArgs []string, fixed sweep.Point, stderr io.Writer) sweepTarget {
	return sweepTarget{name: pkg, prepare: func() (sweep.Options, func(), error) {
		exe, cleanup, err := buildMain(pkg, stderr, stderr)
		if err != nil {
			return sweep.Options{}, nil, err
		}
		opts := sweep.Options{Exe: exe, Args: progArgs,
			JobEnv: func(j sweep.Job) []string {
				return packageEnv(pkg, append(slices.Clone(fixed), j.Point...), j.Seed, "")
			},
			Replay: func(j sweep.Job) string {
				args := append(append(fixed.Args(), j.Point.Args()...), fmt.Sprintf("--seed=%d", j.Seed))
				return strings.Join(append(append([]string{"gmp", "run", pkg}, args...), progArgs...), " ")
			}}
		return opts, cleanup, nil
	}}
}

// packageEnv is the environment of a translated program's run: GMPRUN
// (gmptest.Main's settings: procs, preempt, seed, the limits, trace) and
// every knob's setting for package gmprun.
func packageEnv(pkg string, knobs sweep.Point, seed uint64, trace string) []string {
	var run []string
	for _, s := range knobs {
		switch {
		case s.Flag == "procs":
			run = append(run, "procs="+s.Value)
		case s.Flag == "preempt" && s.Value == "cooperative":
			run = append(run, "preempt=cooperative")
		}
	}
	run = append(run, fmt.Sprintf("seed=%d", seed))
	if *runMaxSteps > 0 {
		run = append(run, fmt.Sprintf("maxsteps=%d", *runMaxSteps))
	}
	if *runMaxTime > 0 {
		run = append(run, fmt.Sprintf("maxtime=%v", *runMaxTime))
	}
	if trace != "" {
		run = append(run, "trace="+trace)
	}
	return []string{"GMPRUN=" + strings.Join(run, ","), sweep.EnvKnobs + "=" + sweep.EncodeKnobs(knobs), sweep.EnvPkg + "=" + pkg}
}

// buildMain translates the package main at pkg and builds it; cleanup
// removes the binary.
func buildMain(pkg string, stdout, stderr io.Writer) (exe string, cleanup func(), err error) {
	dir, _ := os.Getwd()
	b, err := translate.Prepare(translate.LoadConfig{Dir: dir}, translate.Options{MapOrder: true}, pkg)
	if err != nil {
		if translate.IsCompileError(err) {
			return "", nil, goCommand(stdout, stderr, dir, nil, false, []string{"build", "-o", os.DevNull, pkg})
		}
		return "", nil, err
	}
	for _, d := range b.Diags {
		fmt.Fprintf(stderr, "gmp: %s\n", d)
	}
	tmp, err := os.MkdirTemp("", "gmprun")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(tmp) }
	exe = filepath.Join(tmp, "prog")
	build := []string{"build", "-o", exe}
	if b.Overlay != "" {
		build = append(build, "-overlay="+b.Overlay)
	}
	if b.ModFile != "" {
		// The alternate go.mod is ours: -mod=mod lets the go command add
		// the requirements gmp's own packages bring (a go ≥ 1.17 module
		// lists every module it imports from, indirectly too).
		build = append(build, "-modfile="+b.ModFile, "-mod=mod")
	}
	build = append(build, pkg)
	if err := goCommand(stdout, stderr, dir, nil, false, build); err != nil {
		cleanup()
		return "", nil, err
	}
	return exe, cleanup, nil
}
