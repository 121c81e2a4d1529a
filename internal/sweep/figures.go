package sweep

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe"
)

// Figure is one key figure of a run, as the table shows it.
type Figure struct {
	Key    string // JSON and CSV name
	Head   string // table heading
	IsTime bool   // ns, shown as a duration
}

// Figures are the key figures every run reports, in table order. User
// task and region latencies follow them (UserFigures).
var Figures = []Figure{
	{"virtual_ns", "virtual", true},
	{"sched_latency_p50_ns", "lat p50", true},
	{"sched_latency_p99_ns", "lat p99", true},
	{"sched_latency_max_ns", "lat max", true},
	{"steals", "steals", false},
	{"syscall_handoffs", "handoffs", false},
	{"preemptions", "preempts", false},
	{"threads_max", "threads", false},
	{"goroutines_created", "goroutines", false},
	{"context_switches", "switches", false},
	{"runnext_hits", "runnext", false},
	{"chan_blocks", "chan blocks", false},
}

// RunFigures are one simulation's figures.
type RunFigures struct {
	Label  string             `json:"label"`
	Status string             `json:"status"` // ok, deadlock, panic, limit, fatal, error
	Values map[string]float64 `json:"values"`
}

// values reads the figures of a finished run from its Stats.
func values(res *gmp.Result) map[string]float64 {
	s := res.Stats
	return map[string]float64{
		"virtual_ns":           float64(s.VirtualNS),
		"sched_latency_p50_ns": float64(s.SchedLatencyNS.P50),
		"sched_latency_p99_ns": float64(s.SchedLatencyNS.P99),
		"sched_latency_max_ns": float64(s.SchedLatencyNS.Max),
		"steals":               float64(s.Steals),
		"syscall_handoffs":     float64(s.SyscallHandoffs),
		"preemptions":          float64(s.Preemptions),
		"threads_max":          float64(s.ThreadsMax),
		"goroutines_created":   float64(s.GoroutinesCreated),
		"context_switches":     float64(s.ContextSwitches),
		"runnext_hits":         float64(s.RunnextHits),
		"chan_blocks":          float64(s.ChanBlocks),
	}
}

// Collect makes a run's figures from what gmp.Run returned and the user
// latencies u recorded (u may be nil).
func Collect(label string, res *gmp.Result, err error, u *UserLatency) RunFigures {
	rf := RunFigures{Label: label, Status: Status(err), Values: map[string]float64{}}
	if res != nil {
		rf.Values = values(res)
	}
	if u != nil {
		for _, key := range u.keys() {
			h := u.hist[key]
			rf.Values[key+" p50_ns"] = float64(h.Quantile(0.5))
			rf.Values[key+" p99_ns"] = float64(h.Quantile(0.99))
		}
	}
	return rf
}

// Status names how a run ended.
func Status(err error) string {
	var f *gmp.FatalError
	var p *gmp.PanicError
	var l *gmp.LimitError
	switch {
	case err == nil:
		return "ok"
	case gmp.IsDeadlock(err):
		return "deadlock"
	case errors.As(err, &p):
		return "panic"
	case errors.As(err, &l):
		return "limit"
	case errors.As(err, &f):
		return "fatal"
	}
	return "error"
}

// UserLatency is an observer that keeps a histogram of the durations of
// each type of user task and region (package gmp/trace), keyed "task job"
// and "region decode".
type UserLatency struct {
	hist map[string]*observe.Histogram
}

// NewUserLatency returns an empty UserLatency.
func NewUserLatency() *UserLatency { return &UserLatency{hist: map[string]*observe.Histogram{}} }

// Kinds implements observe.Subscriber.
func (u *UserLatency) Kinds() observe.KindSet {
	return observe.KindsOf(observe.UserTaskEnd, observe.UserRegionEnd)
}

// Event implements observe.Observer.
func (u *UserLatency) Event(ev *observe.Event) {
	key := "task " + ev.Reason
	if ev.Kind == observe.UserRegionEnd {
		key = "region " + ev.Reason
	}
	h := u.hist[key]
	if h == nil {
		h = &observe.Histogram{}
		u.hist[key] = h
	}
	h.Record(ev.Arg2)
}

func (u *UserLatency) keys() []string {
	var ks []string
	for k := range u.hist {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Row is one (configuration, simulation) of a sweep, over its seeds.
type Row struct {
	Point  Point
	Label  string               // the simulation's label (a scenario may run several)
	Seeds  []uint64             // the seeds that ran
	Status map[string]int       // how the runs ended
	Values map[string][]float64 // per figure, one value per seed that reported it
}

// Spread summarises a figure's values over the seeds.
type Spread struct {
	Median, Min, Max, Mean float64
	N                      int
}

// Summary returns the spread of figure key in the row.
func (r *Row) Summary(key string) Spread {
	vs := slices.Clone(r.Values[key])
	if len(vs) == 0 {
		return Spread{}
	}
	slices.Sort(vs)
	sum := 0.0
	for _, v := range vs {
		sum += v
	}
	med := vs[len(vs)/2]
	if len(vs)%2 == 0 {
		med = (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
	}
	return Spread{Median: med, Min: vs[0], Max: vs[len(vs)-1], Mean: sum / float64(len(vs)), N: len(vs)}
}

// Table is a sweep's outcome: the knobs, then one row per configuration
// and simulation, in the order of the configurations.
type Table struct {
	Knobs []Knob
	Rows  []*Row
	User  []string // user latency keys ("task job p50_ns" …), sorted
}

// Keys returns every figure key the table has, in column order.
func (t *Table) Keys() []string {
	var ks []string
	for _, f := range Figures {
		ks = append(ks, f.Key)
	}
	return append(ks, t.User...)
}

// FigureOf describes key.
func FigureOf(key string) Figure {
	for _, f := range Figures {
		if f.Key == key {
			return f
		}
	}
	return Figure{Key: key, Head: strings.TrimSuffix(key, "_ns"), IsTime: strings.HasSuffix(key, "_ns")}
}

// BuildTable groups the runs of every job into rows.
func BuildTable(knobs []Knob, jobs []Job, outs []WorkerOutput) *Table {
	t := &Table{Knobs: knobs}
	rows := map[string]*Row{}
	user := map[string]bool{}
	for i, j := range jobs {
		for _, rf := range outs[i].Runs {
			id := fmt.Sprintf("%d\x00%s", j.Config, rf.Label)
			r := rows[id]
			if r == nil {
				r = &Row{Point: j.Point, Label: rf.Label, Status: map[string]int{}, Values: map[string][]float64{}}
				rows[id] = r
				t.Rows = append(t.Rows, r)
			}
			r.Seeds = append(r.Seeds, j.Seed)
			r.Status[rf.Status]++
			for k, v := range rf.Values {
				r.Values[k] = append(r.Values[k], v)
				if !slices.ContainsFunc(Figures, func(f Figure) bool { return f.Key == k }) {
					user[k] = true
				}
			}
		}
	}
	for k := range user {
		t.User = append(t.User, k)
	}
	sort.Strings(t.User)
	// Rows of one configuration stay together, in the order of the
	// configurations (jobs are ordered by configuration already, but a
	// scenario's later simulation may be missing from a failed seed).
	sort.SliceStable(t.Rows, func(a, b int) bool { return indexOf(jobs, t.Rows[a].Point) < indexOf(jobs, t.Rows[b].Point) })
	return t
}

func indexOf(jobs []Job, p Point) int {
	for _, j := range jobs {
		if slices.Equal(j.Point, p) {
			return j.Config
		}
	}
	return math.MaxInt
}

// FormatValue formats a figure's value for the text table.
func FormatValue(f Figure, v float64) string {
	if f.IsTime {
		d := time.Duration(v)
		switch {
		case d >= time.Second:
			return d.Round(time.Millisecond).String()
		case d >= time.Millisecond:
			return d.Round(time.Microsecond).String()
		case d >= time.Microsecond:
			return d.Round(time.Nanosecond).String()
		}
		return d.String()
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.1f", v)
}
