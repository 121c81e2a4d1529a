package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/time"
)

func init() {
	Register(&Scenario{
		Name:    "backpressure",
		Section: "§5",
		Summary: "a risk engine under 32k req/s: unbuffered hand-off vs a 1024 buffer with a back-pressure signal and sampling",
		Doc: `The seed article's risk engine: two ingress goroutines read requests from
the network (NetWait) at an offered 32,000 requests/s and pass them to
three scoring workers (360µs of CPU each, about 8,300/s together) on 4 Ps.
With an unbuffered channel, ingress blocks until a worker is free, so it
reads no faster than the workers score and requests back up in the
network. With a 1024-slot buffer and a back-pressure signal, ingress never
blocks: while the queue is over 75% full it sends only one request in ten
for full scoring and decides the rest on a 5µs fast path (sampling), and
drops when the queue is full. The report measures 200ms of virtual time:
accepted requests per second (ingress QPS), fully scored per second,
sampled, dropped, left unread in the network at the end, and how long
requests waited to be read, beside the article's 8.2k → 30.4k QPS.`,
		Procs: 4,
		Runs:  []string{"unbuffered", "buffered"},
		Run:   runBackpressure,
	})
}

type bpStats struct {
	accepted, scored, sampled, dropped int
	readDelay                          []int64
}

func backpressureProgram(buffered bool, st *bpStats) func() {
	return func() {
		const (
			offered  = 32_000 // requests/s
			ingress  = 2
			workers  = 3
			window   = 200 * stdtime.Millisecond
			scoring  = 360 * stdtime.Microsecond
			fastPath = 5 * stdtime.Microsecond
		)
		size := 0
		if buffered {
			size = 1024
		}
		queue := gmp.MakeChan[time.Time](size)
		var mu sync.Mutex // a host lock on st: the goroutines count with no gmp synchronisation between them
		start := time.Now()
		end := start.Add(window)
		done := gmp.MakeChan[int](ingress + workers)
		for w := range workers {
			gmp.Go(func() {
				for range queue.All() {
					gmp.Work(scoring)
					if time.Now().Before(end) {
						mu.Lock()
						st.scored++
						mu.Unlock()
					}
				}
				done.Send(w)
			})
		}
		interval := stdtime.Second / (offered / ingress)
		for in := range ingress {
			gmp.Go(func() {
				arrive := start.Add(stdtime.Duration(in) * interval / ingress)
				for i := 0; arrive.Before(end) && time.Now().Before(end); i++ {
					gmp.NetWait(time.Until(arrive)) // returns at once if already there
					d := time.Since(arrive).Nanoseconds()
					mu.Lock()
					st.readDelay = append(st.readDelay, d)
					st.accepted++
					mu.Unlock()
					switch {
					case !buffered:
						queue.Send(arrive) // blocks until a worker takes it
					case queue.Len() > queue.Cap()*3/4 && i%10 != 0:
						mu.Lock()
						st.sampled++ // back-pressure: decide on the fast path
						mu.Unlock()
						gmp.Work(fastPath)
					case !queue.TrySend(arrive):
						mu.Lock()
						st.dropped++
						mu.Unlock()
					}
					arrive = arrive.Add(interval)
				}
				done.Send(in)
			})
		}
		for range ingress {
			done.Recv()
		}
		queue.Close()
		for range workers {
			done.Recv()
		}
	}
}

func runBackpressure(r *Runner) error {
	const offered, secs = 32_000, 0.2
	capacity := 3 / (360e-6) // three workers scoring 360µs each, per second
	r.Printf("backpressure (§5): 32,000 requests/s offered for 200ms; 3 scoring workers (360µs each) on %s\n\n", nPs(r.procs(4)))
	r.Printf("  %-22s %12s %12s %9s %9s %9s %12s %12s\n", "design", "ingress QPS", "scored/s", "sampled", "dropped", "unread", "read p50", "read p99")
	var qps, scored [2]float64
	var sts [2]bpStats
	for i, buffered := range []bool{false, true} {
		label := map[bool]string{false: "unbuffered", true: "buffered+backpressure"}[buffered]
		var st bpStats
		_, err := r.Sim(map[bool]string{false: "unbuffered", true: "buffered"}[buffered], nil, backpressureProgram(buffered, &st))
		if err != nil {
			return err
		}
		slices.Sort(st.readDelay)
		qps[i] = float64(st.accepted) / secs
		scored[i] = float64(st.scored) / secs
		sts[i] = st
		unread := offered*secs - float64(st.accepted)
		r.Printf("  %-22s %12.0f %12.0f %9d %9d %9.0f %12s %12s\n", label, qps[i], scored[i], st.sampled, st.dropped, unread,
			dur(percentile(st.readDelay, 0.5)), dur(percentile(st.readDelay, 0.99)))
	}
	r.Printf("\n  article: QPS 8.2k (unbuffered) → 30.4k (buffered 1024 + back-pressure + drop/sample), ×3.7\n")
	r.Printf("  measured: QPS %.1fk → %.1fk, ×%.1f\n\n", qps[0]/1000, qps[1]/1000, qps[1]/qps[0])
	var b strings.Builder
	if scored[1] > 0.9*scored[0] && scored[1] < 1.1*scored[0] {
		fmt.Fprintf(&b, "The gain is in what ingress accepts, not in scoring capacity: both designs score about as many requests (%.0f/s and %.0f/s)", scored[0], scored[1])
	} else {
		fmt.Fprintf(&b, "The designs score %.0f/s and %.0f/s", scored[0], scored[1])
	}
	if scored[0] >= 0.95*capacity {
		fmt.Fprintf(&b, ", what three workers can (%.0f/s). ", capacity)
	} else {
		fmt.Fprintf(&b, ", below the %.0f/s three workers could score with a P each: the workers and ingress share %s. ", capacity, nPs(r.procs(4)))
	}
	if qps[0] < 1.02*scored[0] {
		b.WriteString("Unbuffered, ingress is held to the workers' pace and requests wait in the network (read delay). ")
	}
	if qps[1] >= 0.99*offered {
		b.WriteString("With the buffer and the signal ingress keeps up with the offered load")
	} else {
		fmt.Fprintf(&b, "With the buffer and the signal ingress accepts %.0f of the %d requests/s offered", qps[1], offered)
	}
	if st := sts[1]; st.sampled > 0 || st.dropped > 0 {
		fmt.Fprintf(&b, " and sheds the excess: %d sampled, %d dropped", st.sampled, st.dropped)
	}
	b.WriteString(".")
	r.para(b.String())
	return nil
}
