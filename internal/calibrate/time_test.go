package calibrate

// Timer benchmarks: cost-model entries SleepMin (timer + wake round trip),
// TimerCreate/TimerStop (time.NewTimer + Stop) and AfterFunc.

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// BenchmarkSleep is the round trip of time.Sleep(d) on GOMAXPROCS=1 with
// no other runnable goroutine: resetForSleep adds the g's timer to the P's
// heap, gopark, schedule → findRunnable runs the P's expired timers
// (goroutineReady → goready) and resumes the sleeper.
//
//   - 1ns: the timer has already expired by the time findRunnable checks
//     it, so no syscall happens: ns/op is the pure timer add + run +
//     park/ready + schedule cost (the Sleep/timer round trip entry).
//   - 20us (informative): the timer is not yet due, the P has nothing to
//     run and the M blocks in netpoll (epoll_pwait) until the timer's
//     time. epoll's timeout is in milliseconds and the runtime rounds a
//     sub-millisecond delay up to 1 ms, so a short sleep on an idle
//     process overshoots to ~1 ms (the wake is the epoll timeout). The
//     overshoot is reported as ns/overshoot.
func BenchmarkSleep(b *testing.B) {
	for _, d := range []time.Duration{time.Nanosecond, 20 * time.Microsecond} {
		b.Run(fmt.Sprint(d), func(b *testing.B) {
			defer setProcs(1)()
			b.ReportAllocs()
			for b.Loop() {
				time.Sleep(d)
			}
			perLoop(b, 1, "ns/sleep")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)-float64(d.Nanoseconds()), "ns/overshoot")
		})
	}
}

// BenchmarkNewTimerStop measures time.NewTimer(1h) followed by Stop on
// GOMAXPROCS=1. Since Go 1.23 a channel timer is not put in the P's timer
// heap until a goroutine blocks on its channel (timer.needsAdd), so this is
// the allocation and initialisation of the Timer and its channel plus a
// locked state change: what a `select` with a timeout case pays when the
// other case wins before anyone waits on the timer.
func BenchmarkNewTimerStop(b *testing.B) {
	defer setProcs(1)()
	b.ReportAllocs()
	for b.Loop() {
		t := time.NewTimer(time.Hour)
		t.Stop()
	}
}

func afterFuncBody() {}

// timerBatch is the batch size of BenchmarkAfterFunc.
const timerBatch = 1024

// BenchmarkAfterFunc measures time.AfterFunc(1h, f) creation, which does
// insert the timer in the P's 4-ary timer heap, separately from its Stop,
// on GOMAXPROCS=1. Each iteration creates a batch of 1024 timers (timed,
// ns/create), then stops them (timed, ns/stop); ns/op is per batch. The
// heap therefore holds up to 1024 timers, so ns/create includes a
// log4(1024) = 5 level siftup. Stopped timers are removed lazily as
// zombies on a later heap operation.
func BenchmarkAfterFunc(b *testing.B) {
	defer setProcs(1)()
	b.ReportAllocs()
	ts := make([]*time.Timer, timerBatch)
	var create, stop time.Duration
	for b.Loop() {
		t0 := time.Now()
		for i := range ts {
			ts[i] = time.AfterFunc(time.Hour, afterFuncBody)
		}
		t1 := time.Now()
		for _, t := range ts {
			t.Stop()
		}
		t2 := time.Now()
		create += t1.Sub(t0)
		stop += t2.Sub(t1)
	}
	perOp(b, create, b.N*timerBatch, "ns/create")
	perOp(b, stop, b.N*timerBatch, "ns/stop")
	runtime.KeepAlive(ts)
}
