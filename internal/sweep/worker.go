package sweep

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync/atomic"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/html"
)

// A translated program (gmp run ./pkg) runs its one simulation through
// package gmprun, which reads its configuration beyond GMPRUN's from these
// variables, in a sweep's worker and in a single run alike.
const (
	// EnvKnobs holds the knobs' settings (EncodeKnobs): procs, version,
	// preempt, preset, steal-cap and cost.NAME.
	EnvKnobs = "GMPRUN_KNOBS"
	// EnvStats, if set, names the file where the program writes its
	// counters as JSON (gmp run ./pkg --stats FILE).
	EnvStats = "GMPRUN_STATS"
	// EnvPkg is the package's name as the user gave it, for the stats.
	EnvPkg = "GMPRUN_PKG"
)

// EncodeKnobs encodes settings for EnvKnobs.
func EncodeKnobs(p Point) string {
	b, _ := json.Marshal(p)
	return string(b)
}

// DecodeKnobs decodes EnvKnobs ("" is no setting).
func DecodeKnobs(s string) (Point, error) {
	if s == "" {
		return nil, nil
	}
	var p Point
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, fmt.Errorf("%s: %v", EnvKnobs, err)
	}
	return p, nil
}

// EventCounter is an observer that counts the scheduler's events and
// keeps the virtual time reached, for progress lines (read from another
// host goroutine).
type EventCounter struct {
	events atomic.Int64
	vtime  atomic.Int64
}

// Kinds implements observe.Subscriber.
func (e *EventCounter) Kinds() observe.KindSet {
	return observe.KindsOf(observe.GoCreate, observe.GoStart, observe.GoStop, observe.GoBlock, observe.GoUnblock, observe.GoDestroy)
}

// Event implements observe.Observer.
func (e *EventCounter) Event(ev *observe.Event) {
	e.events.Add(1)
	e.vtime.Store(ev.Time)
}

// Events returns the number of events counted.
func (e *EventCounter) Events() int64 { return e.events.Load() }

// VirtualTime returns the virtual time of the last event, in ns.
func (e *EventCounter) VirtualTime() int64 { return e.vtime.Load() }

// Recorder is a worker's side of a sweep: it gives each simulation the
// worker runs its observers — the user latencies, an event counter, and
// a timeline collector if the sweep's HTML report wants this
// configuration's timeline — and makes the worker's answer of the
// finished simulations.
type Recorder struct {
	Events   EventCounter
	timeline string
	lats     []*UserLatency
	cols     []*html.Collector
}

// NewRecorder returns a Recorder that writes the timelines to the file
// timeline ("": none), usually TimelineFile().
func NewRecorder(timeline string) *Recorder { return &Recorder{timeline: timeline} }

// Observers returns the observers of the next simulation, label.
func (r *Recorder) Observers(label string) []observe.Observer {
	u := NewUserLatency()
	r.lats = append(r.lats, u)
	obs := []observe.Observer{u, &r.Events}
	if r.timeline != "" {
		c := html.NewCollector(label, "")
		r.cols = append(r.cols, c)
		obs = append(obs, c)
	}
	return obs
}

// Ran is a finished simulation: its label and what gmp.Run returned.
type Ran struct {
	Label  string
	Result *gmp.Result
	Err    error
}

// Finish returns the answer for the simulations that ran, in the order
// their observers were asked for, and writes their timelines.
func (r *Recorder) Finish(runs []Ran) (WorkerOutput, error) {
	out := WorkerOutput{Events: r.Events.Events()}
	for i, run := range runs {
		var u *UserLatency
		if i < len(r.lats) {
			u = r.lats[i]
		}
		out.Runs = append(out.Runs, Collect(run.Label, run.Result, run.Err, u))
	}
	if r.timeline == "" {
		return out, nil
	}
	var tls []*html.Timeline
	for _, c := range r.cols {
		tls = append(tls, c.Timeline())
	}
	f, err := os.Create(r.timeline)
	if err != nil {
		return out, err
	}
	err = json.NewEncoder(f).Encode(tls)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return out, err
}

// ReadTimelines reads the timelines a Recorder wrote to file.
func ReadTimelines(file string) ([]*html.Timeline, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var tls []*html.Timeline
	err = json.Unmarshal(b, &tls)
	return tls, err
}

// WriteStats writes the counters of runs as JSON (gmp run --stats): the
// first run's at the top level, every run's under "runs" by label, what
// ("scenario" or "program") naming the program, the seed, and
// "interrupted": true if a signal stopped the program before its last
// simulation.
func WriteStats(w io.Writer, what, name string, seed uint64, runs []Ran, interrupted bool) error {
	top := map[string]any{}
	first := true
	byRun := map[string]any{}
	for _, run := range runs {
		if run.Result == nil {
			continue
		}
		m, err := statsMap(run.Result)
		if err != nil {
			return err
		}
		byRun[run.Label] = m
		if first {
			for k, v := range m {
				top[k] = v
			}
			first = false
		}
	}
	top[what] = name
	top["seed"] = strconv.FormatUint(seed, 10)
	top["runs"] = byRun
	if interrupted {
		top["interrupted"] = true
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(top)
}

// statsMap is a run's Stats as JSON keys, with "procs" and its metrics.
func statsMap(res *gmp.Result) (map[string]any, error) {
	b, err := json.Marshal(res.Stats)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["procs"] = len(res.Procs)
	mm := map[string]gmp.MetricValue{}
	for _, s := range res.Metrics {
		mm[s.Name] = s.Value
	}
	m["metrics"] = mm
	return m, nil
}
