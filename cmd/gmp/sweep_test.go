package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
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
