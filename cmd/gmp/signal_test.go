package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	stdtime "time"

	"golang.org/x/exp/trace"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/scenarios"
)

// The signal tests run this test binary as the gmp command (TestMain sees
// GMP_TEST_AS_GMP) with one more scenario, test-interrupt: two
// simulations, the first of which waits in wall time for the test to
// create a file, so that a signal surely arrives while it runs.

func registerTestScenarios() {
	scenarios.Register(&scenarios.Scenario{
		Name:    "test-interrupt",
		Section: "§0",
		Summary: "test only: a simulation that waits for the test",
		Doc:     "test only",
		Runs:    []string{"first", "second"},
		Run: func(r *scenarios.Runner) error {
			for _, label := range []string{"first", "second"} {
				_, err := r.Sim(label, func(c *gmp.Config) { c.Watchdog = -1 }, func() {
					ch := gmp.MakeChan[int](0)
					gmp.Go(func() { gmp.Work(stdtime.Millisecond); ch.Send(1) })
					ch.Recv()
					if label != "first" {
						return
					}
					os.WriteFile(os.Getenv("GMP_TEST_READY"), nil, 0o644)
					for start := stdtime.Now(); stdtime.Since(start) < 30*stdtime.Second; {
						if _, err := os.Stat(os.Getenv("GMP_TEST_GO")); err == nil {
							break
						}
						stdtime.Sleep(5 * stdtime.Millisecond) // wall time: the test's signal arrives now
					}
					gmp.Work(stdtime.Millisecond)
				})
				if err != nil {
					return err
				}
				r.Printf("%s done\n", label)
			}
			return nil
		},
	})
}

// interruptRun starts gmp run test-interrupt with args, waits until the
// first simulation runs, and returns the command, its stderr lines, and
// the paths of the ready and go-ahead files.
type interruptRun struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	lines  chan string
	stderr strings.Builder
	goFile string
}

func startInterruptRun(t *testing.T, dir string, args ...string) *interruptRun {
	t.Helper()
	ready := filepath.Join(dir, "ready")
	ir := &interruptRun{lines: make(chan string, 100), goFile: filepath.Join(dir, "go")}
	ir.cmd = exec.Command(os.Args[0], append([]string{"run", "test-interrupt"}, args...)...)
	ir.cmd.Env = append(os.Environ(), "GMP_TEST_AS_GMP=1", "GMP_TEST_READY="+ready, "GMP_TEST_GO="+ir.goFile)
	ir.cmd.Stdout = &ir.stdout
	pipe, err := ir.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := ir.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			ir.lines <- sc.Text()
		}
		close(ir.lines)
	}()
	for start := stdtime.Now(); ; stdtime.Sleep(5 * stdtime.Millisecond) {
		if _, err := os.Stat(ready); err == nil {
			return ir
		}
		if stdtime.Since(start) > 30*stdtime.Second {
			ir.cmd.Process.Kill()
			t.Fatal("the first simulation never started")
		}
	}
}

// waitLine reads stderr until a line contains want.
func (ir *interruptRun) waitLine(t *testing.T, want string) {
	t.Helper()
	timeout := stdtime.After(30 * stdtime.Second)
	for {
		select {
		case l, ok := <-ir.lines:
			if !ok {
				t.Fatalf("stderr ended without %q:\n%s", want, ir.stderr.String())
			}
			ir.stderr.WriteString(l + "\n")
			if strings.Contains(l, want) {
				return
			}
		case <-timeout:
			ir.cmd.Process.Kill()
			t.Fatalf("no %q on stderr:\n%s", want, ir.stderr.String())
		}
	}
}

// wait waits for the process and returns its exit code.
func (ir *interruptRun) wait(t *testing.T) int {
	t.Helper()
	for l := range ir.lines {
		ir.stderr.WriteString(l + "\n")
	}
	err := ir.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

func validTrace(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := trace.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for {
		if _, err := r.ReadEvent(); err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
}

// TestInterrupt: the first SIGINT or SIGTERM lets the simulation in
// progress finish with complete files, runs no other, and exits 128+n
// with a message; --stats holds the runs made.
func TestInterrupt(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			tr, js, st := filepath.Join(dir, "t.trace"), filepath.Join(dir, "t.json"), filepath.Join(dir, "stats.json")
			ir := startInterruptRun(t, dir, "--trace", tr, "--perfetto", js, "--stats", st, "--pprof", filepath.Join(dir, "prof"))
			ir.cmd.Process.Signal(sig)
			ir.waitLine(t, `finishing simulation "first"`)
			os.WriteFile(ir.goFile, nil, 0o644)
			code := ir.wait(t)
			if code != 128+int(sig) {
				t.Errorf("exit %d, want %d\n%s", code, 128+int(sig), ir.stderr.String())
			}
			if !strings.Contains(ir.stderr.String(), "stopped after 1 of 2 simulations") {
				t.Errorf("stderr lacks the stop message:\n%s", ir.stderr.String())
			}
			out := ir.stdout.String()
			if !strings.Contains(out, "first done") || strings.Contains(out, "second") || !strings.Contains(out, "summary") {
				t.Errorf("report:\n%s", out)
			}
			validTrace(t, tr)
			if b, err := os.ReadFile(js); err != nil || !json.Valid(b) {
				t.Errorf("perfetto JSON: %v (valid: %v)", err, json.Valid(b))
			}
			for _, f := range []string{filepath.Join(dir, "t.second.trace"), filepath.Join(dir, "t.second.json"), filepath.Join(dir, "prof", "second")} {
				if _, err := os.Stat(f); err == nil {
					t.Errorf("%s exists: the second simulation ran", f)
				}
			}
			var stats map[string]any
			b, _ := os.ReadFile(st)
			if err := json.Unmarshal(b, &stats); err != nil {
				t.Fatalf("stats: %v", err)
			}
			if runs, _ := stats["runs"].(map[string]any); len(runs) != 1 || runs["first"] == nil || stats["interrupted"] != true {
				t.Errorf("stats: runs %v, interrupted %v", stats["runs"], stats["interrupted"])
			}
		})
	}
}

// TestInterruptTwice: a second signal stops at once and removes the
// unfinished files of the simulation in progress.
func TestInterruptTwice(t *testing.T) {
	dir := t.TempDir()
	tr, js, st := filepath.Join(dir, "t.trace"), filepath.Join(dir, "t.json"), filepath.Join(dir, "stats.json")
	ir := startInterruptRun(t, dir, "--trace", tr, "--perfetto", js, "--stats", st, "--pprof", filepath.Join(dir, "prof"))
	ir.cmd.Process.Signal(syscall.SIGINT)
	ir.waitLine(t, `finishing simulation "first"`)
	ir.cmd.Process.Signal(syscall.SIGINT)
	code := ir.wait(t)
	if code != 130 {
		t.Errorf("exit %d, want 130\n%s", code, ir.stderr.String())
	}
	if !strings.Contains(ir.stderr.String(), "removed its unfinished files: "+tr) {
		t.Errorf("stderr:\n%s", ir.stderr.String())
	}
	for _, f := range []string{tr, js, st, filepath.Join(dir, "prof", "cpu.pb.gz")} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s was left behind", f)
		}
	}
}
