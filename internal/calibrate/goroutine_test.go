package calibrate

// Goroutine lifecycle and scheduling benchmarks: cost-model entries
// GoCreate, GoStartFirst, GoExit, Gosched, chan handoff and StealAttempt
// (the pure park/ready switch is in parkready_test.go).

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// createBatch is the number of goroutines BenchmarkGoCreate makes per
// batch. 128 fits in a P's local run queue (256 slots + runnext), so every
// `go` statement takes the runqput fast path and never runqputslow.
const createBatch = 128

// pending counts goroutines that have been created but have not yet run.
var pending atomic.Int64

// exitAtOnce is the body of the goroutines made by the GoCreate
// benchmarks: one atomic add (a few ns, part of the measured run phase),
// then return, i.e. goexit.
func exitAtOnce() { pending.Add(-1) }

// waitPending yields until every goroutine counted in pending has run.
func waitPending() {
	for pending.Load() != 0 {
		runtime.Gosched()
	}
}

// BenchmarkGoCreate times `go f()` on the creating goroutine (newproc:
// gfget from the P's free list, stack and gobuf setup, runqput into
// runnext, wakep) separately from the later run of the new goroutines
// (execute + gogo + body + goexit0/gdestroy/gfput + the schedule pass that
// picks the next one from the local run queue).
//
// On GOMAXPROCS=1 the new goroutines cannot run until the creator yields,
// so a batch of 128 `go` statements is timed alone (ns/create), then the
// creator yields and the time until all 128 have run and exited is
// ns/run+exit. ns/op is per batch. The g structs come from the free list
// (steady state); TestBlockedGoroutineMemory logs the fresh-g (malg) case.
//
// procs=2 is informative: wakep then really wakes an M for the idle P,
// which steals part of the batch.
func BenchmarkGoCreate(b *testing.B) {
	for _, p := range []int{1, 2} {
		b.Run(fmt.Sprintf("procs=%d", p), func(b *testing.B) {
			defer setProcs(p)()
			b.ReportAllocs()
			var create, run time.Duration
			for b.Loop() {
				pending.Store(createBatch)
				t0 := time.Now()
				for range createBatch {
					go exitAtOnce()
				}
				t1 := time.Now()
				waitPending()
				t2 := time.Now()
				create += t1.Sub(t0)
				run += t2.Sub(t1)
			}
			perOp(b, create, b.N*createBatch, "ns/create")
			perOp(b, run, b.N*createBatch, "ns/run+exit")
		})
	}
}

// BenchmarkGoCreateRunExit is the create+run+exit round trip of a single
// goroutine on GOMAXPROCS=1: the creator runs `go f()` and then
// runtime.Gosched(); the scheduler runs the new goroutine from runnext
// (execute + gogo), it runs its one atomic add and exits (goexit0 +
// gfput), and the schedule pass finds the creator on the global run queue.
//
//	ns/op = GoCreate + Gosched(yield half) + GoStartFirst + GoExit + Schedule
//
// RESULTS.md subtracts the separately measured parts.
func BenchmarkGoCreateRunExit(b *testing.B) {
	defer setProcs(1)()
	b.ReportAllocs()
	pending.Store(0)
	for b.Loop() {
		go exitAtOnce()
		runtime.Gosched()
	}
	// Every body decremented pending once; balance and wait for stragglers
	// (a schedule pass checks the global queue first every 61 ticks, so
	// the creator occasionally resumes before its goroutine has run).
	pending.Add(int64(b.N))
	waitPending()
}

// BenchmarkGosched measures runtime.Gosched (gosched_m: _Grunning →
// _Grunnable, globrunqput under sched.lock, wakep, schedule, execute,
// gogo):
//
//   - pair: two goroutines on GOMAXPROCS=1 yielding to each other; every
//     iteration is two Gosched calls, each a real switch to the other
//     goroutine. ns/gosched is the cost-model Gosched entry.
//   - alone: one goroutine on GOMAXPROCS=1 with nothing else runnable;
//     schedule finds the caller itself on the global queue. This is a
//     full schedule pass without a change of goroutine.
//   - alone-idleP: the same on GOMAXPROCS=2 with the second P idle; wakep
//     now wakes a spinning M that runs findRunnable/stealWork on the idle
//     P and finds nothing (or steals the yielding goroutine). See
//     BenchmarkStealAttemptEmulated for the steal attempt itself.
func BenchmarkGosched(b *testing.B) {
	b.Run("pair", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		var stop atomic.Bool
		done := make(chan struct{})
		go func() {
			for !stop.Load() {
				runtime.Gosched()
			}
			close(done)
		}()
		for b.Loop() {
			runtime.Gosched()
		}
		perLoop(b, 2, "ns/gosched")
		stop.Store(true)
		<-done
	})
	b.Run("alone", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		for b.Loop() {
			runtime.Gosched()
		}
		perLoop(b, 1, "ns/gosched")
	})
	b.Run("alone-idleP", func(b *testing.B) {
		defer setProcs(2)()
		b.ReportAllocs()
		for b.Loop() {
			runtime.Gosched()
		}
		perLoop(b, 1, "ns/gosched")
	})
}

// BenchmarkChanPingPong is a round trip over two unbuffered channels
// between two goroutines. On GOMAXPROCS=1 every iteration is: send that
// hands the value to the parked receiver and readies it, receive that
// parks (switch), the same on the other side (switch). ns/switch = half a
// round trip = ChanSend(handoff) + ChanRecv(park) + one context switch.
//
// procs=2 is informative: the readied goroutine goes to runnext of the
// sender's P, so it usually still runs there, but wakep may wake the
// second P, whose M spins and may steal it (then a futex wake is paid).
func BenchmarkChanPingPong(b *testing.B) {
	for _, p := range []int{1, 2} {
		b.Run(fmt.Sprintf("procs=%d", p), func(b *testing.B) {
			defer setProcs(p)()
			b.ReportAllocs()
			ping, pong := make(chan int), make(chan int)
			go func() {
				for v := range ping {
					pong <- v
				}
				close(pong)
			}()
			for b.Loop() {
				ping <- 1
				<-pong
			}
			perLoop(b, 1, "ns/roundtrip")
			perLoop(b, 2, "ns/switch")
			close(ping)
			<-pong
		})
	}
}

// emuRunq mirrors the fields of a P that runqgrab reads: runqhead,
// runqtail, runnext and the 256-slot ring.
type emuRunq struct {
	head    atomic.Uint32
	tail    atomic.Uint32
	runnext atomic.Uintptr
	buf     [256]uintptr
}

// grab is runtime.runqgrab without the stealRunNextG branch: load-acquire
// head and tail, take half, copy, CAS head. The runtime's runnext branch
// (taken only when the victim's queue is empty but its runnext is set and
// the victim is running) sleeps usleep(3) first, so a steal that goes
// there costs at least 3 µs plus a nanosleep syscall.
//
//go:noinline
func (q *emuRunq) grab(batch *[256]uintptr) uint32 {
	for {
		h := q.head.Load()
		t := q.tail.Load()
		n := t - h
		n = n - n/2
		if n == 0 {
			_ = q.runnext.Load()
			return 0
		}
		if n > uint32(len(q.buf)/2) {
			continue // inconsistent h and t
		}
		for i := range n {
			batch[i] = q.buf[(h+i)%uint32(len(q.buf))]
		}
		if q.head.CompareAndSwap(h, h+n) {
			return n
		}
	}
}

// BenchmarkStealAttemptEmulated measures one steal attempt on one victim
// P, which cannot be isolated in the runtime. It runs a copy of runqgrab
// (see emuRunq.grab) against a victim queue:
//
//   - empty-idle: victim queue empty and not being written (its cache
//     line stays shared in the thief's cache): the failed attempt of a
//     spinning M polling an idle or quiet P.
//   - empty-busy: victim queue empty while a goroutine on the other P
//     keeps writing runnext, in the same cache line as head and tail
//     (GOMAXPROCS=2), so every attempt misses in the thief's cache: a
//     failed attempt on a busy P.
//   - success: the victim holds two goroutines and the thief takes one
//     (the CAS succeeds); the victim is then refilled by a single store.
//
// stealWork makes up to 4 passes over all Ps, so one failed findRunnable
// steal phase costs 4 × (GOMAXPROCS−1) attempts plus the timer checks.
func BenchmarkStealAttemptEmulated(b *testing.B) {
	b.Run("empty-idle", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		var q emuRunq
		var batch [256]uintptr
		for b.Loop() {
			q.grab(&batch)
		}
	})
	b.Run("empty-busy", func(b *testing.B) {
		defer setProcs(2)()
		b.ReportAllocs()
		var q emuRunq
		var batch [256]uintptr
		var stop atomic.Bool
		done := make(chan struct{})
		go func() {
			// The victim keeps running goroutines through runnext (as a
			// channel handoff does), writing the cache line that holds
			// head and tail while its queue stays empty.
			for i := uintptr(0); !stop.Load(); i++ {
				q.runnext.Store(i & 1)
			}
			close(done)
		}()
		for b.Loop() {
			q.grab(&batch)
		}
		stop.Store(true)
		<-done
	})
	b.Run("success", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		var q emuRunq
		q.buf[0], q.buf[1] = 1, 2
		q.tail.Store(2)
		var batch [256]uintptr
		for b.Loop() {
			if q.grab(&batch) != 1 {
				b.Fatal("grab did not take one")
			}
			q.tail.Add(1)
		}
	})
}

// lineFlag is a counter alone on its cache line.
type lineFlag struct {
	v atomic.Uint64
	_ [56]byte
}

// BenchmarkCacheLineTransfer bounces one cache line between two
// goroutines spinning on GOMAXPROCS=2 (so, on two CPUs): each increments
// the counter when it sees its parity and the main goroutine waits for
// the reply. ns/transfer, half the round trip, is the latency of reading
// a line last written by the other CPU: what a steal attempt on a busy
// victim (whose runq head/tail/runnext line it keeps writing) pays for
// its first load. BenchmarkStealAttemptEmulated/empty-busy runs attempts
// back to back, so their misses overlap in the out-of-order core and it
// reports throughput, not this latency.
func BenchmarkCacheLineTransfer(b *testing.B) {
	defer setProcs(2)()
	b.ReportAllocs()
	var x lineFlag
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		for !stop.Load() {
			if v := x.v.Load(); v&1 == 1 {
				x.v.Store(v + 1)
			}
		}
		close(done)
	}()
	for b.Loop() {
		v := x.v.Load() // even: our turn
		x.v.Store(v + 1)
		for x.v.Load() == v+1 {
		}
	}
	perLoop(b, 2, "ns/transfer")
	stop.Store(true)
	<-done
}
