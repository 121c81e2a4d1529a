package scenarios_test

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/scenarios"
)

// TestReportsFollowTheRun runs every scenario under flags other than its
// defaults — one, two and 64 Ps, cooperative preemption, the go1.25
// model, the wasm preset, another seed, a steal cap — and checks that what
// each report states agrees with what the run measured: the numbers it
// prints against the runs' Results, and each claim it makes against the
// condition that makes it true, computed here from the Results (not from
// the report's own text). A report must never print a fixed story its
// figures contradict.
func TestReportsFollowTheRun(t *testing.T) {
	configs := []struct {
		name     string
		cfg      gmp.Config
		procsSet bool
	}{
		{"default", gmp.Config{}, false},
		{"procs1", gmp.Config{Procs: 1}, true},
		{"procs2", gmp.Config{Procs: 2}, true},
		{"procs64", gmp.Config{Procs: 64}, true},
		{"coop", gmp.Config{Preempt: gmp.PreemptCooperative}, false},
		{"go1.25", gmp.Config{Version: "go1.25"}, false},
		{"wasm", gmp.Config{Preset: "wasm"}, false},
		{"seed7", gmp.Config{Seed: 7}, false},
		{"stealcap", gmp.Config{StealCap: 4}, false},
	}
	if testing.Short() {
		configs = configs[:2]
	}
	for _, s := range scenarios.All() {
		for _, c := range configs {
			t.Run(s.Name+"/"+c.name, func(t *testing.T) {
				out, runs := run(t, s, c.cfg, c.procsSet)
				rc := &reportCase{t: t, out: out, runs: runs, cfg: c.cfg}
				rc.checkProcs()
				rc.checkOverrides(s.Name)
				if check := reportChecks[s.Name]; check != nil {
					check(rc)
				} else {
					t.Errorf("no report check for scenario %s: add one to reportChecks", s.Name)
				}
				if t.Failed() {
					t.Logf("report:\n%s", out)
				}
			})
		}
	}
}

// reportCase is one scenario run under one configuration.
type reportCase struct {
	t    *testing.T
	out  string
	runs []scenarios.Run
	cfg  gmp.Config
}

func (c *reportCase) wasm() bool { return c.cfg.Preset == "wasm" }

// res returns the Result of the run labelled label.
func (c *reportCase) res(label string) *gmp.Result {
	for _, r := range c.runs {
		if r.Label == label {
			return r.Result
		}
	}
	c.t.Fatalf("no run %q", label)
	return nil
}

func (c *reportCase) procs(label string) int { return len(c.res(label).Procs) }

// has reports whether the report, its lines joined and its runs of spaces
// made one, matches the regular expression: a claim may wrap.
func (c *reportCase) has(re string) bool {
	flat := strings.Join(strings.Fields(c.out), " ")
	return regexp.MustCompile(re).MatchString(flat)
}

// claim checks that the report states claim (a regular expression) if and
// only if cond, the condition under which it is true, holds.
func (c *reportCase) claim(claim string, cond bool) {
	c.t.Helper()
	switch got := c.has(claim); {
	case got && !cond:
		c.t.Errorf("the report claims %q, which this run contradicts", claim)
	case !got && cond:
		c.t.Errorf("the report does not say %q, though this run shows it", claim)
	}
}

// never checks that the report does not state claim.
func (c *reportCase) never(claim string) {
	c.t.Helper()
	if c.has(claim) {
		c.t.Errorf("the report claims %q, which this run contradicts", claim)
	}
}

// nums returns the numbers captured by re's first group, in order.
func (c *reportCase) nums(re string) []float64 {
	c.t.Helper()
	var out []float64
	for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(c.out, -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			c.t.Fatalf("%q: %v", m[1], err)
		}
		out = append(out, v)
	}
	return out
}

// num returns the one number captured by re.
func (c *reportCase) num(re string) float64 {
	c.t.Helper()
	n := c.nums(re)
	if len(n) != 1 {
		c.t.Fatalf("want one match of %q in the report, got %d", re, len(n))
	}
	return n[0]
}

// eq checks a number the report prints against the run's.
func (c *reportCase) eq(what string, got, want float64) {
	c.t.Helper()
	if got != want {
		c.t.Errorf("report says %s = %v, the run measured %v", what, got, want)
	}
}

// checkProcs: every P count the report names ("on 4 Ps", "1 P",
// "GOMAXPROCS=1") is the P count of one of its runs.
func (c *reportCase) checkProcs() {
	c.t.Helper()
	var used []int
	for _, r := range c.runs {
		used = append(used, len(r.Result.Procs))
	}
	for _, re := range []string{`(?:^|[ (])(\d+) Ps?\b`, `GOMAXPROCS[= ]+(\d+)`} {
		for _, n := range c.nums(re) {
			if !slices.Contains(used, int(n)) {
				c.t.Errorf("the report names %v Ps (%s), but its runs had %v", n, re, used)
			}
		}
	}
}

// checkOverrides: where the scenario sets a flag itself for each run, a
// user who set it is told it had no effect.
func (c *reportCase) checkOverrides(name string) {
	c.t.Helper()
	overrides := map[string]struct {
		flag string
		set  bool
	}{
		"preemption":      {"--preempt", c.cfg.Preempt != gmp.PreemptAsync},
		"syscall-handoff": {"--version", c.cfg.Version != ""},
		"workstealing":    {"--steal-cap", c.cfg.StealCap != 0},
		"wasm":            {"--preset wasm", c.wasm()},
	}
	if o, ok := overrides[name]; ok {
		c.claim(regexp.QuoteMeta(o.flag)+` (has no effect here|makes both runs wasm)`, o.set)
	}
}

// reportChecks hold each scenario's claims and the runs' facts that make
// them true.
var reportChecks = map[string]func(c *reportCase){
	"spawn100k": func(c *reportCase) {
		s := c.res("spawn100k").Stats
		procs := c.procs("spawn100k")
		c.eq("GOMAXPROCS", c.num(`GOMAXPROCS +(\d+)`), float64(procs))
		c.eq("peak live goroutines", c.num(`peak live goroutines +(\d+)`), float64(s.GoroutinesMax))
		c.eq("steals", c.num(`steals / goroutines stolen +(\d+) /`), float64(s.Steals))
		c.claim(`other Ps steal and retire them`, s.Steals > 0 && s.GoroutinesMax <= 100_000 && procs > 1)
		c.claim(`with one P the goroutines run only when main leaves it`, procs == 1 && s.GoroutinesMax <= 100_000)
		c.claim(`Here they were: nothing ran them`, s.GoroutinesMax > 100_000)
	},
	"states": func(c *reportCase) {
		if c.wasm() {
			c.never(`runnext`) // the preset never uses runnext
		}
		for _, p := range c.nums(`into P(\d+)'s`) {
			if int(p) >= c.procs("states") {
				c.t.Errorf("the report names P%v of %d", p, c.procs("states"))
			}
		}
	},
	"runnext": func(c *reportCase) {
		procs := c.procs("runnext")
		order := regexp.MustCompile(`simulated start order: ([0-9 ]+)\n`).FindStringSubmatch(c.out)
		if order == nil {
			c.t.Fatal("no start order")
		}
		c.claim(`real runtime \(.*GOMAXPROCS=1\): `, procs == 1 && !c.wasm())
		if m := regexp.MustCompile(`real runtime \(.*GOMAXPROCS=1\): ([0-9 ]+) — (.*)\n`).FindStringSubmatch(c.out); m != nil {
			same := strings.TrimSpace(m[1]) == strings.TrimSpace(order[1])
			if same != (m[2] == "the same order") {
				c.t.Errorf("native %q, simulated %q, but the report says %q", m[1], order[1], m[2])
			}
		}
		c.claim(`no comparison with the real runtime: on \d+ Ps`, procs > 1)
		if c.wasm() {
			c.never(`runnext=G`)
			c.claim(`start in the order they were created`, order[1] == "0 1 2 3 4")
		}
	},
	"workstealing": func(c *reportCase) {
		goRun, art := c.res("go").Stats, c.res("article").Stats
		c.eq("steals", c.nums(`steals (\d+), goroutines stolen`)[0], float64(goRun.Steals))
		c.eq("steals (article)", c.nums(`steals (\d+), goroutines stolen`)[1], float64(art.Steals))
		c.claim(`No P stole anything`, goRun.Steals == 0 && art.Steals == 0)
		if goRun.Steals > 0 {
			c.claim(`ring still overflowed`, goRun.RunqOverflows > 0)
			c.claim(`ring never reached its 256 slots`, goRun.RunqOverflows == 0)
			c.claim(`near-equal either way`, evenShares(c.res("go")) && evenShares(c.res("article")))
		}
		if p := c.num(`started by main on P(\d+)`); int(p) >= c.procs("go") {
			c.t.Errorf("main on P%v of %d", p, c.procs("go"))
		}
	},
	"preemption": func(c *reportCase) {
		rows := regexp.MustCompile(`(?m)^  (async|cooperative) +\S+ +(\S+) +(\S+) +\S+ +(\d+) +(\d+)/800$`).FindAllStringSubmatch(c.out, -1)
		if len(rows) != 2 {
			c.t.Fatalf("want 2 table rows, got %d", len(rows))
		}
		p99 := map[string]float64{}
		for _, r := range rows {
			c.eq(r[1]+" preemptions", atof(c.t, r[4]), float64(c.res(r[1]).Stats.Preemptions))
			p99[r[1]] = parseDur(c.t, r[2])
		}
		a, b := p99["async"], p99["cooperative"]
		noPreempt := c.res("async").Stats.Preemptions == 0 && c.res("cooperative").Stats.Preemptions == 0
		c.claim(`Nothing was preempted in either run`, noPreempt)
		if !noPreempt {
			c.claim(`p99 wakeup delay [0-9.]+× lower`, a < 0.95*b)
			c.claim(`p99 wakeup delay [0-9.]+× higher`, a > 1.05*b)
			c.claim(`p99 wakeup delay about the same`, a >= 0.95*b && a <= 1.05*b)
			c.claim(`outnumber the 8 loops`, c.procs("async") > 8)
			c.claim(`the 8 loops keep`, c.procs("async") <= 8)
		}
	},
	"syscall-handoff": func(c *reportCase) {
		a, b := c.res("go1.26").Stats, c.res("go1.25").Stats
		for i, s := range []gmp.Stats{a, b} {
			c.eq("handoffs", c.nums(`(?m)^  go1\.2[56] +\d+ +(\d+)`)[i], float64(s.SyscallHandoffs))
		}
		same := a.Syscalls == b.Syscalls && a.SyscallHandoffs == b.SyscallHandoffs && a.ExitsyscallFast == b.ExitsyscallFast &&
			a.ExitsyscallSlow == b.ExitsyscallSlow && a.ThreadsMax == b.ThreadsMax
		c.claim(`made the same scheduling decisions`, same)
		c.claim(`No P was retaken from a syscall`, a.SyscallHandoffs == 0 && b.SyscallHandoffs == 0)
	},
	"schedtrace": func(c *reportCase) {
		c.claim(`no schedtrace lines`, c.wasm())
		c.claim(`SCHED \d+ms: gomaxprocs=`+fmt.Sprint(c.procs("schedtrace")), !c.wasm())
		s := c.res("schedtrace").Stats
		c.eq("syscalls retaken", c.num(`syscalls \d+ \((\d+) retaken\)`), float64(s.SyscallHandoffs))
	},
	"unbuffered-handoff": func(c *reportCase) {
		c.claim(`went into its waker's runnext`, !c.wasm() && !c.has(`ran before its waker blocked`))
		// The heading names who arrived first; the first note after it
		// must be that goroutine's operation.
		for _, m := range regexp.MustCompile(`(sender|receiver) arrives first \(sender (G\d+), receiver (G\d+)\):\n(?:  \(.*\n)*.*  (G\d+): (ch <- 42|v := <-ch)`).FindAllStringSubmatch(c.out, -1) {
			want := map[string]string{"sender": m[2], "receiver": m[3]}[m[1]]
			if m[4] != want {
				c.t.Errorf("heading says the %s (%s) arrives first, but %s acts first", m[1], want, m[4])
			}
		}
		if c.wasm() {
			c.never(`into P\d+'s runnext`)
		}
	},
	"ringbuffer": func(c *reportCase) {
		a, b := c.res("go channel").VirtualTime, c.res("article ring").VirtualTime
		c.claim(`it finished sooner here`, float64(b) < 0.98*float64(a))
		c.claim(`it finished later here`, float64(b) > 1.02*float64(a))
		c.claim(`wakep starts a spinning M`, c.procs("go channel") > 1 && !c.wasm())
		if c.wasm() {
			c.never(`into the consumer's P's runnext`)
		}
	},
	"mutex-starvation": func(c *reportCase) {
		short, long := c.res("short").Stats, c.res("long").Stats
		spins := c.nums(`(?m)^  (?:short|long) \(.*\) +(\d+) `)
		c.eq("short spins", spins[0], float64(short.MutexSpins))
		c.eq("long spins", spins[1], float64(long.MutexSpins))
		c.claim(`waiters spun \d+ times`, short.MutexSpins > 0)
		c.claim(`runtime_canSpin needs more than one P`, short.MutexSpins == 0 && c.procs("short") == 1 && (short.MutexWaitNS > 0 || long.MutexWaitNS > 0))
		c.claim(`turned fair`, long.MutexStarvation > 0)
		c.claim(`Nobody ever waited`, short.MutexWaitNS == 0 && long.MutexWaitNS == 0 && short.MutexSpins == 0 && long.MutexSpins == 0)
	},
	"waitgroup": func(c *reportCase) {
		called := regexp.MustCompile(`called Wait in the order ([a-z0-9 ]+),`).FindStringSubmatch(c.out)
		woke := regexp.MustCompile(`woke in the order: ([a-z0-9 ]+)\n`).FindStringSubmatch(c.out)
		if called == nil || woke == nil {
			c.t.Fatal("no orders")
		}
		p, w := strings.Fields(called[1]), strings.Fields(woke[1])
		slices.Sort(p)
		if !slices.Equal(p, []string{"waiter0", "waiter1", "waiter2"}) {
			c.t.Errorf("park order %q", called[1])
		}
		lastFirst := append([]string{strings.Fields(called[1])[2]}, strings.Fields(called[1])[:2]...)
		c.claim(`the last released runs first`, c.procs("waiters") == 1 && !c.wasm() && slices.Equal(w, lastFirst))
		c.claim(`a one-P program cannot hit it`, c.procs("misuse") == 1)
	},
	"rwmutex-batch": func(c *reportCase) {
		qps := c.nums(`(?m)^  (?:per key|batch \d+) +(\d+) `)
		if len(qps) != 3 {
			c.t.Fatalf("want 3 rows, got %d", len(qps))
		}
		var waited int64
		for _, l := range []string{"per key", "batch 8", "batch 32"} {
			waited += c.res(l).Stats.MutexWaitNS
		}
		if !c.has(`Nobody waited for the lock`) {
			c.claim(`Read QPS rose`, qps[2] > 1.05*qps[0])
			c.claim(`Read QPS fell`, qps[2] < 0.95*qps[0])
		} else if waited != 0 {
			c.t.Errorf("the report says nobody waited, but goroutines waited %dns in sync.Mutex", waited)
		}
	},
	"once": func(c *reportCase) {
		if raceBuild { // the naive check, a data race, is left out
			if !c.has(`naive check not run under -race`) || c.nums(`(?m)^  sync\.Once +(\d+) `) == nil {
				c.t.Error("under -race: want the sync.Once row and the naive check not run")
			}
			return
		}
		inits := c.nums(`(?m)^  (?:sync\.Once|naive check) +(\d+) `)
		if len(inits) != 2 {
			c.t.Fatalf("want 2 rows, got %d", len(inits))
		}
		c.claim(`ran the initialisation \d+ times`, inits[1] > 1)
		if inits[1] > 1 {
			c.eq("naive inits", c.num(`ran the initialisation (\d+) times`), inits[1])
		}
	},
	"backpressure": func(c *reportCase) {
		qps := c.nums(`(?m)^  (?:unbuffered|buffered\+backpressure) +(\d+) `)
		if len(qps) != 2 {
			c.t.Fatalf("want 2 rows, got %d", len(qps))
		}
		c.claim(`ingress keeps up with the offered load`, qps[1] >= 0.99*32000)
		c.claim(`ingress accepts \d+ of the`, qps[1] < 0.99*32000)
	},
	"cancel-cause": func(c *reportCase) {
		c.claim(`Every goroutine read the same cause`, strings.Count(c.out, "context canceled   service 1 worker 0: fetch shard 3") == 8)
	},
	"errgroup-leak": func(c *reportCase) {
		leaks := len(c.res("leaking").Leaks)
		c.eq("leaked goroutines", c.num(`leaking version: (\d+) goroutines`), float64(leaks))
		c.eq("errgroup leaks", c.num(`(\d+) goroutines alive when main returned\n`), float64(len(c.res("errgroup").Leaks)))
		c.claim(`The leak is visible to tests`, leaks > 0)
	},
	"wasm": func(c *reportCase) {
		w, d := c.res("wasm"), c.res("default")
		c.claim(`syscalls overlap`, !c.wasm() && d.VirtualTime < w.VirtualTime)
		c.claim(`Here both runs are wasm`, c.wasm())
		c.eq("threads (wasm)", c.num(`threads max (\d+)\)`), float64(w.Stats.ThreadsMax))
	},
}

// evenShares reports whether every P did within a fifth of an even share
// of the Work.
func evenShares(res *gmp.Result) bool {
	var total float64
	for _, p := range res.Procs {
		total += float64(p.Work)
	}
	fair := 100 / float64(len(res.Procs))
	lo, hi := 100.0, 0.0
	for _, p := range res.Procs {
		share := 100 * float64(p.Work) / total
		lo, hi = min(lo, share), max(hi, share)
	}
	return hi-lo < fair/5
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// parseDur parses a duration as the reports print it ("39.42ms", "1.2s").
func parseDur(t *testing.T, s string) float64 {
	t.Helper()
	for _, u := range []struct {
		suffix string
		ns     float64
	}{{"ns", 1}, {"µs", 1e3}, {"ms", 1e6}, {"s", 1e9}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return f * u.ns
			}
		}
	}
	t.Fatalf("bad duration %q", s)
	return 0
}
