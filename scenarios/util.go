package scenarios

import (
	"fmt"
	stdtime "time"

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
