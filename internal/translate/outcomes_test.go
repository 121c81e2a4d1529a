package translate_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gmplab/gmp/internal/translate"
)

// goTestTranslated translates pkg (with its tests) and runs go test on it
// with args, returning the output.
func goTestTranslated(t *testing.T, pkg string, env string, args ...string) string {
	t.Helper()
	dir, _ := os.Getwd()
	b, err := translate.Prepare(translate.LoadConfig{Dir: dir, Tests: true}, translate.Options{MapOrder: true, CacheDir: cacheDir(t)}, pkg)
	if err != nil {
		t.Fatal(err)
	}
	full := []string{"test", "-vet=off", "-count=1"}
	if b.Overlay != "" {
		full = append(full, "-overlay="+b.Overlay)
	}
	if b.ModFile != "" {
		full = append(full, "-modfile="+b.ModFile)
	}
	full = append(full, args...)
	full = append(full, pkg)
	cmd := exec.Command("go", full...)
	cmd.Env = append(os.Environ(), "GMPTEST="+env)
	out, _ := cmd.CombinedOutput()
	return string(out)
}

var sharedCache string

func cacheDir(t *testing.T) string {
	if sharedCache == "" {
		d, err := os.MkdirTemp("", "gmpcache")
		if err != nil {
			t.Fatal(err)
		}
		sharedCache = d
	}
	return filepath.Join(sharedCache)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedCache != "" {
		os.RemoveAll(sharedCache)
	}
	os.Exit(code)
}

// TestOutcomes checks how each way a test can end is reported.
func TestOutcomes(t *testing.T) {
	out := goTestTranslated(t, "../../testdata/translate/pkgs/outcomes", "", "-v", "-timeout=1m", "-skip=TestPanic")
	want := []string{
		"--- PASS: TestPass",
		"--- FAIL: TestFatalInTest", "outcomes_test.go:18: fatal here",
		"--- FAIL: TestFatalFromGoroutine", "outcomes_test.go:27: fatal in a goroutine", "test goroutine goes on",
		"--- FAIL: TestLeak", "goroutine(s) still alive after TestLeak returned", "[chan send", "[chan receive",
		"--- FAIL: TestDeadlock", "fatal error: all goroutines are asleep - deadlock!",
		"--- PASS: TestAfterPanic",
		"--- SKIP: TestSkip", "skipped on purpose",
		"--- PASS: TestSubFilter/x", "--- PASS: TestSubFilter/y",
		"cleanup 2\n", "--- FAIL: TestSleepsTooLong", "MaxTime=1m0s",
		"--- PASS: TestTimers",
		"--- PASS: TestLeakAllowed", "1 goroutine(s) left behind (allowed by //gmp:leaks-ok)",
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	for _, bad := range []string{"after fatal", "after goroutine fatal", "not reached"} {
		if strings.Contains(out, bad) {
			t.Errorf("output has %q", bad)
		}
	}
	// Cleanups run last first, a subtest's before its parent's.
	i0, i1, i2, is := strings.Index(out, "cleanup 0"), strings.Index(out, "cleanup 1"), strings.Index(out, "cleanup 2"), strings.Index(out, "sub cleanup")
	if !(is < i2 && i2 < i1 && i1 < i0) {
		t.Errorf("cleanup order: sub %d, 2 %d, 1 %d, 0 %d", is, i2, i1, i0)
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
	// The same seed prints the same output (timings aside).
	again := goTestTranslated(t, "../../testdata/translate/pkgs/outcomes", "", "-v", "-timeout=1m", "-skip=TestPanic")
	times := regexp.MustCompile(`\([0-9.]+s\)|\t[0-9.]+s`)
	if a, b := times.ReplaceAllString(out, ""), times.ReplaceAllString(again, ""); a != b {
		t.Errorf("two runs differ:\n%s\n---\n%s", a, b)
	}
}

// TestPanicCrash checks that a panicking test takes the test binary down,
// as in Go, with the FAIL lines of its test and the simulated stack.
func TestPanicCrash(t *testing.T) {
	out := goTestTranslated(t, "../../testdata/translate/pkgs/outcomes", "", "-v", "-run=TestPanic|TestAfterPanic")
	for _, w := range []string{"--- PASS: TestPanicInSubtest/ok", "--- FAIL: TestPanicInSubtest/boom", "--- FAIL: TestPanicInSubtest ",
		"panic: assignment to entry in nil map", "outcomes_test.go:49", "FAIL\tgithub.com/gmplab/gmp/testdata/translate/pkgs/outcomes"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	if strings.Contains(out, "TestAfterPanic") || strings.Contains(out, "not reached") {
		t.Errorf("the binary went on after the panic")
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// TestRunFilter checks that -run selects subtests inside the simulation.
func TestRunFilter(t *testing.T) {
	out := goTestTranslated(t, "../../testdata/translate/pkgs/outcomes", "", "-v", "-run=TestSubFilter/x")
	if !strings.Contains(out, "--- PASS: TestSubFilter/x") || strings.Contains(out, "TestSubFilter/y") {
		t.Errorf("-run=TestSubFilter/x:\n%s", out)
	}
}

// TestSubtests checks t.Run, t.Parallel, t.Cleanup and t.Context.
func TestSubtests(t *testing.T) {
	out := goTestTranslated(t, "../../testdata/translate/pkgs/subtests", "procs=2,seed=3", "-v")
	if !strings.Contains(out, "ok  \t") || strings.Contains(out, "FAIL") {
		t.Errorf("subtests:\n%s", out)
	}
}

// TestJSON checks that -json is go test's own.
func TestJSON(t *testing.T) {
	out := goTestTranslated(t, "../../testdata/translate/pkgs/subtests", "", "-json")
	for _, w := range []string{`"Action":"run","Package":"github.com/gmplab/gmp/testdata/translate/pkgs/subtests","Test":"TestTop/a"`, `"Action":"pass"`} {
		if !strings.Contains(out, w) {
			t.Errorf("-json output lacks %s:\n%s", w, out)
		}
	}
}

// TestDiagnostics checks that what cannot be translated is reported at its
// line, and nothing else is.
func TestDiagnostics(t *testing.T) {
	dir, _ := os.Getwd()
	b, err := translate.Prepare(translate.LoadConfig{Dir: dir, Tests: true}, translate.Options{MapOrder: true, CacheDir: cacheDir(t)}, "../../testdata/translate/pkgs/untranslatable")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"u.go:15:1: //go:linkname", "u.go:21:2: os/signal.Notify", "u.go:27:10: io.Pipe", "u.go:34:2: reflect.Select", "u.go:46:6: *net/http.Request.Context takes or returns context.Context",
		"v.go:10:2: runtime/trace.Start", "v.go:11:8: runtime/trace.Stop"}
	if len(b.Diags) != len(want) {
		t.Errorf("got %d diagnostics, want %d:\n%v", len(b.Diags), len(want), b.Diags)
	}
	for i, w := range want {
		if i < len(b.Diags) && !strings.Contains(b.Diags[i].String(), w) {
			t.Errorf("diagnostic %d = %s, want %s", i, b.Diags[i], w)
		}
	}
}

// TestCompileError checks that code that does not compile natively gets
// the type checker's errors, not a translation.
func TestCompileError(t *testing.T) {
	dir, _ := os.Getwd()
	_, err := translate.Prepare(translate.LoadConfig{Dir: dir, Tests: true}, translate.Options{CacheDir: cacheDir(t)}, "../../testdata/translate/pkgs/badcode")
	if !translate.IsCompileError(err) || !strings.Contains(err.Error(), "bad.go:4:23") {
		t.Errorf("err = %v, want the compiler's error at bad.go:4:23", err)
	}
}

// TestMapOrderReplay checks that map range order and math/rand's global
// functions follow the seed: the same seed prints the same, and the seeds
// do not all print the same (the order is drawn, not fixed).
func TestMapOrderReplay(t *testing.T) {
	dir, _ := os.Getwd()
	pkg := "../../testdata/translate/progs/maporder"
	b, err := translate.Prepare(translate.LoadConfig{Dir: dir}, translate.Options{MapOrder: true, CacheDir: cacheDir(t)}, pkg)
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(t.TempDir(), "maporder")
	args := []string{"build", "-o", exe, "-overlay=" + b.Overlay}
	if out, err := exec.Command("go", append(args, pkg)...).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	run := func(seed int) string {
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), "GMPRUN=seed="+strconv.Itoa(seed))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return string(out)
	}
	seen := map[string]bool{}
	for seed := 1; seed <= 4; seed++ {
		a, b := run(seed), run(seed)
		if a != b {
			t.Errorf("seed %d: two runs differ:\n%s---\n%s", seed, a, b)
		}
		if !strings.Contains(a, "sum 28") {
			t.Errorf("seed %d: %s", seed, a)
		}
		seen[a] = true
	}
	if len(seen) < 2 {
		t.Errorf("4 seeds gave one order: %v", seen)
	}
}
