package translate_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
