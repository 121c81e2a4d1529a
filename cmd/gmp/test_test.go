package main

import (
	"reflect"
	"testing"
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
	if want := []string{"-v", "-run", "TestX/sub", "-tags", "integration", "-count=3", "-C", "/tmp", "-args", "-x"}; !reflect.DeepEqual(goArgs, want) {
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
