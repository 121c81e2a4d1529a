package scenarios

import (
	"fmt"

	"github.com/gmplab/gmp"
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
	for _, senderFirst := range []bool{true, false} {
		rec := newRecorder(rt.EvGoStatus, rt.EvGoBlock, rt.EvGoUnblock)
		var notes []string
		var gs, gr int64
		_, err := r.Sim(map[bool]string{true: "sender-first", false: "receiver-first"}[senderFirst], func(c *gmp.Config) {
			c.Observers = append(c.Observers, rec)
		}, func() {
			ch := gmp.MakeChan[int](0)
			done := gmp.MakeChan[struct{}](2)
			note := func(s string) {
				st := ch.State()
				notes = append(notes, fmt.Sprintf("%-9s %-40s sendq=%v recvq=%v", dur(gmp.Since(gmp.Epoch).Nanoseconds()), s, goids(st.SendQ), goids(st.RecvQ)))
			}
			sender := func() {
				gs = gmp.Goid()
				note(fmt.Sprintf("G%d: ch <- 42", gs))
				ch.Send(42)
				note(fmt.Sprintf("G%d: send returned", gs))
				done.Send(struct{}{})
			}
			receiver := func() {
				gr = gmp.Goid()
				note(fmt.Sprintf("G%d: v := <-ch", gr))
				v := ch.Recv()
				note(fmt.Sprintf("G%d: received %d", gr, v))
				done.Send(struct{}{})
			}
			if senderFirst {
				gmp.Go(receiver) // queued behind the sender
				gmp.Go(sender)   // runnext: runs first
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
		first := "sender"
		if !senderFirst {
			first = "receiver"
		}
		r.Printf("\n%s arrives first (sender G%d, receiver G%d):\n", first, gs, gr)
		for _, n := range notes {
			r.Printf("  %s\n", n)
		}
		r.Printf("  runtime steps:\n")
		for _, ev := range rec.evs {
			if ev.G != gs && ev.G != gr {
				continue
			}
			var what string
			switch ev.Kind {
			case rt.EvGoBlock:
				what = fmt.Sprintf("G%d gopark (%s): a sudog waits on the channel", ev.G, rt.WaitReasonString(ev.Arg))
			case rt.EvGoUnblock:
				what = fmt.Sprintf("G%d goready by G%d: value handed over, G%d into %s's runnext", ev.G, ev.Target, ev.G, pp(ev.P))
			case rt.EvGoStatus:
				if ev.Arg == 1 && ev.Arg2 == 2 {
					what = fmt.Sprintf("G%d execute on %s/%s", ev.G, mp(ev.M), pp(ev.P))
				}
			}
			if what != "" {
				r.Printf("    %-9s %s\n", dur(ev.Time), what)
			}
		}
	}
	r.Printf("\nIn both orders the value moves once, from one goroutine's cell to the other's,\n")
	r.Printf("never through a buffer; the woken goroutine does not run until its waker\n")
	r.Printf("blocks (here on the done channel), and then it runs from runnext.\n")
	return nil
}
