package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gmplab/gmp/internal/explore"
)

// TestExplore: gmp explore finds a corpus bug (exit 1), with the report's
// parts; the same with two worker processes; the fixed version is clean
// (exit 0); the failure file replays as recorded; shards' files merge.
func TestExplore(t *testing.T) {
	dir := t.TempDir()
	r := runGmp(t, nil, "explore", "lock-order", "-runs", "1500", "-dir", filepath.Join(dir, "a"))
	for _, w := range []string{"deadlock (faithful mode)", "signature: deadlock: sync.Mutex.Lock at corpus.transfer",
		"minimal schedule:", "was preempted before Lock", "failure file:", "trace:", "replay: gmp explore lock-order -replay",
		"fatal error: all goroutines are asleep", "1500 runs (faithful mode, portfolio)"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("gmp explore lock-order: output lacks %q", w)
		}
	}
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "a", "lock-order", "*"))
	if len(files) == 0 {
		t.Fatalf("no failure file; output:\n%s%s", r.stdout, r.stderr)
	}
	rp := runGmp(t, nil, "explore", "lock-order", "-replay", files[0])
	if rp.code != 1 || !strings.Contains(rp.stdout, "as recorded") || !strings.Contains(rp.stdout, "the recorded run, exactly") {
		t.Errorf("replay: exit %d\n%s%s", rp.code, rp.stdout, rp.stderr)
	}
	par := runGmp(t, nil, "explore", "lock-order", "-runs", "1500", "-parallel", "2", "-dir", filepath.Join(dir, "b"))
	if par.code != 1 || !strings.Contains(par.stdout, r.stdout[:strings.Index(r.stdout, "\n")]) {
		t.Errorf("with 2 workers, the first line differs:\n%s\nin one process:\n%s", par.stdout, r.stdout)
	}
	fixed := runGmp(t, nil, "explore", "lock-order", "-fixed", "-runs", "2000", "-dir", filepath.Join(dir, "c"))
	if fixed.code != 0 || !strings.Contains(fixed.stdout, "no failures") {
		t.Errorf("fixed: exit %d\n%s%s", fixed.code, fixed.stdout, fixed.stderr)
	}
	for i, sh := range []string{"0/2", "1/2"} {
		s := runGmp(t, nil, "explore", "lock-order", "-runs", "1500", "-shard", sh, "-dir", filepath.Join(dir, "shard"+sh[:1]))
		if s.code > 1 || !strings.Contains(s.stdout, "750 runs") {
			t.Errorf("shard %d: exit %d\n%s%s", i, s.code, s.stdout, s.stderr)
		}
	}
	m := runGmp(t, nil, "explore", "-merge", "-o", filepath.Join(dir, "merged"), filepath.Join(dir, "shard0"), filepath.Join(dir, "shard1"))
	merged, _ := filepath.Glob(filepath.Join(dir, "merged", "lock-order", "*"))
	if m.code != 0 || len(merged) == 0 {
		t.Errorf("merge: exit %d, %d files\n%s%s", m.code, len(merged), m.stdout, m.stderr)
	}
	if l := runGmp(t, nil, "explore", "-list"); l.code != 0 || strings.Count(l.stdout, "\n") < 25 {
		t.Errorf("-list: exit %d\n%s", l.code, l.stdout)
	}
}

// TestExploreUsage: bad input is a one-line error that says what to do,
// exit 2, before anything runs.
func TestExploreUsage(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(bad, []byte("gmp explore v9\n"), 0o666)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"explore"}, "want one program"},
		{[]string{"explore", "nosuch"}, `unknown program "nosuch"`},
		{[]string{"explore", "lock-order", "-strategy", "dfs"}, `unknown strategy "dfs": want one of portfolio`},
		{[]string{"explore", "lock-order", "-mode", "wild"}, "want faithful or abstract"},
		{[]string{"explore", "lock-order", "-shard", "3/2"}, "i must be in [0, N)"},
		{[]string{"explore", "lock-order", "-replay", bad}, "written by another gmp version; delete the file or re-run"},
		{[]string{"explore", "-merge", "x"}, "-merge needs -o DIR"},
		{[]string{"explore", "runnext", "-fixed"}, "not a corpus program"},
	} {
		r := runGmp(t, nil, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.msg) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("gmp %s: exit %d, stderr %q; want exit 2 and one line with %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.msg)
		}
	}
}

// TestExploreDocs: gmp help explore and README name every strategy and
// every flag of gmp explore, so that they stay in step with the code.
func TestExploreDocs(t *testing.T) {
	help := runGmp(t, nil, "help", "explore").stdout
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range explore.StrategyNames {
		if !strings.Contains(help, s) || !strings.Contains(string(readme), "`"+s+"`") {
			t.Errorf("strategy %s: in help %v, in README %v", s, strings.Contains(help, s), strings.Contains(string(readme), "`"+s+"`"))
		}
	}
	cmdExplore.Flags.VisitAll(func(f *flag.Flag) {
		if !strings.Contains(help, "-"+f.Name) || !strings.Contains(string(readme), "-"+f.Name) {
			t.Errorf("flag -%s missing from gmp help explore or README", f.Name)
		}
	})
	for _, f := range []string{"-gmp.explore", "-gmp.parallel", "-gmp.strategy", "-gmp.mode", "-gmp.seed", "-gmp.shard", "-gmp.replay"} {
		if !strings.Contains(string(readme), f) {
			t.Errorf("README lacks %s", f)
		}
	}
}
