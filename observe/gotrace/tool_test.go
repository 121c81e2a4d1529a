package gotrace_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gmplab/gmp/internal/gotool"
	"github.com/gmplab/gmp/observe/gotrace"
)

// TestGoToolTrace feeds generated traces to `go tool trace`: -d=parsed reads
// every event, and -pprof builds the goroutine summaries behind the web UI's
// profiles.
func TestGoToolTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool trace")
	}
	gotool.Path(t, "trace") // skip early if there is no tool
	dir := t.TempDir()

	var scen bytes.Buffer
	w := gotrace.NewWriter(&scen, gotrace.Options{GenerationEvents: 7})
	scenario(w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var random bytes.Buffer
	w = gotrace.NewWriter(&random, gotrace.Options{GenerationEvents: 5000})
	s := newSim(w, 42, 4)
	for range 30_000 {
		s.step()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	for name, data := range map[string][]byte{"scenario": scen.Bytes(), "random": random.Bytes()} {
		file := filepath.Join(dir, name+".trace")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"-d=parsed"}, {"-pprof=sched"}, {"-pprof=sync"}, {"-pprof=syscall"}} {
			t.Run(name+"/"+strings.TrimPrefix(args[0], "-"), func(t *testing.T) {
				t.Parallel()
				stdout, stderr, err := gotool.Run(t, "trace", nil, append(args, file)...)
				if err != nil {
					t.Fatalf("go tool trace %s: %v\n%s", strings.Join(args, " "), err, stderr)
				}
				if stdout == "" {
					t.Errorf("go tool trace %s printed nothing", strings.Join(args, " "))
				}
				if args[0] == "-d=parsed" && name == "scenario" {
					for _, want := range []string{"Reason=\"chan receive\"", "Reason=\"runtime.Gosched\"", "Category=\"reader\""} {
						if !strings.Contains(stdout, want) {
							t.Errorf("-d=parsed output lacks %s", want)
						}
					}
				}
			})
		}
	}
}
