package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gmplab/gmp/internal/rt"
)

func TestSplitTestArgs(t *testing.T) {
	g, goArgs, pkgs, tags, dir, err := splitTestArgs([]string{
		"-v", "-run", "TestX/sub", "-gmp.procs", "2", "-gmp.seed=7", "-tags", "integration",
		"./a/...", "-count=3", "-gmp.leaks=false", "-gmp.examples=sim", "-C", "/tmp", "-args", "-x"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"procs=2", "seed=7", "leaks=false"}; !reflect.DeepEqual(g.env, want) {
		t.Errorf("env = %q, want %q", g.env, want)
	}
	if !g.examples || g.bench || !g.mapOrder {
		t.Errorf("flags = %+v", g)
	}
	if want := []string{"-v", "-run", "TestX/sub", "-tags", "integration", "-count=3", "-args", "-x"}; !reflect.DeepEqual(goArgs, want) {
		t.Errorf("go args = %q, want %q", goArgs, want)
	}
	if !reflect.DeepEqual(pkgs, []string{"./a/..."}) || tags != "integration" || dir != "/tmp" {
		t.Errorf("pkgs %q tags %q dir %q", pkgs, tags, dir)
	}
	if _, _, _, _, _, err := splitTestArgs([]string{"-gmp.nosuch"}); err == nil {
		t.Error("unknown -gmp flag accepted")
	}
	if got := args2go([]string{"-v", "-args", "x"}, []string{"./p"}); !reflect.DeepEqual(got, []string{"-v", "./p", "-args", "x"}) {
		t.Errorf("args2go = %q", got)
	}
}

func TestBenchAndSkipFlags(t *testing.T) {
	kept, bench := stripBench([]string{"-v", "-bench", ".", "-benchmem", "-count=2", "-run", "X"})
	if want := []string{"-v", "-count=2", "-run", "X"}; !reflect.DeepEqual(kept, want) {
		t.Errorf("kept = %q, want %q", kept, want)
	}
	if want := []string{"-bench", ".", "-benchmem", "-count=2"}; !reflect.DeepEqual(bench, want) {
		t.Errorf("bench = %q, want %q", bench, want)
	}
	if _, bench := stripBench([]string{"-count=2"}); bench != nil {
		t.Errorf("no -bench, yet %q", bench)
	}
	if v := flagValue([]string{"-run", "A", "-skip=B"}, "skip"); v != "B" {
		t.Errorf("flagValue = %q", v)
	}
	if got := withoutFlag([]string{"-run", "A", "-v", "-skip=B"}, "run"); !reflect.DeepEqual(got, []string{"-v", "-skip=B"}) {
		t.Errorf("withoutFlag = %q", got)
	}
}

// TestOwnModule: gmp test in a module of the user's own, which requires
// nothing (a go ≥ 1.17 module must list every module it imports from, so
// the alternate go.mod gets gmp's requirements too); under -race, the
// explorer finds the test's data race with the user's lines.
func TestOwnModule(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/bank\n\ngo 1.26\n",
		"bank_test.go": `package bank

import (
	"sync"
	"testing"
)

type account struct {
	mu      sync.Mutex
	balance int
}

func (a *account) deposit(n int) {
	a.mu.Lock()
	a.balance += n
	a.mu.Unlock()
}

func (a *account) read() int { return a.balance } // no lock

func TestBank(t *testing.T) {
	a := &account{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); a.deposit(10) }()
	if a.read() < 0 {
		t.Error("negative")
	}
	wg.Wait()
}
`,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"GOPROXY=off", "GMPCACHE=" + t.TempDir()} // nothing to download: gmp's requirements are in the module cache
	r := runGmp(t, env, "test", "-count=1", "-C", dir, ".")
	if r.code != 0 || !strings.Contains(r.stdout, "ok  \texample.com/bank") {
		t.Fatalf("gmp test in its own module: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !rt.RaceEnabled {
		return // the -race build of gmp's packages is warm in .ci/run's race step
	}
	r = runGmp(t, env, "test", "-race", "-count=1", "-gmp.explore", "100", "-C", dir, ".")
	for _, w := range []string{"data race (faithful mode)",
		"data race: read at bank.(*account).read (bank_test.go:19) / write at bank.(*account).deposit (bank_test.go:15)",
		"replay: gmp test -race "} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("gmp test -race -gmp.explore: output lacks %q:\n%s%s", w, r.stdout, r.stderr)
		}
	}
}
