package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSweepTable: a sweep's figures are those of the same configuration
// run alone (its --stats), seed by seed; the same sweep writes the same
// table, CSV, JSON and HTML bytes whatever the number of workers.
func TestSweepTable(t *testing.T) {
	dir := t.TempDir()
	files := func(tag string) (string, string, string) {
		return filepath.Join(dir, tag+".csv"), filepath.Join(dir, tag+".json"), filepath.Join(dir, tag+".html")
	}
	c1, j1, h1 := files("a")
	r1 := runGmp(t, nil, "run", "schedtrace", "--procs", "1,2", "--seeds", "1-2", "--csv", c1, "--json", j1, "--html", h1, "--jobs", "2")
	if r1.code != 0 {
		t.Fatalf("sweep: %d\n%s", r1.code, r1.stderr)
	}
	c2, j2, h2 := files("b")
	r2 := runGmp(t, nil, "run", "schedtrace", "--procs", "1,2", "--seeds", "1-2", "--csv", c2, "--json", j2, "--html", h2, "--jobs", "1")
	if r2.code != 0 {
		t.Fatalf("sweep: %d\n%s", r2.code, r2.stderr)
	}
	norm := func(s string) string { return strings.ReplaceAll(s, "/b.", "/a.") }
	if norm(r2.stdout) != r1.stdout {
		t.Errorf("the table depends on the workers:\n%s\n%s", r1.stdout, r2.stdout)
	}
	for _, p := range [][2]string{{c1, c2}, {j1, j2}} {
		a, _ := os.ReadFile(p[0])
		b, _ := os.ReadFile(p[1])
		if !bytes.Equal(a, b) {
			t.Errorf("%s and %s differ", p[0], p[1])
		}
	}
	// The HTML holds the command line, which names its own files and --jobs.
	a, _ := os.ReadFile(h1)
	b, _ := os.ReadFile(h2)
	if strings.Replace(norm(string(b)), "--jobs 1", "--jobs 2", -1) != norm(string(a)) || !bytes.Contains(a, []byte(`"sweep"`)) {
		t.Errorf("the HTML reports differ, or hold no sweep")
	}
	var table struct {
		Rows []struct {
			Config  map[string]string `json:"config"`
			Seeds   []uint64          `json:"seeds"`
			Figures map[string]struct {
				Values []float64 `json:"values"`
			} `json:"figures"`
		} `json:"rows"`
	}
	raw, _ := os.ReadFile(j1)
	if err := json.Unmarshal(raw, &table); err != nil {
		t.Fatal(err)
	}
	if len(table.Rows) != 2 {
		t.Fatalf("%d rows, want 2", len(table.Rows))
	}
	for _, row := range table.Rows {
		for i, seed := range row.Seeds {
			stats := filepath.Join(dir, "stats.json")
			r := runGmp(t, nil, "run", "schedtrace", "--procs", row.Config["procs"], "--seed", itoa(seed), "--stats", stats)
			if r.code != 0 {
				t.Fatal(r.stderr)
			}
			var st map[string]any
			b, _ := os.ReadFile(stats)
			json.Unmarshal(b, &st)
			lat := st["sched_latency_ns"].(map[string]any)
			for fig, want := range map[string]float64{
				"virtual_ns": st["virtual_ns"].(float64), "context_switches": st["context_switches"].(float64),
				"steals": st["steals"].(float64), "threads_max": st["threads_max"].(float64),
				"sched_latency_p99_ns": lat["p99"].(float64),
			} {
				if got := row.Figures[fig].Values[i]; got != want {
					t.Errorf("procs=%s seed %d: %s is %v in the sweep, %v alone", row.Config["procs"], seed, fig, got, want)
				}
			}
		}
	}
}

func itoa(v uint64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestPackageSweep: a sweep of a package main (translated and built once,
// run per configuration) gives one row per configuration whose figures
// are, seed by seed, those of the same configuration run alone (its
// --stats); the program's output stays out of the table, its task
// latencies are in it, and a configuration whose runs panic says so.
func TestPackageSweep(t *testing.T) {
	const pkg = "./testdata/sweepprog"
	dir := t.TempDir()
	csvFile, jsonFile, htmlFile := filepath.Join(dir, "s.csv"), filepath.Join(dir, "s.json"), filepath.Join(dir, "s.html")
	r := runGmp(t, nil, "run", pkg, "--procs", "1,2", "--seeds", "1-2", "--csv", csvFile, "--json", jsonFile, "--html", htmlFile, "--jobs", "2")
	if r.code != 0 {
		t.Fatalf("sweep: %d\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "sweep of "+pkg+": 2 configurations × 2 seeds = 4 simulations\n") || strings.Contains(r.stdout, "sweepprog: sum") {
		t.Errorf("the table's heading is wrong, or the program's output is in it:\n%s", r.stdout)
	}
	f, err := os.Open(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d CSV records, want a header and 2 rows:\n%v", len(recs), recs)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"procs", "run", "seeds", "result", "virtual_ns_median", "task step p50_ns_median", "task step p99_ns_max", "region wait p50_ns_median"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("CSV has no column %q: %v", h, recs[0])
		}
	}
	rows := recs[1:]
	for i, procs := range []string{"1", "2"} {
		row := rows[i]
		if row[col["procs"]] != procs || row[col["run"]] != "main" || row[col["seeds"]] != "2" || row[col["result"]] != "ok" {
			t.Errorf("row %d: procs %s, run %s, seeds %s, result %s; want procs %s, main, 2 seeds, ok", i, row[col["procs"]], row[col["run"]], row[col["seeds"]], row[col["result"]], procs)
		}
		// Each of the four steps sleeps at least 100µs.
		if v, _ := strconv.ParseFloat(row[col["task step p50_ns_median"]], 64); v < 100e3 {
			t.Errorf("procs=%s: task step p50 is %v ns, want at least 100µs", procs, v)
		}
		// The figures are, seed by seed, those of the configuration run
		// alone: the CSV's median, min and max over the two seeds.
		lat := func(q string) func(map[string]any) float64 {
			return func(st map[string]any) float64 { return st["sched_latency_ns"].(map[string]any)[q].(float64) }
		}
		top := func(k string) func(map[string]any) float64 {
			return func(st map[string]any) float64 { return st[k].(float64) }
		}
		figs := map[string]func(map[string]any) float64{
			"sched_latency_p50_ns": lat("p50"), "sched_latency_p99_ns": lat("p99"), "sched_latency_max_ns": lat("max"),
		}
		for _, k := range []string{"virtual_ns", "steals", "threads_max", "goroutines_created", "context_switches", "runnext_hits", "chan_blocks", "preemptions", "syscall_handoffs"} {
			figs[k] = top(k)
		}
		alone := map[string][]float64{}
		for _, seed := range []string{"1", "2"} {
			stats := filepath.Join(dir, "stats-"+procs+"-"+seed+".json")
			r := runGmp(t, nil, "run", pkg, "--procs", procs, "--seed", seed, "--stats", stats)
			if r.code != 0 || r.stdout != "sweepprog: sum 14\n" {
				t.Fatalf("gmp run %s --procs %s --seed %s: %d\n%s%s", pkg, procs, seed, r.code, r.stdout, r.stderr)
			}
			var st map[string]any
			b, _ := os.ReadFile(stats)
			if err := json.Unmarshal(b, &st); err != nil {
				t.Fatalf("--stats: %v\n%s", err, b)
			}
			if st["procs"].(float64) != float64(i+1) || st["program"] != pkg || st["seed"] != seed {
				t.Errorf("--stats of procs=%s seed %s: procs %v, program %v, seed %v", procs, seed, st["procs"], st["program"], st["seed"])
			}
			for k, get := range figs {
				alone[k] = append(alone[k], get(st))
			}
		}
		for k, vs := range alone {
			want := []float64{(vs[0] + vs[1]) / 2, min(vs[0], vs[1]), max(vs[0], vs[1])}
			for j, suffix := range []string{"_median", "_min", "_max"} {
				got, err := strconv.ParseFloat(row[col[k+suffix]], 64)
				if err != nil || got != want[j] {
					t.Errorf("procs=%s: %s%s is %s in the sweep, %v from the runs alone (%v)", procs, k, suffix, row[col[k+suffix]], want[j], vs)
				}
			}
		}
	}
	// One P and two differ where they should.
	for _, k := range []string{"procs", "virtual_ns_median", "threads_max_median", "sched_latency_p99_ns_median"} {
		if rows[0][col[k]] == rows[1][col[k]] {
			t.Errorf("%s is %s on 1 and on 2 Ps", k, rows[0][col[k]])
		}
	}
	raw, _ := os.ReadFile(jsonFile)
	var table struct {
		Rows []struct {
			Config map[string]string `json:"config"`
			Seeds  []uint64          `json:"seeds"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(raw, &table); err != nil || len(table.Rows) != 2 || table.Rows[1].Config["procs"] != "2" || len(table.Rows[1].Seeds) != 2 {
		t.Errorf("--json: %v\n%s", err, raw)
	}
	page, _ := os.ReadFile(htmlFile)
	if !bytes.Contains(page, []byte(`"sweep"`)) || !bytes.Contains(page, []byte(`procs=2`)) {
		t.Errorf("the HTML report holds no sweep, or no configuration procs=2")
	}

	// The program's arguments are its own; the configuration whose runs
	// panic says so, the others run on.
	r = runGmp(t, nil, "run", pkg, "--procs", "1,2", "panic")
	if r.code != 0 {
		t.Fatalf("sweep of a panicking configuration: %d\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 5 || !strings.Contains(lines[3], "1 panic") || !strings.Contains(lines[4], " ok ") {
		t.Errorf("want procs=1 panicking and procs=2 ok:\n%s", r.stdout)
	}
}

// TestPackageSweepBadInput: a package sweep's bad input is refused before
// the package is translated (the translation cache stays empty).
func TestPackageSweepBadInput(t *testing.T) {
	cache := t.TempDir()
	env := []string{"GMPCACHE=" + cache}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--procs", "1,x"}, 2, `"x" is not a number`},
		{[]string{"--seeds", "5-1"}, 2, "empty range"},
		{[]string{"--preempt", "async,sometimes"}, 2, `"sometimes"`},
		{[]string{"--procs", "1,2", "--trace", filepath.Join(cache, "t.out")}, 1, "--trace writes one simulation's output"},
		{[]string{"--procs", "1,2", "--csv", filepath.Join(cache, "no", "such", "dir.csv")}, 1, "--csv:"},
		{[]string{"--procs", "1-2000", "--seeds", "1"}, 1, "add --yes"},
	} {
		r := runGmp(t, env, append([]string{"run", "./testdata/sweepprog"}, tc.args...)...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) || strings.Contains(r.stderr, "goroutine ") {
			t.Errorf("gmp run ./testdata/sweepprog %s: exit %d, want %d with %q\n%s", strings.Join(tc.args, " "), r.code, tc.code, tc.msg, r.stderr)
		}
		if ents, _ := os.ReadDir(cache); len(ents) > 0 {
			t.Fatalf("gmp run ./testdata/sweepprog %s translated the package before refusing it (%s holds %s)", strings.Join(tc.args, " "), cache, ents[0].Name())
		}
	}
}
