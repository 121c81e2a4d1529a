package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gmplab/gmp/internal/translate"
)

// isPackageArg reports whether the argument of gmp run names a package
// (./cmd/x, an import path) rather than a built-in scenario.
func isPackageArg(s string) bool {
	return strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.Contains(s, "/")
}

// runPackage is gmp run ./pkg [args…]: the package main, translated, built
// and run with its main as goroutine 1 of a simulation configured by the
// run flags.
func runPackage(args []string, stdout, stderr io.Writer) error {
	exe, cleanup, err := buildMain(args[0], stdout, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	var env []string
	if len(runProcs.vals) > 1 || len(runPreempt.vals) > 1 || len(runSeeds.vals) > 1 {
		return fmt.Errorf("a sweep (a list of --procs, --preempt or --seeds) runs built-in scenarios only, not yet a package")
	}
	if len(runProcs.vals) == 1 && runProcs.vals[0] > 0 {
		env = append(env, fmt.Sprintf("procs=%d", runProcs.vals[0]))
	}
	env = append(env, fmt.Sprintf("seed=%d", *runSeed))
	if *runMaxSteps > 0 {
		env = append(env, fmt.Sprintf("maxsteps=%d", *runMaxSteps))
	}
	if *runMaxTime > 0 {
		env = append(env, fmt.Sprintf("maxtime=%v", *runMaxTime))
	}
	if *runTrace != "" {
		abs, _ := filepath.Abs(*runTrace)
		env = append(env, "trace="+abs)
	}
	if len(runPreempt.vals) == 1 && runPreempt.vals[0] == "cooperative" {
		env = append(env, "preempt=cooperative")
	}
	return runExe(stdout, stderr, exe, args[1:], "GMPRUN="+strings.Join(env, ","))
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
		build = append(build, "-modfile="+b.ModFile)
	}
	build = append(build, pkg)
	if err := goCommand(stdout, stderr, dir, nil, false, build); err != nil {
		cleanup()
		return "", nil, err
	}
	return exe, cleanup, nil
}
