package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gmplab/gmp/internal/explore"
	"github.com/gmplab/gmp/internal/translate"
)

var cmdTest = &command{
	Name:      "test",
	UsageLine: "gmp test [-gmp.procs N] [-gmp.seed N] [-gmp.leaks=false] [-gmp.explore N] [-gmp.bench] [go test flags] [packages]",
	Short:     "run ordinary Go tests on the simulated runtime",
	Long: `Test translates the packages named (and the module dependencies that
need it) so that their go statements, channels, select, sync, time and
context run on gmp's simulated runtime, and runs them with go test: each
TestX runs as a simulation, its subtests inside it. The output is go
test's own, and go test's flags work as usual (-run, -count, -v, -json,
-timeout, -failfast, -short, -tags …). The user's files are never modified:
the translated copies live in the translation cache ($GMPCACHE, or gmp/
under the user cache directory) and reach the build through -overlay and,
for dependencies, -modfile.

A test fails, besides its own failures, when a simulated goroutine
panics, when all goroutines are asleep (deadlock), when it leaves
goroutines behind (leaks; -gmp.leaks=false to allow), or when it runs past
-timeout in virtual time.

The gmp flags (given before the packages or after):

	-gmp.procs N      GOMAXPROCS of each simulation (default 4)
	-gmp.seed N       the seed of every random choice (default 1)
	-gmp.leaks=false  do not fail tests that leave goroutines behind
	-gmp.maxsteps N   stop a simulation after N goroutine resumptions
	-gmp.trace DIR    write a Go execution trace of each test into DIR
	-gmp.bench        run benchmarks simulated (default: natively)
	-gmp.examples=sim run examples simulated (default: natively)
	-gmp.maporder=false  leave map range order to the host (not replayable)
	-gmp.x            print the go command's invocation

The explorer's flags (see gmp help explore): each test runs under N
schedules, in worker processes, and reports each distinct failure once,
with a failure file under testdata/gmp/<TestName>/ that later runs replay:

	-gmp.explore N    (or -explore N) explore N schedules of each test
	-gmp.parallel P   in P worker processes (default 1)
	-gmp.strategy S   portfolio (default), random, pct, pct1-pct3, select, pairs
	-gmp.mode M       faithful (default) or abstract
	-gmp.shard i/N    run the schedules ≡ i (mod N) only
	-gmp.replay FILE  replay one failure file

Benchmarks and examples run natively, on the untranslated packages, in a
second go test invocation, unless -gmp.bench or -gmp.examples=sim is
given.`,
	Flags:       flag.NewFlagSet("test", flag.ContinueOnError),
	CustomFlags: true,
}

func init() { cmdTest.Run = runTest }

// goTestValueFlags are go test's and the build's flags that take a value
// in the next argument (go help testflag, go help build).
var goTestValueFlags = map[string]bool{
	"run": true, "skip": true, "count": true, "timeout": true, "parallel": true, "bench": true,
	"benchtime": true, "cpu": true, "coverprofile": true, "covermode": true, "coverpkg": true,
	"cpuprofile": true, "memprofile": true, "blockprofile": true, "mutexprofile": true, "trace": true,
	"outputdir": true, "o": true, "tags": true, "ldflags": true, "gcflags": true, "asmflags": true,
	"exec": true, "p": true, "list": true, "fuzz": true, "fuzztime": true, "fuzzminimizetime": true,
	"shuffle": true, "vet": true, "C": true, "mod": true, "pkgdir": true, "toolexec": true,
	"memprofilerate": true, "blockprofilerate": true, "mutexprofilefraction": true,
	"overlay": true, "modfile": true, "buildmode": true, "compiler": true, "installsuffix": true,
	"test.run": true, "test.count": true, "test.timeout": true,
}

// gmpFlags are the harness settings given as -gmp.NAME[=VALUE].
type gmpFlags struct {
	env      []string // GMPTEST settings
	bench    bool
	examples bool // run examples simulated (default: natively)
	mapOrder bool
	x        bool
}

// splitTestArgs separates gmp's flags, go test's arguments and the
// packages.
func splitTestArgs(args []string) (g gmpFlags, goArgs, pkgs []string, tags, dir string, err error) {
	g.mapOrder = true
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-args" || a == "--args" {
			goArgs = append(goArgs, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") {
			pkgs = append(pkgs, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		val, hasVal := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, val, hasVal = k, v, true
		}
		if name == "explore" {
			name = "gmp.explore" // gmp test -explore N: the explorer's flag without its prefix
		}
		if after, ok := strings.CutPrefix(name, "gmp."); ok {
			switch after {
			case "bench":
				g.bench = !hasVal || val == "true"
			case "examples":
				if !hasVal {
					return g, nil, nil, "", "", fmt.Errorf("-gmp.examples needs a value: native or sim")
				}
				g.examples = val == "sim"
			case "x":
				g.x = true
			case "maporder":
				g.mapOrder = !hasVal || val == "true"
			case "leaks":
				if !hasVal {
					val = "true"
				}
				g.env = append(g.env, "leaks="+val)
			case "procs", "seed", "maxsteps", "maxtime", "trace", "preempt", "watchdog",
				"explore", "parallel", "strategy", "mode", "shard", "replay":
				if !hasVal {
					if i+1 >= len(args) {
						return g, nil, nil, "", "", fmt.Errorf("flag -gmp.%s needs a value", after)
					}
					i++
					val = args[i]
				}
				if err := checkExploreFlag(after, &val); err != nil {
					return g, nil, nil, "", "", err
				}
				g.env = append(g.env, after+"="+val)
			default:
				return g, nil, nil, "", "", fmt.Errorf("unknown flag -gmp.%s", after)
			}
			continue
		}
		if !hasVal && goTestValueFlags[name] && i+1 < len(args) {
			i++
			val = args[i]
			if name != "C" {
				goArgs = append(goArgs, a, val)
			}
		} else if name != "C" {
			goArgs = append(goArgs, a)
		}
		switch name {
		case "tags":
			tags = val
		case "C":
			// Not passed on: the go command must have -C first; it runs
			// in dir instead (goCommand).
			dir = val
		}
	}
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	return g, goArgs, pkgs, tags, dir, nil
}

func runTest(cmd *command, args []string, stdout, stderr io.Writer) error {
	g, goArgs, pkgs, tags, dir, err := splitTestArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "gmp test: %v\n", err)
		return errUsage
	}
	if dir == "" {
		dir, _ = os.Getwd()
	}
	b, err := translate.Prepare(translate.LoadConfig{Dir: dir, Tests: true, Tags: tags},
		translate.Options{MapOrder: g.mapOrder}, pkgs...)
	if err != nil {
		if translate.IsCompileError(err) {
			// Code that does not compile natively: the compiler's own
			// errors, from the go command, not the translator's.
			return goCommand(stdout, stderr, dir, nil, false, append([]string{"test"}, args2go(goArgs, pkgs)...))
		}
		return err
	}
	for _, d := range b.Diags {
		fmt.Fprintf(stderr, "gmp: %s\n", d)
	}
	var bench []string
	if !g.bench {
		goArgs, bench = stripBench(goArgs)
	}
	full := []string{"test", "-vet=off"}
	if b.Overlay != "" {
		full = append(full, "-overlay="+b.Overlay)
	}
	if b.ModFile != "" {
		// The alternate go.mod is ours: -mod=mod lets the go command add
		// the requirements gmp's own packages bring (a go ≥ 1.17 module
		// lists every module it imports from, indirectly too).
		full = append(full, "-modfile="+b.ModFile, "-mod=mod")
	}
	runPat, skipPat := flagValue(goArgs, "run"), flagValue(goArgs, "skip")
	nativeExamples := !g.examples && hasExamples(b) && (runPat == "" || strings.HasPrefix(strings.TrimPrefix(runPat, "^"), "Example"))
	if !g.examples {
		// Examples run natively, on the untranslated packages (below).
		skip := "^Example"
		if skipPat != "" {
			skip = "(" + skipPat + ")|^Example"
		}
		goArgs = append(withoutFlag(goArgs, "skip"), "-skip="+skip)
	}
	full = append(full, args2go(goArgs, pkgs)...)
	var env []string
	if len(g.env) > 0 {
		env = []string{"GMPTEST=" + strings.Join(g.env, ",")}
	}
	err = goCommand(stdout, stderr, dir, env, g.x, full)
	if nativeExamples {
		nargs := withoutFlag(withoutFlag(goArgs, "skip"), "run")
		skip := "^(Test|Fuzz)"
		if skipPat != "" {
			skip = "(" + skipPat + ")|" + skip
		}
		nargs = append(nargs, "-skip="+skip)
		if runPat != "" {
			nargs = append(nargs, "-run="+runPat)
		}
		nerr := goCommand(stdout, stderr, dir, nil, g.x, append([]string{"test"}, args2go(nargs, pkgs)...))
		if err == nil {
			err = nerr
		}
	}
	if len(bench) > 0 {
		// Benchmarks, natively: the untranslated package.
		nerr := goCommand(stdout, stderr, dir, nil, g.x, append(append([]string{"test", "-run=^$"}, bench...), pkgs...))
		if err == nil {
			err = nerr
		}
	}
	return err
}

// args2go puts the packages before go test's flags that follow them (go
// test takes build flags, then packages, then test flags).
func args2go(goArgs, pkgs []string) []string {
	var build, rest []string
	for i := 0; i < len(goArgs); i++ {
		a := goArgs[i]
		if a == "-args" || a == "--args" {
			rest = append(rest, goArgs[i:]...)
			break
		}
		build = append(build, a)
	}
	out := append([]string(nil), build...)
	out = append(out, pkgs...)
	return append(out, rest...)
}

// stripBench removes -bench (and -benchtime, -benchmem) from the
// simulated run and returns them for the native one.
func stripBench(args []string) (kept, bench []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name := strings.TrimLeft(a, "-")
		k, _, hasVal := strings.Cut(name, "=")
		switch k {
		case "bench", "benchtime", "benchmem", "cpu", "count":
			if k == "count" || k == "cpu" {
				kept = append(kept, a)
			}
			bench = append(bench, a)
			if !hasVal && k != "benchmem" && i+1 < len(args) {
				i++
				bench = append(bench, args[i])
				if k == "count" || k == "cpu" {
					kept = append(kept, args[i])
				}
			}
			continue
		}
		kept = append(kept, a)
	}
	for _, b := range bench {
		if strings.HasPrefix(strings.TrimLeft(b, "-"), "bench") && !strings.HasPrefix(strings.TrimLeft(b, "-"), "benchmem") && !strings.HasPrefix(strings.TrimLeft(b, "-"), "benchtime") {
			return kept, bench
		}
	}
	return kept, nil
}

// exitError is a child process's failure; its output has been shown.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// goCommand runs the go command in dir.
func goCommand(stdout, stderr io.Writer, dir string, env []string, show bool, args []string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.Env = append(os.Environ(), env...)
	if show {
		fmt.Fprintf(stderr, "%s go %s\n", strings.Join(env, " "), strings.Join(args, " "))
	}
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &exitError{ee.ExitCode()}
	}
	return err
}

func runExe(stdout, stderr io.Writer, exe string, args []string, env ...string) error {
	cmd := exec.Command(exe, args...)
	cmd.Stdin = os.Stdin
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.Env = append(os.Environ(), env...)
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &exitError{ee.ExitCode()}
	}
	return err
}

// flagValue returns the value of go test flag name in args ("" if absent).
func flagValue(args []string, name string) string {
	v := ""
	for i := 0; i < len(args); i++ {
		k, val, has := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if k != name || !strings.HasPrefix(args[i], "-") {
			continue
		}
		if !has && i+1 < len(args) {
			i++
			val = args[i]
		}
		v = val
	}
	return v
}

// withoutFlag returns args without go test flag name (and its value).
func withoutFlag(args []string, name string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		k, _, has := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if k == name && strings.HasPrefix(args[i], "-") {
			if !has {
				i++
			}
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// hasExamples reports whether a package under test has Example functions
// with output to check.
func hasExamples(b *translate.Build) bool {
	for _, u := range b.Program.Units {
		if !u.Root {
			continue
		}
		for _, f := range u.Files {
			if !strings.HasSuffix(f, "_test.go") {
				continue
			}
			data, err := os.ReadFile(f)
			if err == nil && strings.Contains(string(data), "\nfunc Example") {
				return true
			}
		}
	}
	return false
}

// checkExploreFlag checks an explorer flag of gmp test before anything is
// built, and makes a replayed file's path absolute (go test runs each
// test binary in its package's directory).
func checkExploreFlag(name string, val *string) error {
	var err error
	switch name {
	case "explore", "parallel":
		var n int64
		if n, err = strconv.ParseInt(*val, 10, 64); err == nil && n < 0 {
			err = errors.New("must not be negative")
		}
	case "strategy":
		_, err = explore.NewStrategy(*val)
	case "mode":
		if *val != "faithful" && *val != "abstract" {
			err = errors.New("want faithful or abstract")
		}
	case "shard":
		_, err = explore.ParseShard(*val)
	case "replay":
		if _, err = explore.ReadSchedule(*val); err == nil {
			*val, err = filepath.Abs(*val)
		}
	}
	if err != nil {
		return fmt.Errorf("-gmp.%s=%s: %v", name, *val, err)
	}
	return nil
}
