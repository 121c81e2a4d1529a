package translate_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExplore runs gmp test's exploration on an ordinary Go test package:
// -gmp.explore finds the lock-order inversion of TestTransfer in worker
// processes and saves a failure file, which plain runs then replay (the
// bug still fails) and -gmp.replay narrates; TestFine passes throughout.
func TestExplore(t *testing.T) {
	pkg := "../../testdata/translate/pkgs/racy"
	dir := t.TempDir()
	out := goTestTranslated(t, pkg, "explore=400,parallel=2,faildir="+dir, "-v")
	for _, w := range []string{"--- FAIL: TestTransfer", "deadlock (faithful mode)", "was preempted before Lock of mutex",
		"racy_test.go:15", "--- PASS: TestFine", "400 runs (faithful mode, portfolio)"} {
		if !strings.Contains(out, w) {
			t.Errorf("explore: output lacks %q", w)
		}
	}
	if t.Failed() {
		t.Fatalf("output:\n%s", out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "TestTransfer", "*"))
	if len(files) == 0 {
		t.Fatalf("no failure file in %s", dir)
	}
	out = goTestTranslated(t, pkg, "faildir="+dir)
	if !strings.Contains(out, "a saved failure still fails") || !strings.Contains(out, "the recorded run, exactly") {
		t.Errorf("plain run:\n%s", out)
	}
	out = goTestTranslated(t, pkg, "replay="+files[0], "-run=TestTransfer")
	if !strings.Contains(out, "as recorded") || strings.Contains(out, "TestFine") {
		t.Errorf("replay:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join("../../testdata/translate/pkgs/racy/testdata")); err == nil {
		t.Errorf("failure files written into the source tree")
	}
}
