package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var gmpBin string

func TestMain(m *testing.M) {
	if os.Getenv("GMP_TEST_AS_GMP") == "1" {
		// Be the gmp command, with the test scenarios (signal_test.go).
		registerTestScenarios()
		main()
		return
	}
	dir, err := os.MkdirTemp("", "gmp-cmd-test-")
	if err != nil {
		panic(err)
	}
	gmpBin = filepath.Join(dir, "gmp")
	if out, err := exec.Command("go", "build", "-o", gmpBin, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

func runGmp(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(gmpBin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

// TestUsageErrors: bad input gets a clear message and a non-zero exit,
// never a stack trace.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "Usage:"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"run"}, 2, "no scenario given"},
		{[]string{"run", "nosuch"}, 2, `unknown scenario "nosuch"`},
		{[]string{"run", "runnext", "extra"}, 2, "too many arguments"},
		{[]string{"run", "runnext", "--procs=abc"}, 2, "invalid value"},
		{[]string{"run", "runnext", "--procs", "0"}, 2, "must be at least 1"},
		{[]string{"run", "runnext", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"run", "runnext", "--schedtrace", "soon"}, 1, "--schedtrace=soon"},
		{[]string{"run", "runnext", "--scheddetail"}, 1, "needs --schedtrace"},
		{[]string{"run", "runnext", "--version", "go1.19"}, 2, `"go1.19": want go1.24, go1.25, go1.26`},
		{[]string{"run", "runnext", "--preempt", "sometimes"}, 2, `"sometimes": want async, cooperative`},
		// Sweeps: a bad element, an empty range, a huge sweep, an
		// unwritable report — all before anything runs.
		{[]string{"run", "runnext", "--procs", "1,x,4"}, 2, `"x" is not a number`},
		{[]string{"run", "runnext", "--seeds", "5-1"}, 2, `empty range "5-1"`},
		{[]string{"run", "runnext", "--procs", "1,2,1"}, 2, "1 appears twice"},
		{[]string{"run", "runnext", "--version", "go1.25,"}, 2, `"": want`},
		{[]string{"run", "runnext", "--cost", "Bogus=1"}, 2, `unknown cost "Bogus"`},
		{[]string{"run", "runnext", "--cost", "SyscallEnter=fast"}, 2, `"fast" is not a duration`},
		{[]string{"run", "runnext", "--procs", "1-100", "--seeds", "1-100"}, 1, "10000 simulations: add --yes"},
		{[]string{"run", "runnext", "--procs", "1,2", "--html", "/nonexistent-dir/r.html"}, 1, "--html:"},
		{[]string{"run", "runnext", "--procs", "1,2", "--csv", "/nonexistent-dir/r.csv"}, 1, "--csv:"},
		{[]string{"run", "runnext", "--html", "/nonexistent-dir/r.html"}, 1, "--html:"},
		{[]string{"run", "runnext", "--procs", "1,2", "--trace", "t.out"}, 1, "this is a sweep"},
		{[]string{"run", "runnext", "--procs", "1,2", "--csv", "same", "--json", "same"}, 1, "a file of its own"},
		{[]string{"run", "runnext", "--stats", "/nonexistent/dir/stats.json"}, 1, "--stats"},
		{[]string{"list", "x"}, 2, "unexpected arguments"},
	} {
		r := runGmp(t, nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("gmp %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.code, tc.msg)
		}
		if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
			t.Errorf("gmp %s printed a stack trace:\n%s", strings.Join(tc.args, " "), r.stderr)
		}
		if tc.code != 0 && strings.Contains(r.stdout, "summary") {
			t.Errorf("gmp %s ran the scenario despite the error", strings.Join(tc.args, " "))
		}
	}
}

// TestList: one line per scenario with its name and section.
func TestList(t *testing.T) {
	r := runGmp(t, nil, "list")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	for _, name := range []string{"spawn100k", "states", "workstealing", "runnext"} {
		if !strings.Contains(r.stdout, name+" ") {
			t.Errorf("list lacks %s:\n%s", name, r.stdout)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if f := strings.Fields(l); len(f) < 3 || !strings.HasPrefix(f[1], "§") {
			t.Errorf("list line %q lacks a section", l)
		}
	}
}

// TestRunDeterministic: the same seed prints the same report; flags work
// after the scenario name as well as before it.
func TestRunDeterministic(t *testing.T) {
	a := runGmp(t, nil, "run", "workstealing", "--seed", "5")
	b := runGmp(t, nil, "run", "--seed=5", "workstealing")
	c := runGmp(t, nil, "run", "workstealing", "--seed", "6")
	if a.code != 0 || b.code != 0 || c.code != 0 {
		t.Fatal(a.stderr, b.stderr, c.stderr)
	}
	if a.stdout != b.stdout {
		t.Error("same seed, different reports")
	}
	if a.stdout == c.stdout {
		t.Error("seeds 5 and 6 gave the same workstealing report")
	}
}

// TestStats: --stats writes the required keys.
func TestStats(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stats.json")
	r := runGmp(t, nil, "run", "workstealing", "--stats", path)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"virtual_ns", "goroutines_created", "goroutines_max", "context_switches", "steals", "stolen_gs",
		"global_runq_gets", "runnext_hits", "spinning_ms_max", "threads_max", "sched_latency_ns",
		"chan_sends", "chan_recvs", "chan_blocks", "select_calls", "mutex_spins", "mutex_starvation_entries", "mutex_wait_ns",
		"sema_handoffs", "deadlock", "leaked_goroutines", "syscalls", "syscall_handoffs", "exitsyscall_fast", "exitsyscall_slow",
		"preemptions", "sysmon_wakeups", "netpoll_ready", "timers_fired", "runs"} {
		if _, ok := m[k]; !ok {
			t.Errorf("stats lack %q", k)
		}
	}
	lat, _ := m["sched_latency_ns"].(map[string]any)
	for _, k := range []string{"p50", "p99", "max"} {
		if _, ok := lat[k]; !ok {
			t.Errorf("sched_latency_ns lacks %q", k)
		}
	}
}

// TestSchedtraceFlags: schedtrace lines go to stderr, from the flag or
// from GMPDEBUG.
func TestSchedtraceFlags(t *testing.T) {
	r := runGmp(t, nil, "run", "runnext", "--schedtrace", "100us", "--scheddetail")
	if r.code != 0 || !strings.HasPrefix(r.stderr, "SCHED 0ms: gomaxprocs=1 ") || !strings.Contains(r.stderr, "  G1: status=") {
		t.Errorf("--schedtrace: exit %d, stderr %q", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "SCHED") {
		t.Error("schedtrace lines on stdout")
	}
	r = runGmp(t, []string{"GMPDEBUG=schedtrace=1"}, "run", "workstealing")
	if r.code != 0 || !strings.HasPrefix(r.stderr, "SCHED 0ms: gomaxprocs=4 ") {
		t.Errorf("GMPDEBUG: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runGmp(t, []string{"GMPDEBUG=schedtrace=x"}, "run", "runnext")
	if r.code == 0 || !strings.Contains(r.stderr, "GMPDEBUG") {
		t.Errorf("bad GMPDEBUG: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestHelp: help for each command.
func TestHelp(t *testing.T) {
	for _, c := range []string{"run", "list", "test", "explore"} {
		r := runGmp(t, nil, "help", c)
		if r.code != 0 || !strings.Contains(r.stdout, "usage: gmp "+c) {
			t.Errorf("gmp help %s: %q", c, r.stdout)
		}
	}
	if r := runGmp(t, nil, "run", "-h"); r.code != 0 || !strings.Contains(r.stdout, "--procs") && !strings.Contains(r.stdout, "-procs") {
		t.Errorf("gmp run -h: %q", r.stdout)
	}
}
