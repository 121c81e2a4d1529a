package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// resetRunFlags puts gmp run's flags back to their defaults: they are
// package variables, which keep the values of an earlier gmpMain call.
func resetRunFlags(t *testing.T) {
	t.Cleanup(func() {
		cmdRun.Flags.VisitAll(func(f *flag.Flag) { f.Value.Set(f.DefValue) })
	})
}

func TestRunOutputs(t *testing.T) {
	resetRunFlags(t)
	dir := t.TempDir()
	tr, js, prof, st := filepath.Join(dir, "ws.trace"), filepath.Join(dir, "ws.json"), filepath.Join(dir, "prof"), filepath.Join(dir, "stats.json")
	var stdout, stderr bytes.Buffer
	code := gmpMain([]string{"run", "--trace", tr, "--perfetto", js, "--pprof", prof, "--stats", st, "workstealing"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	// workstealing runs twice: the second run's files get its label.
	for _, f := range []string{
		tr, filepath.Join(dir, "ws.article.trace"),
		js, filepath.Join(dir, "ws.article.json"),
		filepath.Join(prof, "cpu.pb.gz"), filepath.Join(prof, "article", "schedlat.pb.gz"),
	} {
		fi, err := os.Stat(f)
		if err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v (empty?)", f, err)
		}
	}
	for _, want := range []string{"outputs", "go tool trace " + tr, "handoffs", "preempts"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, stdout.String())
		}
	}
	data, err := os.ReadFile(st)
	if err != nil {
		t.Fatal(err)
	}
	var stats map[string]any
	if err := json.Unmarshal(data, &stats); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"virtual_ns", "goroutines_created", "steals", "sched_latency_ns", "runs", "scenario", "seed", "metrics"} {
		if _, ok := stats[k]; !ok {
			t.Errorf("--stats has no %q key", k)
		}
	}
	m, _ := stats["metrics"].(map[string]any)
	if h, _ := m["/sched/latencies:seconds"].(map[string]any); h["buckets"] == nil {
		t.Errorf("metrics lack the /sched/latencies:seconds histogram: %v", m["/sched/latencies:seconds"])
	}
	if m["/gmp/sched/steals:events"] != stats["steals"] {
		t.Errorf("/gmp/sched/steals:events = %v, steals = %v", m["/gmp/sched/steals:events"], stats["steals"])
	}
}

func TestRunOutputsUnwritable(t *testing.T) {
	resetRunFlags(t)
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o644)
	for _, args := range [][]string{
		{"--trace", filepath.Join(dir, "missing", "x.trace")},
		{"--perfetto", filepath.Join(dir, "missing", "x.json")},
		{"--pprof", filepath.Join(blocker, "prof")},
	} {
		cmdRun.Flags.VisitAll(func(f *flag.Flag) { f.Value.Set(f.DefValue) })
		var stdout, stderr bytes.Buffer
		code := gmpMain(append(append([]string{"run"}, args...), "runnext"), &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), args[0]) {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
		if stdout.Len() != 0 {
			t.Errorf("%v: the scenario ran:\n%s", args, stdout.String())
		}
	}
}
