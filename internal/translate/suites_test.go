package translate_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/gmplab/gmp/internal/translate"
)

// Real code nobody wrote for gmp: the test suites of golang.org/x/sync and
// of open-source concurrency libraries (testdata/translate/libs/go.mod
// pins them), translated from the module cache and run on the simulated
// runtime. They need the module proxy the first time, and take a while:
// not in -short.

func TestXSync(t *testing.T) {
	if testing.Short() {
		t.Skip("translates and builds golang.org/x/sync's tests; not in -short")
	}
	out := goTestTranslatedIn(t, ".", "", []string{"-v"},
		"golang.org/x/sync/errgroup", "golang.org/x/sync/semaphore", "golang.org/x/sync/singleflight")
	checkSuite(t, out, 25)
}

// TestStdPorts runs Go's own tests of sync and context (testdata/
// translate/pkgs/std*, ported with the fewest changes) against the
// mirrors, through the translator.
func TestStdPorts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go's sync and context tests; not in -short")
	}
	out := goTestTranslatedIn(t, ".", "", []string{"-v"}, "../../testdata/translate/pkgs/stdsync", "../../testdata/translate/pkgs/stdcontext")
	checkSuite(t, out, 60)
}

func TestLibraries(t *testing.T) {
	if os.Getenv("GMP_TRANSLATE_FULL") == "" {
		t.Skip("translates and builds third-party test suites (needs the module proxy once); set GMP_TRANSLATE_FULL=1")
	}
	// Leaks off: conc's pool tests leave workers behind on purpose
	// (TestLibrariesLeaks counts them).
	out := goTestTranslatedIn(t, "../../testdata/translate/libs", "leaks=0", []string{"-v"},
		"github.com/gammazero/workerpool", "golang.org/x/time/rate", "github.com/sourcegraph/conc/...")
	checkSuite(t, out, 60)
}

// checkSuite fails unless every package passed and at least min
// top-level tests ran.
func checkSuite(t *testing.T, out string, min int) {
	t.Helper()
	if regexp.MustCompile(`(?m)^(FAIL|--- FAIL|panic:)`).MatchString(out) {
		t.Errorf("suite failed:\n%s", out)
	}
	n := len(regexp.MustCompile(`(?m)^--- PASS: `).FindAllString(out, -1))
	if n < min {
		t.Errorf("only %d top-level tests passed, want ≥ %d:\n%s", n, min, out)
	}
	t.Logf("%d top-level tests passed", n)
}

// goTestTranslatedIn runs go test on the translated pkgs from dir.
func goTestTranslatedIn(t *testing.T, dir, env string, args []string, pkgs ...string) string {
	t.Helper()
	abs, _ := filepath.Abs(dir)
	b, err := translate.Prepare(translate.LoadConfig{Dir: abs, Tests: true}, translate.Options{MapOrder: true, CacheDir: cacheDir(t)}, pkgs...)
	if err != nil {
		t.Fatal(err)
	}
	full := []string{"test", "-vet=off", "-count=1", "-skip=^Example"} // examples run natively, as gmp test runs them
	if b.Overlay != "" {
		full = append(full, "-overlay="+b.Overlay)
	}
	if b.ModFile != "" {
		full = append(full, "-modfile="+b.ModFile)
	}
	full = append(full, args...)
	full = append(full, pkgs...)
	cmd := exec.Command("go", full...)
	cmd.Dir = abs
	cmd.Env = append(os.Environ(), "GMPTEST="+env)
	out, _ := cmd.CombinedOutput()
	return string(out)
}

// TestPackages runs the test suites of the corpus's packages (pub/sub, a
// rate limiter, a work queue; ordinary Go, never mentioning gmp) at
// several Procs and seeds.
func TestPackages(t *testing.T) {
	pkgs := []string{"../../testdata/translate/pkgs/pubsub", "../../testdata/translate/pkgs/ratelimit", "../../testdata/translate/pkgs/workqueue", "../../testdata/translate/pkgs/subtests"}
	cfgs := []string{"procs=1,seed=1", "procs=4,seed=2"}
	if os.Getenv("GMP_TRANSLATE_FULL") != "" {
		cfgs = append(cfgs, "procs=2,seed=9", "procs=8,seed=4", "procs=4,seed=5,preempt=cooperative")
	} else if testing.Short() {
		cfgs = cfgs[1:]
	}
	for _, c := range cfgs {
		out := goTestTranslatedIn(t, ".", c, nil, pkgs...)
		if regexp.MustCompile(`(?m)^(FAIL|--- FAIL|panic:)`).MatchString(out) {
			t.Errorf("GMPTEST=%s:\n%s", c, out)
		}
	}
}
