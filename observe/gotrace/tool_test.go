package gotrace_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gmplab/gmp/observe/gotrace"
)

// TestGoToolTrace feeds generated traces to `go tool trace`: -d=parsed reads
// every event, and -pprof builds the goroutine summaries behind the web UI's
// profiles.
func TestGoToolTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool trace")
	}
	goBin, err := exec.LookPath("go") // go test puts its own GOROOT/bin first in PATH
	if err != nil {
		t.Skipf("no go binary: %v", err)
	}
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
			cmd := exec.Command(goBin, append(append([]string{"tool", "trace"}, args...), file)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("%s: go tool trace %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
				continue
			}
			if stdout.Len() == 0 {
				t.Errorf("%s: go tool trace %s printed nothing", name, strings.Join(args, " "))
			}
			if args[0] == "-d=parsed" && name == "scenario" {
				for _, want := range []string{"Reason=\"chan receive\"", "Reason=\"runtime.Gosched\"", "Category=\"reader\""} {
					if !strings.Contains(stdout.String(), want) {
						t.Errorf("scenario: -d=parsed output lacks %s", want)
					}
				}
			}
		}
	}
}
