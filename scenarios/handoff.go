package scenarios

import (
	"fmt"
	"strings"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/hostlog"
	"github.com/gmplab/gmp/internal/rt"
)

func init() {
	Register(&Scenario{
		Name:    "unbuffered-handoff",
		Section: "§3.2",
		Summary: "an unbuffered send and receive step by step: gopark, the sudog on sendq/recvq, direct hand-off, goready into runnext",
		Doc: `Two goroutines meet on an unbuffered channel, once with the sender
first and once with the receiver first. The report lists each runtime step
with the channel's queues at that moment: the first to arrive parks in
gopark with a sudog on sendq or recvq; the second finds it there, copies
the value straight across (no buffer), and goready puts the sleeper in its
own P's runnext — where it runs as soon as the waker blocks or yields,
inheriting the waker's time slice. The article's point that "waking does
not run at once; the scheduler must runqput it" is visible in the gap
between the goready and the woken goroutine's next execute.`,
		Procs: 1,
		Runs:  []string{"sender-first", "receiver-first"},
		Run:   runHandoff,
	})
}

func runHandoff(r *Runner) error {
	r.Printf("unbuffered-handoff (§3.2): the park/ready chain on an unbuffered channel\n")
	var wokeLater, fromRunnext, runs int
	for _, senderFirst := range []bool{true, false} {
		rec := newRecorder(rt.EvGoStatus, rt.EvGoBlock, rt.EvGoUnblock)
		placed := newPlacement()
		var notes hostlog.Log[string] // both goroutines write notes, and arrived
		var arrived hostFirst
		var gs, gr int64
		_, err := r.Sim(map[bool]string{true: "sender-first", false: "receiver-first"}[senderFirst], func(c *gmp.Config) {
			c.Observers = append(c.Observers, rec, placed)
		}, func() {
			ch := gmp.MakeChan[int](0)
			done := gmp.MakeChan[struct{}](2)
			note := func(s string) {
				st := ch.State()
				notes.Add(fmt.Sprintf("%-9s %-40s sendq=%v recvq=%v", dur(gmp.Since(gmp.Epoch).Nanoseconds()), s, goids(st.SendQ), goids(st.RecvQ)))
			}
			sender := func() {
				gs = gmp.Goid()
				arrived.arrive("sender")
				note(fmt.Sprintf("G%d: ch <- 42", gs))
				ch.Send(42)
				note(fmt.Sprintf("G%d: send returned", gs))
				done.Send(struct{}{})
			}
			receiver := func() {
				gr = gmp.Goid()
				arrived.arrive("receiver")
				note(fmt.Sprintf("G%d: v := <-ch", gr))
				v := ch.Recv()
				note(fmt.Sprintf("G%d: received %d", gr, v))
				done.Send(struct{}{})
			}
			// On one P with runnext, the goroutine started last runs first.
			if senderFirst {
				gmp.Go(receiver)
				gmp.Go(sender)
			} else {
				gmp.Go(sender)
				gmp.Go(receiver)
			}
			done.Recv()
			done.Recv()
		})
		if err != nil {
			return err
		}
		first := arrived.get()
		r.Printf("\n%s arrives first (sender G%d, receiver G%d):\n", first, gs, gr)
		if planned := map[bool]string{true: "sender", false: "receiver"}[senderFirst]; first != planned {
			r.Printf("  (run %s-first: the program starts the %s last, for runnext to run it\n", planned, planned)
			r.Printf("  first; without runnext the one started first runs first)\n")
		}
		for _, n := range notes.Get() {
			r.Printf("  %s\n", n)
		}
		r.Printf("  runtime steps:\n")
		var woken, waker, readyAt, execAt, blockAt int64 = 0, 0, -1, -1, -1
		for _, ev := range rec.evs {
			if ev.G != gs && ev.G != gr {
				continue
			}
			var what string
			switch ev.Kind {
			case rt.EvGoBlock:
				what = fmt.Sprintf("G%d gopark (%s)", ev.G, rt.WaitReasonString(ev.Arg))
				if woken == 0 {
					what += ": a sudog waits on the channel"
				} else if ev.G == waker && blockAt < 0 {
					blockAt = ev.Time
				}
			case rt.EvGoUnblock:
				woken, waker, readyAt = ev.G, ev.Target, ev.Time
				where := "a run queue"
				if w := placed.where[placeKey{ev.G, ev.Time}]; w != "" {
					where = w
				}
				what = fmt.Sprintf("G%d goready by G%d: value handed over, G%d into %s", ev.G, ev.Target, ev.G, where)
				if strings.HasSuffix(where, "runnext") {
					fromRunnext++
				}
			case rt.EvGoStatus:
				if ev.Arg == 1 && ev.Arg2 == 2 {
					what = fmt.Sprintf("G%d execute on %s/%s", ev.G, mp(ev.M), pp(ev.P))
					if ev.G == woken && readyAt >= 0 && execAt < 0 {
						execAt = ev.Time
					}
				}
				if ev.G == waker && ev.Arg == 2 && ev.Arg2 == 6 && woken != 0 && blockAt < 0 {
					blockAt = ev.Time // the waker exited
				}
			}
			if what != "" {
				r.Printf("    %-9s %s\n", dur(ev.Time), what)
			}
		}
		runs++
		if execAt >= 0 && blockAt >= 0 && execAt >= blockAt {
			wokeLater++
		}
	}
	r.Printf("\nIn both orders the value moves once, from one goroutine's cell to the other's,\n")
	r.Printf("never through a buffer.")
	switch {
	case wokeLater == runs && fromRunnext == runs:
		r.Printf(" Both times the woken goroutine went into its waker's\n")
		r.Printf("runnext and did not run until the waker blocked (on the done channel).\n")
	case wokeLater == runs:
		r.Printf(" Both times the woken goroutine did not run until its\n")
		r.Printf("waker blocked (on the done channel)")
		if r.wasm() {
			r.Printf("; the wasm preset does not use runnext\n(no sysmon), so it waited in the run queue")
		}
		r.Printf(".\n")
	default:
		r.Printf(" The woken goroutine ran before its waker blocked in %d of\n", runs-wokeLater)
		r.Printf("the %d runs: another P took it. The park/ready chain shows best on one P\n", runs)
		r.Printf("(--procs 1, the default).\n")
	}
	return nil
}
