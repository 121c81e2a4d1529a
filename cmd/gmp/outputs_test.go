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

// TestRunOutputsClash: outputs that would overwrite each other — the same
// file for two flags (however spelled), or a later simulation's derived
// name landing on another output — are refused before anything runs, and
// existing files are left as they were.
func TestRunOutputsClash(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("old", []byte("keep"), 0o644)
	os.Symlink("old", "link")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--trace", "old", "--perfetto", "old"}, "--trace and --perfetto both write old"},
		{[]string{"--trace", "old", "--perfetto", "./old"}, "same file"},
		{[]string{"--trace", "old", "--stats", "link"}, "same file"},
		{[]string{"--stats", "old", "--pprof", "old"}, "needs as a directory"},
		{[]string{"--trace", "p/cpu.pb.gz", "--pprof", "p"}, "both write p/cpu.pb.gz"},
		// workstealing runs "go" then "article": the second run's trace
		// would be t.article.out, the file given to --perfetto.
		{[]string{"--trace", "t.out", "--perfetto", "t.article.out"}, `--trace's output for simulation "article"`},
		{[]string{"--perfetto", "p/article/cpu.pb.gz", "--pprof", "p"}, `--pprof's output for simulation "article"`},
		{[]string{"--trace", "-"}, "only --stats can write to standard output"},
	} {
		resetRunFlags(t)
		cmdRun.Flags.VisitAll(func(f *flag.Flag) { f.Value.Set(f.DefValue) })
		var stdout, stderr bytes.Buffer
		code := gmpMain(append(append([]string{"run"}, c.args...), "workstealing"), &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and %q", c.args, code, stderr.String(), c.want)
		}
		if stdout.Len() != 0 {
			t.Errorf("%v: the scenario ran", c.args)
		}
		if b, _ := os.ReadFile("old"); string(b) != "keep" {
			t.Errorf("%v: old was overwritten (%d bytes)", c.args, len(b))
		}
		for _, f := range []string{"t.out", "p/cpu.pb.gz", "-"} {
			if _, err := os.Stat(f); err == nil {
				t.Errorf("%v: %s was created", c.args, f)
			}
		}
	}
}

// TestRunStatsStdout: --stats - writes the JSON alone to standard output
// (the report goes to standard error), the same bytes for the same seed,
// and creates no file named "-".
func TestRunStatsStdout(t *testing.T) {
	t.Chdir(t.TempDir())
	var outs [2]string
	for i := range outs {
		resetRunFlags(t)
		cmdRun.Flags.VisitAll(func(f *flag.Flag) { f.Value.Set(f.DefValue) })
		var stdout, stderr bytes.Buffer
		if code := gmpMain([]string{"run", "workstealing", "--stats", "-"}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr.String())
		}
		var stats map[string]any
		if err := json.Unmarshal(stdout.Bytes(), &stats); err != nil {
			t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout.String())
		}
		if stats["scenario"] != "workstealing" || stats["runs"] == nil {
			t.Errorf("stats: %v", stats)
		}
		if !strings.Contains(stderr.String(), "workstealing (§2.2)") || !strings.Contains(stderr.String(), "summary") {
			t.Errorf("the report is not on stderr:\n%s", stderr.String())
		}
		outs[i] = stdout.String()
	}
	if outs[0] != outs[1] {
		t.Error("--stats - printed different bytes for the same seed")
	}
	if _, err := os.Stat("-"); err == nil {
		t.Error(`a file named "-" was created`)
	}
}
