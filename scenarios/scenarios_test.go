package scenarios_test

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/scenarios"
)

func run(t *testing.T, s *scenarios.Scenario, cfg gmp.Config, procsSet bool) (string, []scenarios.Run) {
	t.Helper()
	var out bytes.Buffer
	if !procsSet {
		cfg.Procs = s.Procs
	}
	r := &scenarios.Runner{Config: cfg, ProcsSet: procsSet, Out: &out, Diag: io.Discard}
	if err := s.Run(r); err != nil {
		t.Fatalf("%s: %v", s.Name, err)
	}
	if len(r.Runs) == 0 {
		t.Fatalf("%s ran no simulation", s.Name)
	}
	var labels []string
	for _, run := range r.Runs {
		if run.Err != nil {
			t.Fatalf("%s/%s: %v", s.Name, run.Label, run.Err)
		}
		labels = append(labels, run.Label)
	}
	// The command names each run's output files from the declared
	// labels before anything runs: they must be the runs made.
	if !slices.Equal(labels, s.Runs) {
		t.Errorf("%s ran %q, but declares Runs %q", s.Name, labels, s.Runs)
	}
	return out.String(), r.Runs
}

// TestScenarios runs every scenario with its defaults, checks the report
// is deterministic (the same bytes twice), names its seed-article section,
// and differs for a different seed when the scenario runs Ps in parallel.
func TestScenarios(t *testing.T) {
	all := scenarios.All()
	if len(all) < 10 {
		t.Errorf("only %d scenarios registered", len(all))
	}
	for _, s := range all {
		t.Run(s.Name, func(t *testing.T) {
			if s.Section == "" || !strings.HasPrefix(s.Section, "§") || s.Summary == "" || s.Doc == "" {
				t.Errorf("scenario %s lacks its section, summary or doc", s.Name)
			}
			out1, _ := run(t, s, gmp.Config{Seed: 1}, false)
			out2, _ := run(t, s, gmp.Config{Seed: 1}, false)
			if out1 != out2 {
				t.Fatalf("report differs between two runs with the same seed:\n%s\n---\n%s", out1, out2)
			}
			if !strings.Contains(out1, s.Section) {
				t.Errorf("report does not name its section %s", s.Section)
			}
		})
	}
}
