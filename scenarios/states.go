package scenarios

import (
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/time"
)

func init() {
	Register(&Scenario{
		Name:    "states",
		Section: "§2.1",
		Summary: "one goroutine's status transitions (_Gidle → … → _Gdead), each with the runtime function that made it",
		Doc: `Follows a single goroutine through the G status machine of runtime2.go:
it is created, runs, makes a blocking syscall, blocks on a channel, is
woken, calls Gosched, sleeps, and exits. Every change goes through
casgstatus; the report prints each one with the virtual time, the thread
(M) and processor (P) it happened on, and the runtime function that made
it — the state machine of the article's §2.1 table, observed rather than
drawn.`,
		Procs: 2,
		Runs:  []string{"states"},
		Run:   runStates,
	})
}

func runStates(r *Runner) error {
	rec := newRecorder(rt.EvGoStatus, rt.EvGoCreate)
	placed := newPlacement()
	var target int64
	_, err := r.Sim("states", func(c *gmp.Config) { c.Observers = append(c.Observers, rec, placed) }, func() {
		ch := gmp.MakeChan[int](0)
		done := gmp.MakeChan[struct{}](0)
		gmp.Go(func() {
			target = gmp.Goid()
			gmp.Work(200 * stdtime.Microsecond) // _Grunning: on a P, burning CPU
			gmp.Syscall(50 * stdtime.Microsecond)
			ch.Recv() // blocks: main sends after 1ms
			gmp.Gosched()
			time.Sleep(100 * stdtime.Microsecond)
			done.Send(struct{}{})
		})
		time.Sleep(stdtime.Millisecond)
		ch.Send(1)
		done.Recv()
		time.Sleep(10 * stdtime.Microsecond) // let the goroutine exit
	})
	if err != nil {
		return err
	}
	r.Printf("states (§2.1): the life of goroutine %d, transition by transition\n\n", target)
	r.Printf("  %-12s %-27s %-4s %-4s %s\n", "virtual", "transition", "M", "P", "made by")
	// The fresh G struct's _Gidle → _Gdead (malg) happens before newproc1
	// assigns the goid, so it carries goid 0: it is the one right before
	// the target's _Gdead → _Grunnable.
	for i, ev := range rec.evs {
		if ev.Kind != rt.EvGoStatus {
			continue
		}
		mine := ev.G == target
		if !mine && ev.G == 0 && ev.Arg == 0 && i+1 < len(rec.evs) && rec.evs[i+1].G == target {
			mine = true
		}
		if !mine {
			continue
		}
		r.Printf("  %-12s %-27s %-4s %-4s %s\n", dur(ev.Time),
			rt.GStatusString(ev.Arg)+" → "+rt.GStatusString(ev.Arg2), mp(ev.M), pp(ev.P), transitionCause(ev, placed.where[placeKey{ev.G, ev.Time}]))
	}
	r.Printf("\nEvery transition is one of runtime2.go's legal ones (casgstatus rejects the\n")
	r.Printf("rest). The wait reason set by gopark stays on the G after it is readied, which\n")
	r.Printf("is why scheddetail can show a runnable G with a stale reason such as\n")
	r.Printf("status=1(chan receive).\n")
	return nil
}

func transitionCause(ev rt.Event, queue string) string {
	from, to := ev.Arg, ev.Arg2
	const (
		idle, runnable, running, syscall, waiting, dead = 0, 1, 2, 3, 4, 6
	)
	into := ""
	if queue != "" {
		into = "; into " + queue
	}
	switch {
	case from == idle && to == dead:
		return "newproc1: malg + allgadd (a fresh G struct)"
	case from == dead && to == runnable:
		return "newproc1: the go statement" + into
	case from == runnable && to == running:
		return "execute: schedule picked it"
	case from == running && to == syscall:
		return "entersyscall"
	case from == syscall && to == running:
		return "exitsyscall"
	case from == running && to == waiting:
		return "gopark → park_m (" + rt.WaitReasonString(ev.Arg3) + ")"
	case from == waiting && to == runnable:
		return "ready (goready)" + into
	case from == running && to == runnable:
		return "goschedImpl: Gosched or preemption" + into
	case from == running && to == dead:
		return "goexit0 → gdestroy; gfput to the P's free list"
	}
	return ""
}
