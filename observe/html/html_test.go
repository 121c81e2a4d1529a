package html_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/observe"
	"github.com/gmplab/gmp/observe/html"
)

func work() {
	done := gmp.MakeChan[int](0)
	for i := range 20 {
		gmp.Go(func() {
			gmp.Work(time.Duration(i+1) * 50 * time.Microsecond)
			gmp.Syscall(20 * time.Microsecond)
			done.Send(i)
		})
	}
	for range 20 {
		done.Recv()
	}
}

// TestCollector: the P lanes hold a running slice per goroutine start,
// plus one per syscall that returned to its P, as the run's counters
// count them; the same run writes the same page.
func TestCollector(t *testing.T) {
	page := func() ([]byte, *html.Timeline, *gmp.Result) {
		c := html.NewCollector("work", "")
		res, err := gmp.Run(gmp.Config{Procs: 2, Seed: 3, Observers: []observe.Observer{c}}, work)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		tl := c.Timeline()
		if err := html.Write(&b, &html.Report{Title: "t", Timelines: []*html.Timeline{tl}}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes(), tl, res
	}
	a, tl, res := page()
	b, _, _ := page()
	if !bytes.Equal(a, b) {
		t.Error("the same run wrote different pages")
	}
	var runs, sys int64
	for _, l := range tl.Ps {
		for _, k := range l.Kind {
			switch k {
			case html.KindRun:
				runs++
			case html.KindSyscall:
				sys++
			}
		}
	}
	if len(tl.Ps) != 2 || sys != res.Stats.Syscalls {
		t.Errorf("%d P lanes, %d syscall slices; want 2 and %d syscalls", len(tl.Ps), sys, res.Stats.Syscalls)
	}
	if want := res.Stats.ContextSwitches + res.Stats.ExitsyscallFast; runs < res.Stats.ContextSwitches || runs > want {
		t.Errorf("%d running slices on the P lanes, want between %d starts and %d (starts and fast syscall returns)", runs, res.Stats.ContextSwitches, want)
	}
	if len(tl.Arrows.G) == 0 || tl.End != res.Stats.VirtualNS {
		t.Errorf("%d unblock arrows, end %d (virtual %d)", len(tl.Arrows.G), tl.End, res.Stats.VirtualNS)
	}
}
