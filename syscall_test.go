package gmp_test

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/time"
)

const ms = stdtime.Millisecond

// startTimes runs main on cfg and returns the virtual time at which each
// named point was reached.
func startTimes(t *testing.T, cfg gmp.Config, main func(mark func(string))) (map[string]stdtime.Duration, *gmp.Result) {
	t.Helper()
	marks := map[string]stdtime.Duration{}
	var mu sync.Mutex // the marks' host lock: marked from several goroutines
	var start stdtime.Time
	res, err := gmp.Run(cfg, func() {
		start = gmp.Now()
		main(func(name string) {
			d := gmp.Since(start)
			mu.Lock()
			marks[name] = d
			mu.Unlock()
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return marks, res
}

// TestRetakeWithLocalWork: a P whose G is in a syscall and that has other
// work queued is retaken by sysmon after two observations (tens of µs),
// and handed to another M that runs the queued G.
func TestRetakeWithLocalWork(t *testing.T) {
	for _, v := range []string{"go1.26", "go1.25"} {
		t.Run(v, func(t *testing.T) {
			marks, res := startTimes(t, gmp.Config{Procs: 1, Version: v}, func(mark func(string)) {
				done := gmp.MakeChan[int](1)
				gmp.Go(func() { mark("other runs"); gmp.Work(10 * ms); done.Send(1) })
				gmp.Syscall(5 * ms) // the other G waits in this P's runnext
				mark("syscall done")
				done.Recv()
			})
			if marks["other runs"] >= marks["syscall done"] || marks["other runs"] > ms {
				t.Errorf("queued G ran at %v, syscall ended at %v: the P was not retaken early", marks["other runs"], marks["syscall done"])
			}
			if res.Stats.SyscallHandoffs != 1 {
				t.Errorf("syscall_handoffs = %d, want 1", res.Stats.SyscallHandoffs)
			}
			// The G leaving the syscall finds no idle P (the only one
			// runs the other G): it queues and its M stops.
			if res.Stats.ExitsyscallSlow != 1 {
				t.Errorf("exitsyscall_slow = %d, want 1", res.Stats.ExitsyscallSlow)
			}
		})
	}
}

// TestRetakeIdle: with nothing else to run and idle Ps available, a
// syscall keeps its P until it is 10ms old.
func TestRetakeIdle(t *testing.T) {
	_, short := startTimes(t, gmp.Config{Procs: 2}, func(mark func(string)) { gmp.Syscall(5 * ms) })
	if short.Stats.SyscallHandoffs != 0 || short.Stats.ExitsyscallFast != 1 {
		t.Errorf("5ms syscall with idle Ps: handoffs %d, fast exits %d; want 0 and 1", short.Stats.SyscallHandoffs, short.Stats.ExitsyscallFast)
	}
	_, long := startTimes(t, gmp.Config{Procs: 2}, func(mark func(string)) { gmp.Syscall(25 * ms) })
	if long.Stats.SyscallHandoffs != 1 {
		t.Errorf("25ms syscall: handoffs %d, want 1 (retaken once it is 10ms old)", long.Stats.SyscallHandoffs)
	}
	// Retaken, but an idle P is there at exit: it gets a P without
	// stopping its M.
	if long.Stats.ExitsyscallFast != 1 || long.Stats.ExitsyscallSlow != 0 {
		t.Errorf("25ms syscall exit: fast %d slow %d", long.Stats.ExitsyscallFast, long.Stats.ExitsyscallSlow)
	}
}

// TestRetakeBusy: with no idle P and no spinning M, a syscalling P is
// retaken after two sysmon observations even with an empty run queue.
func TestRetakeBusy(t *testing.T) {
	_, res := startTimes(t, gmp.Config{Procs: 2}, func(mark func(string)) {
		done := gmp.MakeChan[int](0)
		gmp.Go(func() { gmp.Work(20 * ms); done.Send(1) }) // keeps the other P busy
		gmp.Work(100 * stdtime.Microsecond)
		gmp.Syscall(5 * ms)
		done.Recv()
	})
	if res.Stats.SyscallHandoffs != 1 {
		t.Errorf("handoffs = %d, want 1", res.Stats.SyscallHandoffs)
	}
}

// TestShortSyscall: a syscall shorter than a sysmon tick is never seen
// twice, so it is never retaken.
func TestShortSyscall(t *testing.T) {
	_, res := startTimes(t, gmp.Config{Procs: 1}, func(mark func(string)) {
		done := gmp.MakeChan[int](0)
		gmp.Go(func() { done.Send(1) })
		for range 100 {
			gmp.Syscall(5 * stdtime.Microsecond)
		}
		done.Recv()
	})
	if res.Stats.SyscallHandoffs != 0 || res.Stats.ExitsyscallFast != 100 {
		t.Errorf("handoffs %d, fast exits %d; want 0 and 100", res.Stats.SyscallHandoffs, res.Stats.ExitsyscallFast)
	}
}

// TestSyscallPStatus: during a syscall, go1.26 keeps the P _Prunning and
// wired to the M (status=1 m=<id>); go1.25 detaches it into _Psyscall
// (status=2 m=nil), as scheddetail shows.
func TestSyscallPStatus(t *testing.T) {
	for _, v := range []string{"go1.26", "go1.25"} {
		var buf bytes.Buffer
		_, err := gmp.Run(gmp.Config{Procs: 2, Version: v, SchedTrace: ms, SchedDetail: true, SchedTraceOut: &buf}, func() {
			gmp.Syscall(5 * ms)
		})
		if err != nil {
			t.Fatal(err)
		}
		// The first detailed block: main is in its syscall.
		block, _, _ := strings.Cut(strings.TrimPrefix(buf.String(), "SCHED"), "SCHED")
		g1 := regexp.MustCompile(`(?m)^  G1: status=3\([^)]*\) m=(\d+) `).FindStringSubmatch(block)
		if g1 == nil {
			t.Fatalf("%s: main is not in _Gsyscall:\n%s", v, block)
		}
		var want *regexp.Regexp
		if v == "go1.26" {
			want = regexp.MustCompile(`(?m)^  P\d: status=1 .* m=` + g1[1] + ` `)
		} else {
			want = regexp.MustCompile(`(?m)^  P\d: status=2 .* m=nil `)
		}
		if !want.MatchString(block) {
			t.Errorf("%s: no P line matching %s:\n%s", v, want, block)
		}
	}
}

// TestThreadGrowth: goroutines blocked in syscalls each hold a thread;
// the thread limit is fatal, with Go's message.
func TestThreadGrowth(t *testing.T) {
	prog := func(n int) func() {
		return func() {
			done := gmp.MakeChan[int](n)
			for range n {
				gmp.Go(func() { gmp.Syscall(20 * ms); done.Send(1) })
			}
			for range n {
				done.Recv()
			}
		}
	}
	res, err := gmp.Run(gmp.Config{Procs: 4}, prog(50))
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.ThreadsMax < 50 {
		t.Errorf("50 goroutines in 20ms syscalls: threads max %d, want ≥ 50", res.Stats.ThreadsMax)
	}
	_, err = gmp.Run(gmp.Config{Procs: 4, MaxThreads: 20}, prog(50))
	var fe *gmp.FatalError
	if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "runtime: program exceeds 20-thread limit\nfatal error: thread exhaustion") {
		t.Errorf("thread limit: err = %v", err)
	}
}

// TestWasmPreset: one P, one thread, no sysmon: a blocking syscall blocks
// everything.
func TestWasmPreset(t *testing.T) {
	marks, res := startTimes(t, gmp.Config{Preset: "wasm"}, func(mark func(string)) {
		done := gmp.MakeChan[int](0)
		gmp.Go(func() { mark("other runs"); done.Send(1) })
		gmp.Syscall(5 * ms)
		mark("syscall done")
		done.Recv()
	})
	if marks["other runs"] < marks["syscall done"] {
		t.Errorf("on wasm another goroutine ran (%v) during the syscall (ended %v)", marks["other runs"], marks["syscall done"])
	}
	if len(res.Procs) != 1 || res.Stats.ThreadsMax != 1 {
		t.Errorf("wasm: %d Ps, %d threads", len(res.Procs), res.Stats.ThreadsMax)
	}
}

// TestPreemption: a goroutine burning CPU in Work starves another on the
// same P with cooperative preemption until it yields; with async
// preemption sysmon preempts it after its 10ms time slice.
func TestPreemption(t *testing.T) {
	prog := func(mark func(string)) {
		done := gmp.MakeChan[int](2)
		gmp.Go(func() {
			gmp.Go(func() { mark("victim runs"); done.Send(1) }) // waits in runnext
			for range 50 {
				gmp.Work(ms) // a 50ms loop with no function calls
			}
			mark("hog yields")
			done.Send(1)
		})
		done.Recv()
		done.Recv()
	}
	coop, _ := startTimes(t, gmp.Config{Procs: 1, Preempt: gmp.PreemptCooperative}, prog)
	// The hog's first call after its loop (the clock read in mark) is
	// where the pending request takes effect: the victim runs then.
	if v := coop["victim runs"]; v < 50*ms {
		t.Errorf("cooperative: the victim ran at %v, before the hog's 50ms loop ended", v)
	}
	async, res := startTimes(t, gmp.Config{Procs: 1}, prog)
	if v := async["victim runs"]; v < 10*ms || v > 20*ms {
		t.Errorf("async: the victim ran at %v, want within 10–20ms", v)
	}
	if res.Stats.Preemptions == 0 {
		t.Error("async: no preemption recorded")
	}
}

// TestSleepGranularity: on an otherwise idle program a 100µs sleep takes
// about a millisecond, because the idle M blocks in netpoll and
// epoll_wait's timeout is in milliseconds (as on real Linux).
func TestSleepGranularity(t *testing.T) {
	marks, _ := startTimes(t, gmp.Config{Procs: 2}, func(mark func(string)) {
		time.Sleep(100 * stdtime.Microsecond)
		mark("woke")
	})
	if w := marks["woke"]; w < ms || w > 1200*stdtime.Microsecond {
		t.Errorf("Sleep(100µs) took %v of virtual time, want ~1.05ms", w)
	}
}

// TestNetWait: a goroutine in NetWait parks in "IO wait" without holding
// an M, and becomes runnable through the netpoller.
func TestNetWait(t *testing.T) {
	var buf bytes.Buffer
	marks, res := startTimes(t, gmp.Config{Procs: 2, SchedTrace: ms, SchedDetail: true, SchedTraceOut: &buf}, func(mark func(string)) {
		done := gmp.MakeChan[int](0)
		for range 10 {
			gmp.Go(func() { gmp.NetWait(3 * ms); done.Send(1) })
		}
		for range 10 {
			done.Recv()
		}
		mark("all done")
	})
	if res.Stats.NetpollReady != 10 {
		t.Errorf("netpoll_ready = %d, want 10", res.Stats.NetpollReady)
	}
	if d := marks["all done"]; d < 3*ms || d > 5*ms {
		t.Errorf("10 × NetWait(3ms) done at %v", d)
	}
	if !strings.Contains(buf.String(), "status=4(IO wait)") {
		t.Error("no goroutine in IO wait in the dump")
	}
	if res.Stats.ThreadsMax > 5 {
		t.Errorf("%d threads for goroutines parked in the netpoller", res.Stats.ThreadsMax)
	}
}

func ExampleRun() {
	res, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		for i := range 5 {
			gmp.Go(func() { fmt.Print(i) })
		}
		gmp.Gosched()
		gmp.Gosched()
	})
	fmt.Println()
	fmt.Println(err, res.Stats.GoroutinesCreated)
	// Output:
	// 40123
	// <nil> 6
}
