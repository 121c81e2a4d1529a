package explore

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/link"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
)

// A runner runs one target's schedules in this process: exploration runs
// by index, replays of recorded schedules, the shrinker's candidates.
// Workers and the in-process explorer are runners.
type runner struct {
	o      *Options
	target Target
	strat  Strategy
	rec    Recorder
	info   Info
	// the pair strategy's recorded runs, by seed (one group at a time)
	opsSeed uint64
	ops     []opEvent
	opsOK   bool
}

//go:norace
func newRunner(target Target, o *Options) (*runner, error) {
	s, err := NewStrategy(o.Strategy)
	if err != nil {
		return nil, err
	}
	r := &runner{o: o, target: &counting{t: target}, strat: s}
	if raceOn {
		r.target.(*counting).races = startRaceLog()
	}
	r.rec.limitDevs = 1 << 16
	r.info.Abstract = o.Abstract
	r.info.seed = func(name string, i int64) uint64 { return seedOf(o.Seed, o.Test, name, i) }
	r.info.Base = r.baseOps
	return r, nil
}

// counting counts a target's runs (a worker's heartbeat reports them, to
// tell a long exploration from a hung one).
type counting struct {
	t     Target
	runs  atomic.Int64
	races *raceLog // under -race: where the detector's reports are taken from
}

//go:norace
func (c *counting) Run(cfg gmp.Config) Outcome {
	out := c.t.Run(cfg)
	c.runs.Add(1)
	if raceOn && out.Result != nil && out.Result.Races > 0 {
		out.Race = c.races.take()
	}
	return out
}

// runs returns how many simulations r has run.
//
//go:norace
func (r *runner) runs() int64 { return r.target.(*counting).runs.Load() }

// config returns a run's configuration steered by c.
//
//go:norace
func (r *runner) config(c rt.Chooser, obs observe.Observer) gmp.Config {
	cfg := r.o.Config
	link.SetChooser(&cfg, c, r.o.Abstract)
	link.SetLean(&cfg)
	cfg.HaltOnRace = raceOn
	if obs != nil {
		cfg.Observers = append(cfg.Observers[:len(cfg.Observers):len(cfg.Observers)], obs)
	}
	return cfg
}

// strategyFor returns the strategy that runs index i and its seed.
//
//go:norace
func (r *runner) strategyFor(i int64) (Strategy, uint64) {
	s := r.strat
	if p, ok := s.(*portfolio); ok {
		s = p.pick(i)
	}
	return s, seedOf(r.o.Seed, r.o.Test, s.Name(), i)
}

// run runs index i. The Outcome and the recorder's deviations are valid
// until the next run.
//
//go:norace
func (r *runner) run(i int64) (Kind, *Outcome, Strategy) {
	s, seed := r.strategyFor(i)
	r.info.index = i
	s.Begin(seed, &r.info)
	r.rec.reset(s)
	var obs observe.Observer
	if o, ok := s.(observing); ok {
		obs = o.Observer()
	}
	out := r.target.Run(r.config(&r.rec, obs))
	return classify(&out), &out, s
}

// calibrate runs the default schedule twice: its number of steps sizes
// PCT, and two different checksums mean the program does something the
// simulation does not control.
//
//go:norace
func (r *runner) calibrate() (steps int64, nondet string) {
	var sums [2]uint64
	var kinds [2]Kind
	for i := range sums {
		r.rec.reset(defaultChooser{})
		out := r.target.Run(r.config(&r.rec, nil))
		sums[i], kinds[i], steps = r.rec.Sum(), classify(&out), r.rec.preempts
	}
	r.info.Steps = steps
	if sums[0] != sums[1] {
		return steps, r.diagnose(nil, false)
	}
	return steps, ""
}

// baseOps returns the operations on channels and sync objects of the
// random walk seeded with seed (pair reordering's recording).
//
//go:norace
func (r *runner) baseOps(seed uint64) []opEvent {
	if r.opsOK && r.opsSeed == seed {
		return r.ops
	}
	w := &randomWalk{}
	w.Begin(seed, &r.info)
	l := &opLogger{inner: w, nth: map[gobj]int64{}}
	r.target.Run(r.config(l, nil))
	r.opsSeed, r.ops, r.opsOK = seed, l.ops, true
	return l.ops
}

// opLogger records a run's operations on objects.
type opLogger struct {
	inner Chooser
	ops   []opEvent
	nth   map[gobj]int64
}

//go:norace
func (l *opLogger) Choose(d *rt.Decision) int64 {
	if d.Kind == rt.ChoicePreempt && d.Obj != 0 && len(l.ops) < 1<<14 {
		k := gobj{d.G, d.Obj}
		l.nth[k]++
		l.ops = append(l.ops, opEvent{G: d.G, Op: d.Op, Obj: d.Obj, Nth: l.nth[k]})
	}
	return l.inner.Choose(d)
}

// replayRun runs the schedule devs (by key, or by index) and records it
// afresh: the returned recorder holds the deviations actually taken, with
// their keys, and the checksum. adjust, if set, changes the configuration
// (trace files).
//
//go:norace
func (r *runner) replayRun(devs []Deviation, byKey bool, narrate bool, adjust func(*gmp.Config)) (Kind, *Outcome, *Recorder, *replayer) {
	p := newReplayer(devs, byKey)
	rec := (&Recorder{}).withNth()
	rec.reset(p)
	if narrate {
		rec.narrate = &narrator{}
	}
	cfg := r.config(rec, nil)
	if adjust != nil {
		adjust(&cfg)
	}
	out := r.target.Run(cfg)
	return classify(&out), &out, rec, p
}

// decisionLog records every decision of a run (the nondeterminism
// diagnosis compares two).
type decisionLog struct {
	inner Chooser
	log   []loggedDecision
	at    int64 // where to capture the stack, -1: nowhere
	where string
	n     narrator
}

type loggedDecision struct {
	Kind    rt.ChoiceKind
	Site    rt.Site
	G, Def  int64
	Time, V int64
}

//go:norace
func (l *decisionLog) Choose(d *rt.Decision) int64 {
	v := l.inner.Choose(d)
	if d.Index == l.at {
		l.where = l.n.whereAny()
	}
	if len(l.log) < 1<<20 {
		l.log = append(l.log, loggedDecision{d.Kind, d.Site, d.G, d.Default, d.Time, v})
	}
	return v
}

// diagnose runs a schedule twice more, logging every decision, to find
// where runs of it part and why. devs nil is the default schedule.
//
//go:norace
func (r *runner) diagnose(devs []Deviation, byKey bool) string {
	logs := make([]*decisionLog, 2)
	for i := range logs {
		logs[i] = &decisionLog{inner: newReplayer(devs, byKey), at: -1}
		r.target.Run(r.config(logs[i], nil))
	}
	a, b := logs[0].log, logs[1].log
	at := -1
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			at = i
			break
		}
	}
	if at < 0 && len(a) != len(b) {
		at = min(len(a), len(b))
	}
	var msg strings.Builder
	if at < 0 {
		// Two replays agree with each other, not with the first run:
		// something the first run changed — a package variable, a cache —
		// made the program behave differently afterwards.
		msg.WriteString("the first run and its replays asked different decisions, the replays the same ones: the program keeps state from one run to the next (package variables, caches, a sync.Once at package level), so a run depends on the runs before it")
		return msg.String()
	}
	// A third run, to see where the program was at the parting decision.
	l3 := &decisionLog{inner: newReplayer(devs, byKey), at: int64(at)}
	r.target.Run(r.config(l3, nil))
	fmt.Fprintf(&msg, "two runs of one schedule parted at decision #%d: %s the first time, %s the second", at, describeLogged(a, at), describeLogged(b, at))
	if l3.where != "" {
		fmt.Fprintf(&msg, ", in %s", l3.where)
	}
	msg.WriteString(". Likely causes: " + likelyCauses)
	return msg.String()
}

// likelyCauses are what makes a simulated program nondeterministic.
const likelyCauses = "a range over a map (Go randomises its order; gmp test's translation fixes it), math/rand or crypto/rand not seeded by the run, the wall clock (the standard library's time.Now, time.Since), goroutines or channels outside the simulation, state kept in package variables from one run to the next"

//go:norace
func describeLogged(l []loggedDecision, i int) string {
	if i >= len(l) {
		return "the end of the run"
	}
	d := l[i]
	return fmt.Sprintf("%v at %v for G%d (default %d, at %v)", d.Kind, d.Site, d.G, d.Def, dur(d.Time))
}

// whereAny is where for any decision: the innermost user frame on the
// stack Choose runs on.
//
//go:norace
func (n *narrator) whereAny() string {
	return n.where(&rt.Decision{G: 1, Kind: rt.ChoicePreempt})
}
