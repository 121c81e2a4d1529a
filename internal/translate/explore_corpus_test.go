package translate_test

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gmplab/gmp/gmptest/corpus"
)

// The explorer's corpus (gmptest/corpus) in ordinary Go: under
// testdata/translate/pkgs/corpus every program of the corpus is a pair of
// tests, TestX with the bug and TestXFixed with its fix, X the program's
// name in CamelCase.

// corpusTestName is the test of the ordinary-Go version of the corpus
// program name: lock-order is TestLockOrder.
func corpusTestName(name string) string {
	var b strings.Builder
	b.WriteString("Test")
	for w := range strings.SplitSeq(name, "-") {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// quickBugs are the programs TestExploreBugCorpus explores with -short: a
// deadlock, a leak, a panic and a t.Error.
var quickBugs = []string{"cond-lost-signal", "leaked-sender", "receiver-closes", "lost-update"}

// A corpusFinding is one distinct failure gmp test's exploration reported.
type corpusFinding struct {
	kind      string
	first     int // the index of the first failing run
	failing   int // how many runs failed so
	strategy  string
	decisions int // the shrunk schedule's deviations from the ordinary run (-1: not reported)
}

// A corpusResult is what gmp test -gmp.explore reported for one test.
type corpusResult struct {
	runs     int // runs explored (0: no summary line)
	findings []corpusFinding
	passed   bool // --- PASS
	failed   bool // --- FAIL
}

var (
	reFinding = regexp.MustCompile(`gmp explore: (Test\w+): ([a-z ]+) \((?:faithful|abstract) mode\), in (\d+) of \d+ runs; first at run (\d+), by (\w+)`)
	reShrunk  = regexp.MustCompile(`^\s*minimal schedule: (\d+) decision`)
	reSummary = regexp.MustCompile(`gmp explore: (Test\w+): (\d+) runs \(`)
	reVerdict = regexp.MustCompile(`^--- (PASS|FAIL): (Test\w+)`)
)

// parseExploreReport reads go test -v's output of an exploration: each
// test's distinct failures (kind, first failing run, shrunk length), its
// number of runs and its verdict.
func parseExploreReport(out string) map[string]*corpusResult {
	res := map[string]*corpusResult{}
	get := func(name string) *corpusResult {
		if res[name] == nil {
			res[name] = &corpusResult{}
		}
		return res[name]
	}
	var last *corpusFinding
	for line := range strings.SplitSeq(out, "\n") {
		if m := reFinding.FindStringSubmatch(line); m != nil {
			r := get(m[1])
			failing, _ := strconv.Atoi(m[3])
			first, _ := strconv.Atoi(m[4])
			r.findings = append(r.findings, corpusFinding{kind: m[2], first: first, failing: failing, strategy: m[5], decisions: -1})
			last = &r.findings[len(r.findings)-1]
			continue
		}
		if m := reShrunk.FindStringSubmatch(line); m != nil && last != nil {
			last.decisions, _ = strconv.Atoi(m[1])
			last = nil
			continue
		}
		if m := reSummary.FindStringSubmatch(line); m != nil {
			get(m[1]).runs, _ = strconv.Atoi(m[2])
			continue
		}
		if m := reVerdict.FindStringSubmatch(line); m != nil {
			r := get(m[2])
			r.passed, r.failed = m[1] == "PASS", m[1] == "FAIL"
		}
	}
	return res
}

// TestExploreBugCorpus runs gmp test -gmp.explore on the corpus in
// ordinary Go: every buggy test fails, its first failure the kind the
// corpus declares (corpus.Bug.Want), on a schedule that differs from the
// ordinary one (its shrunk schedule is not empty: the ordinary schedule
// passes); every fixed test passes every schedule. 1,000 schedules per
// test (the bugs are found within the first 150 at base seeds 1–5),
// 5,000 with GMP_TRANSLATE_FULL=1; -short explores the quickBugs only.
func TestExploreBugCorpus(t *testing.T) {
	bugs := corpus.All()
	runs := 1000
	if os.Getenv("GMP_TRANSLATE_FULL") != "" {
		runs = 5000
	} else if testing.Short() {
		var quick []corpus.Bug
		for _, b := range bugs {
			for _, q := range quickBugs {
				if b.Name == q {
					quick = append(quick, b)
				}
			}
		}
		if len(quick) != len(quickBugs) {
			t.Fatalf("quickBugs names a program the corpus does not have: %v", quickBugs)
		}
		bugs = quick
	}
	var names []string
	for _, b := range bugs {
		names = append(names, corpusTestName(b.Name))
	}
	run := "^(" + strings.Join(names, "|") + ")(Fixed)?$"
	// maxtime: spin-wait-missed-flag's livelock, as its gmp version's
	// Options.MaxTime (every other program ends within a few ms of
	// virtual time, and the explorer adds at most some tens).
	env := fmt.Sprintf("explore=%d,parallel=2,maxtime=200ms,faildir=%s", runs, t.TempDir())
	out := goTestTranslated(t, "../../testdata/translate/pkgs/corpus", env, "-v", "-run="+run)
	if strings.Contains(out, "uncontrolled nondeterminism") {
		t.Errorf("nondeterminism reported:\n%s", out)
	}
	res := parseExploreReport(out)
	for _, b := range bugs {
		name := corpusTestName(b.Name)
		r, fx := res[name], res[name+"Fixed"]
		if r == nil || fx == nil || r.runs == 0 || fx.runs == 0 {
			t.Errorf("%s: no exploration of %s and %sFixed in the output", b.Name, name, name)
			continue
		}
		switch {
		case len(r.findings) == 0 || !r.failed:
			t.Errorf("%s: %s: the bug was not found in %d runs", b.Name, name, r.runs)
		default:
			first := r.findings[0]
			for _, f := range r.findings[1:] {
				if f.first < first.first {
					first = f
				}
			}
			if first.kind != b.Want {
				t.Errorf("%s: %s: found a %s first (run %d), want a %s", b.Name, name, first.kind, first.first, b.Want)
			}
			for _, f := range r.findings {
				if f.decisions == 0 {
					t.Errorf("%s: %s: the ordinary schedule fails already (a %s): the corpus wants bugs that need a schedule", b.Name, name, f.kind)
				} else if f.decisions < 0 {
					t.Errorf("%s: %s: no minimal schedule reported for its %s", b.Name, name, f.kind)
				}
			}
			t.Logf("%-26s %-11s first at run %4d by %-6s in %4d of %d runs, %d decision(s) shrunk; fixed: %d runs, %s",
				b.Name, first.kind, first.first, first.strategy, first.failing, r.runs, first.decisions, fx.runs, map[bool]string{true: "clean", false: "FAILS"}[fx.passed && len(fx.findings) == 0])
		}
		if len(fx.findings) > 0 || !fx.passed {
			t.Errorf("%s: %sFixed fails under exploration (%d runs): %+v", b.Name, name, fx.runs, fx.findings)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}
