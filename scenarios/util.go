package scenarios

import (
	"fmt"
	"slices"
	"strings"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
)

// recorder keeps a copy of every event of the kinds it was created with.
type recorder struct {
	kinds map[rt.EventKind]bool
	evs   []rt.Event
}

func newRecorder(kinds ...rt.EventKind) *recorder {
	r := &recorder{kinds: map[rt.EventKind]bool{}}
	for _, k := range kinds {
		r.kinds[k] = true
	}
	return r
}

func (r *recorder) Event(ev *rt.Event) {
	if r.kinds[ev.Kind] {
		e := *ev
		e.Stack = nil
		r.evs = append(r.evs, e)
	}
}

// dur formats a duration for reports, rounded to 3 significant digits.
func dur(ns int64) string {
	d := stdtime.Duration(ns)
	switch {
	case d >= stdtime.Second:
		return d.Round(stdtime.Millisecond).String()
	case d >= stdtime.Millisecond:
		return d.Round(10 * stdtime.Microsecond).String()
	case d >= stdtime.Microsecond:
		return d.Round(10 * stdtime.Nanosecond).String()
	}
	return d.String()
}

// percentile returns the q-quantile of sorted durations (nearest rank).
func percentile(sorted []int64, q float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted)-1) + 0.5)
	return sorted[i]
}

func mp(id int64) string {
	if id < 0 {
		return "-"
	}
	return fmt.Sprintf("M%d", id)
}

func pp(id int32) string {
	if id < 0 {
		return "-"
	}
	return fmt.Sprintf("P%d", id)
}

// nPs says how many Ps: "1 P", "4 Ps".
func nPs(n int) string {
	if n == 1 {
		return "1 P"
	}
	return fmt.Sprintf("%d Ps", n)
}

// runProcs is the number of Ps a run ended with.
func runProcs(res *gmp.Result) int { return len(res.Procs) }

// placement finds where each goroutine that becomes runnable is queued:
// after the transition it looks at the run queues on every event until
// the goroutine shows up in one (or changes status again).
type placement struct {
	pending map[int64]int64 // goid → time it became runnable
	where   map[placeKey]string
}

type placeKey struct{ g, t int64 }

func newPlacement() *placement {
	return &placement{pending: map[int64]int64{}, where: map[placeKey]string{}}
}

func (pl *placement) Event(ev *rt.Event) {
	if ev.Kind == rt.EvGoStatus {
		delete(pl.pending, ev.G)
		if ev.Arg2 == 1 { // → _Grunnable
			pl.pending[ev.G] = ev.Time
		}
		return
	}
	if len(pl.pending) == 0 {
		return
	}
	st := rt.ReadSchedState(false)
	for g, t := range pl.pending {
		where := ""
		for _, p := range st.Ps {
			switch {
			case p.Runnext == g:
				where = fmt.Sprintf("P%d's runnext", p.ID)
			case slices.Contains(p.Runq, g):
				where = fmt.Sprintf("P%d's local run queue", p.ID)
			}
		}
		if slices.Contains(st.GlobalRunq, g) {
			where = "the global run queue"
		}
		if where != "" {
			pl.where[placeKey{g, t}] = where
			delete(pl.pending, g)
		}
	}
}

// para writes text to the report as a paragraph wrapped at 78 columns.
func (r *Runner) para(text string) {
	line := 0
	for i, w := range strings.Fields(text) {
		if i > 0 && line+1+len([]rune(w)) > 78 {
			r.Printf("\n")
			line = 0
		} else if i > 0 {
			r.Printf(" ")
			line++
		}
		r.Printf("%s", w)
		line += len([]rune(w))
	}
	r.Printf("\n")
}
