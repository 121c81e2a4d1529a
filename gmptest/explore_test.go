package gmptest_test

import (
	"flag"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/gmptest"
	"github.com/gmplab/gmp/gmptest/corpus"
	"github.com/gmplab/gmp/internal/explore"
)

// run explores body once, in the ordinary schedule, and returns the
// outcome's kind and signature.
func runOnce(t *testing.T, body func(*gmptest.T)) (explore.Kind, string, string) {
	t.Helper()
	o := explore.Options{Test: t.Name(), Runs: 1, Strategy: "ordinary", Config: gmptest.RunConfig(gmptest.Options{}), ShrinkRuns: 1}
	rep, err := explore.Explore(gmptest.BodyTarget(t.Name(), gmptest.Options{}, body), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 {
		return explore.Pass, "", ""
	}
	f := rep.Findings[0]
	return f.Kind, f.Signature, f.Detail
}

// at returns "explore_test.go:N" for the line of its call, moved by the
// offset given.
func at(offset ...int) string {
	_, _, line, _ := runtime.Caller(1)
	for _, o := range offset {
		line += o
	}
	return "explore_test.go:" + strconv.Itoa(line)
}

// TestT: gmptest.T's failures, wherever they happen, and the order of
// cleanups, as testing.T's.
func TestT(t *testing.T) {
	var log []string
	helper := func(t *gmptest.T) {
		t.Helper()
		t.Errorf("from a helper")
	}
	cases := []struct {
		name string
		body func(*gmptest.T)
		kind explore.Kind
		want string // in the signature
	}{
		{"pass", func(t *gmptest.T) {}, explore.Pass, ""},
		{"error", func(t *gmptest.T) { t.Errorf("x = %d", 1) }, explore.Fail, at()},
		{"helper", func(t *gmptest.T) { helper(t) }, explore.Fail, at()}, // the helper's caller
		{"goroutine", func(t *gmptest.T) {
			c := gmp.MakeChan[int](0)
			gmp.Go(func() { t.Error("from G"); c.Close() })
			c.Recv()
		}, explore.Fail, at(-2)},
		{"fatal", func(t *gmptest.T) {
			t.Cleanup(func() { log = append(log, "cleanup 1") })
			t.Cleanup(func() { log = append(log, "cleanup 2") })
			t.Fatal("stop")
			log = append(log, "not reached")
		}, explore.Fail, at(-2)},
		{"fatal in goroutine", func(t *gmptest.T) {
			c := gmp.MakeChan[int](0)
			gmp.Go(func() { defer c.Close(); t.Fatal("stop G"); log = append(log, "not reached") })
			c.Recv()
			log = append(log, "test goes on")
		}, explore.Fail, at(-3)},
		{"skip", func(t *gmptest.T) { t.Skip("not today"); t.Error("not reached") }, explore.Pass, ""},
		{"panic", func(t *gmptest.T) { panic("boom") }, explore.Panic, "panic: boom"},
	}
	for _, c := range cases {
		kind, sig, detail := runOnce(t, c.body)
		if kind != c.kind || !strings.Contains(sig, c.want) {
			t.Errorf("%s: %v %q, want %v with %q\n%s", c.name, kind, sig, c.kind, c.want, detail)
		}
	}
	// Each body ran three times (the ordinary schedule twice to check
	// it repeats itself, then as the run).
	if got := strings.Join(log, ", "); !strings.Contains(got, "cleanup 2, cleanup 1") || !strings.Contains(got, "test goes on") || strings.Contains(got, "not reached") {
		t.Errorf("log: %s", got)
	}
}

// TestExploreSavedFailures: a test's saved failure files are replayed
// first; the failure of a bug since fixed replays clean and is logged,
// and the exploration that follows passes.
func TestExploreSavedFailures(t *testing.T) {
	b := corpus.All()[0]
	dir := t.TempDir()
	name := t.Name() + "/saved"
	o := explore.Options{Test: name, Runs: 5000, Seed: 1, Config: gmptest.RunConfig(b.Options), Dir: dir, ShrinkRuns: 100, StopAfter: 1}
	rep, err := explore.Explore(gmptest.BodyTarget(name, b.Options, b.Buggy), o)
	if err != nil || len(rep.Findings) == 0 {
		t.Fatalf("%s not found: %v", b.Name, err)
	}
	t.Run("saved", func(t *testing.T) {
		// Same name as the file's test: Explore finds the file under Dir.
		gmptest.Explore(t, gmptest.Options{Runs: 100, Dir: dir, Config: b.Options.Config}, b.Fixed)
	})
}

// TestExploreParallel: -gmp.explore with -gmp.parallel=2 explores in two
// copies of this test binary, each running only this test (as a worker),
// and a fixed corpus program passes there as here.
func TestExploreParallel(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	for name, v := range map[string]string{"gmp.explore": "600", "gmp.parallel": "2"} {
		old := flag.Lookup(name).Value.String()
		flag.Set(name, v)
		defer flag.Set(name, old)
	}
	b := corpus.All()[0]
	gmptest.Explore(t, gmptest.Options{Dir: t.TempDir(), Config: b.Options.Config}, b.Fixed)
}
