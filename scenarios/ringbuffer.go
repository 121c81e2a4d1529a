package scenarios

import (
	"sync/atomic"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
)

func init() {
	Register(&Scenario{
		Name:    "ringbuffer",
		Section: "§3.3",
		Summary: "Go's channel ring (qcount, every slot used) vs the article's lock-based ring (one slot wasted)",
		Doc: `The article builds a buffered channel as a ring with read and write
indices, a power-of-two capacity and "full when (write+1)%cap == read",
guarded by a mutex; producers that find it full must retry. Go's hchan
keeps a count (qcount) beside sendx/recvx, so every slot is usable, and a
full channel parks the sender on sendq instead of making it spin. The
report fills both rings of capacity 8 to show the usable capacity and the
indices at the wrap, then runs a fast producer and a slow consumer through
each for 10,000 items and compares virtual time, retries, context switches
and the CPU the Ps spent.`,
		Procs: 2,
		Runs:  []string{"fill", "go channel", "article ring"},
		Run:   runRingbuffer,
	})
}

// articleRing is the seed article's RingChan: a mutex-guarded ring with
// read/write indices that wastes one slot to tell full from empty.
type articleRing struct {
	mu          sync.Mutex
	buf         []int
	read, write uint32
	cap         uint32
}

func newArticleRing(capacity int) *articleRing {
	return &articleRing{buf: make([]int, capacity), cap: uint32(capacity)}
}

func (r *articleRing) enqueue(v int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if (r.write+1)%r.cap == r.read { // full
		return false
	}
	r.buf[r.write%r.cap] = v
	r.write = (r.write + 1) % r.cap
	return true
}

func (r *articleRing) dequeue() (int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.read == r.write { // empty
		return 0, false
	}
	v := r.buf[r.read%r.cap]
	r.read = (r.read + 1) % r.cap
	return v, true
}

func runRingbuffer(r *Runner) error {
	const capacity = 8
	var fillChan, fillRing int
	var wrap gmp.ChanState
	_, err := r.Sim("fill", nil, func() {
		ch := gmp.MakeChan[int](capacity)
		for ch.TrySend(fillChan) {
			fillChan++
		}
		ch.Recv()
		ch.Recv()
		ch.TrySend(100)
		wrap = ch.State()
		ring := newArticleRing(capacity)
		for ring.enqueue(fillRing) {
			fillRing++
		}
	})
	if err != nil {
		return err
	}
	r.Printf("ringbuffer (§3.3): capacity %d\n\n", capacity)
	r.Printf("  usable slots: Go's channel %d (qcount counts them), the article's ring %d ((w+1)%%cap == r means full)\n", fillChan, fillRing)
	r.Printf("  Go's ring after 8 sends, 2 receives and 1 send: qcount=%d sendx=%d recvx=%d — sendx wrapped to %d\n\n",
		wrap.QCount, wrap.SendX, wrap.RecvX, wrap.SendX)

	const n = 10_000
	procs := r.procs(2)
	r.Printf("  a fast producer (100ns per item) and a slow consumer (400ns), %d items, %s:\n", n, nPs(procs))
	r.Printf("  %-16s %12s %10s %10s %12s %12s\n", "ring", "virtual", "retries", "switches", "chan blocks", "CPU (all Ps)")
	var took [2]stdtime.Duration
	var polls int
	for i, kind := range []string{"go channel", "article ring"} {
		var retries atomic.Int64 // a host counter: both goroutines count
		res, err := r.Sim(kind, nil, func() {
			done := gmp.MakeChan[struct{}](0)
			if kind == "go channel" {
				ch := gmp.MakeChan[int](capacity)
				gmp.Go(func() {
					for range ch.All() {
						gmp.Work(400)
					}
					done.Close()
				})
				for i := range n {
					gmp.Work(100)
					ch.Send(i)
				}
				ch.Close()
			} else {
				ring := newArticleRing(capacity)
				gmp.Go(func() {
					for got := 0; got < n; {
						if _, ok := ring.dequeue(); ok {
							gmp.Work(400)
							got++
						} else {
							retries.Add(1)
							gmp.Gosched() // empty: retry
						}
					}
					done.Close()
				})
				for i := range n {
					gmp.Work(100)
					for !ring.enqueue(i) {
						retries.Add(1)
						gmp.Gosched() // full: retry
					}
				}
			}
			done.Recv()
		})
		if err != nil {
			return err
		}
		var busy stdtime.Duration
		for _, p := range res.Procs {
			busy += p.Busy
		}
		took[i] = res.VirtualTime
		if kind == "article ring" {
			polls = int(retries.Load())
		}
		r.Printf("  %-16s %12s %10d %10d %12d %12s\n", kind, dur(res.VirtualTime.Nanoseconds()), retries.Load(), res.Stats.ContextSwitches, res.Stats.ChanBlocks, dur(busy.Nanoseconds()))
	}
	r.Printf("\nA full Go channel parks the producer on sendq; the consumer's receive\n")
	r.Printf("takes the head and moves the parked value into the freed slot (recv), then\n")
	if r.wasm() {
		r.Printf("readies the producer into the run queue (the wasm preset has no runnext).\n")
	} else {
		r.Printf("readies the producer into the consumer's P's runnext.")
		if procs > 1 {
			r.Printf(" With %s, the\n", nPs(procs))
			r.Printf("producer's P went idle when it parked, so wakep starts a spinning M for\n")
			r.Printf("it, which costs a thread wakeup each time.\n")
		} else {
			r.Printf("\n")
		}
	}
	r.Printf("The article's ring has no wait queue: its producer and consumer poll (%d\n", polls)
	r.Printf("retries here, each a Gosched), which keeps a P busy retrying instead of\n")
	r.Printf("leaving it to other goroutines; ")
	switch a, b := took[0], took[1]; {
	case float64(b) < 0.98*float64(a):
		r.Printf("it finished sooner here (%s against %s).\n", dur(b.Nanoseconds()), dur(a.Nanoseconds()))
	case float64(b) > 1.02*float64(a):
		r.Printf("it finished later here (%s against %s).\n", dur(b.Nanoseconds()), dur(a.Nanoseconds()))
	default:
		r.Printf("both took about as long here.\n")
	}
	return nil
}
