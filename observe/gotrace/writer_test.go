package gotrace_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/exp/trace"

	"github.com/gmplab/gmp/observe/gotrace"
)

// scenario writes a small hand-made schedule that covers every event kind:
// two Ps, three threads, create/start/block/unblock/stop/destroy, Gosched,
// a non-blocking syscall, a blocking syscall whose P is stolen, equal
// timestamps and timestamp 0.
func scenario(w *gotrace.Writer) counts {
	want := newCounts()
	mainStk := w.Stack([]gotrace.Frame{{PC: 0x100, Func: "main.main", File: "/app/main.go", Line: 5}})
	workerEntry := w.Stack([]gotrace.Frame{{PC: 0x200, Func: "main.worker", File: "/app/main.go", Line: 20}})
	readerEntry := w.Stack([]gotrace.Frame{{PC: 0x300, Func: "main.reader", File: "/app/main.go", Line: 40}})
	recvStk := w.Stack([]gotrace.Frame{
		{PC: 0x210, Func: "runtime.chanrecv1", File: "/go/chan.go", Line: 1},
		{PC: 0x201, Func: "main.worker", File: "/app/main.go", Line: 22},
	})
	readStk := w.Stack([]gotrace.Frame{
		{PC: 0x310, Func: "syscall.read", File: "/go/syscall.go", Line: 9},
		{PC: 0x301, Func: "main.reader", File: "/app/main.go", Line: 42},
	})

	w.GoroutineExists(1, gotrace.GoRunnable, -1, mainStk)
	w.ProcStart(0, 0, 0) // everything at t=0
	w.GoStart(0, 0, 1)
	w.ProcsChange(0, 0, 2, mainStk)
	w.GoCreate(0, 0, 2, workerEntry, mainStk)
	w.GoCreate(0, 0, 3, readerEntry, mainStk)
	want.create += 2
	want.names["main.worker"]++
	want.names["main.reader"]++
	w.ProcStart(0, 1, 1)
	w.GoStart(0, 1, 2)
	w.GoBlock(5, 1, gotrace.BlockChanRecv, recvStk) // worker waits for main
	w.GoStart(5, 1, 3)
	w.UserLog(6, 1, "reader", "about to read", readStk)
	w.GoSyscallBegin(10, 1, readStk) // blocking read: M1 keeps P1 for now
	w.GoUnblock(10, 0, 2, mainStk)   // same time on another thread
	w.GoStop(12, 0, gotrace.StopGosched, mainStk)
	w.GoStart(12, 0, 2) // the worker gets main's P
	w.GoSyscallBegin(13, 0, recvStk)
	w.GoSyscallEnd(14, 0)    // non-blocking syscall
	w.ProcSteal(20, 2, 1, 1) // M2 takes P1 from the thread stuck in read
	w.ProcStart(20, 2, 1)
	w.GoStart(21, 2, 1) // main runs again on M2
	w.GoSyscallEndBlocked(30, 1)
	w.GoDestroy(31, 0) // worker done, P0 free
	w.ProcStop(31, 0)
	w.ProcStart(32, 1, 0) // M1 gets a P again
	w.GoStart(32, 1, 3)
	w.GoStop(40, 1, gotrace.StopPreempted, readStk)
	w.GoDestroy(41, 2) // main exits
	w.GoStart(42, 1, 3)
	w.GoDestroy(50, 1)
	w.ProcStop(50, 1)
	w.ProcStop(51, 2)
	want.start, want.block, want.unblock, want.stop, want.destroy = 7, 1, 1, 2, 3
	want.sysBegin, want.sysEnd, want.sysEndBlocked = 2, 1, 1
	want.procStart, want.procStop, want.logs, want.procsChange = 4, 4, 1, 1
	want.reasons = map[string]int{gotrace.BlockChanRecv: 1, gotrace.StopGosched: 1, gotrace.StopPreempted: 1}
	return want
}

func TestScenario(t *testing.T) {
	for _, genEvents := range []int{0, 1, 3, 7} { // 0: one generation
		var buf bytes.Buffer
		w := gotrace.NewWriter(&buf, gotrace.Options{GenerationEvents: genEvents})
		want := scenario(w)
		if err := w.Close(); err != nil {
			t.Fatalf("gen %d: Close: %v", genEvents, err)
		}
		got, events := readTrace(t, buf.Bytes())
		compareCounts(t, want, got)
		if got.syncs != w.Generations()+1 {
			t.Errorf("gen %d: %d sync events for %d generations", genEvents, got.syncs, w.Generations())
		}
		if genEvents == 0 {
			checkScenarioDetails(t, events)
		}
	}
}

// checkScenarioDetails looks at single events of the one-generation
// scenario: times (shifted by one tick), threads, stacks and the log.
func checkScenarioDetails(t *testing.T, events []trace.Event) {
	var steal, endBlocked, log *trace.Event
	for i := range events {
		ev := &events[i]
		if ev.Kind() == trace.EventLog {
			log = ev
		}
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind == trace.ResourceProc && st.Resource.Proc() == 1 && ev.Thread() == 2 && steal == nil {
			if from, to := st.Proc(); from == trace.ProcRunning && to == trace.ProcIdle {
				steal = ev
			}
		}
		if st.Resource.Kind == trace.ResourceGoroutine {
			if from, to := st.Goroutine(); from == trace.GoSyscall && to == trace.GoRunnable {
				endBlocked = ev
				if st.Resource.Goroutine() != 3 || ev.Thread() != 1 {
					t.Errorf("syscall end blocked: %v", ev)
				}
			}
			if from, to := st.Goroutine(); from == trace.GoRunning && to != trace.GoNotExist &&
				st.Resource.Goroutine() == 3 && !strings.Contains(st.Stack.String(), "syscall.read") {
				t.Errorf("goroutine 3 leaves running without its stack: %v", ev)
			}
		}
	}
	// The reader moves tied events 1ns apart, so times here have drifted.
	if steal == nil || endBlocked == nil || steal.Time() >= endBlocked.Time() {
		t.Errorf("steal of P1 by M2 (%v) must come before the end of the syscall (%v)", steal, endBlocked)
	}
	if log == nil || log.Log().Category != "reader" || log.Log().Message != "about to read" || log.Goroutine() != 3 {
		t.Errorf("user log: got %v", log)
	}
}

// TestTimes checks that virtual time t reads as t+1 ns, across generations.
// The reader moves events that share a time 1 ns apart; here the statuses
// the writer adds share the time of the event that needed them.
func TestTimes(t *testing.T) {
	var buf bytes.Buffer
	w := gotrace.NewWriter(&buf, gotrace.Options{GenerationEvents: 2})
	w.GoroutineExists(1, gotrace.GoRunnable, -1, 0)
	w.ProcExists(0, gotrace.ProcIdle, -1)
	var want []trace.Time
	for i := range 10 {
		ts := int64(i) * 1000
		w.ProcStart(ts, 0, 0)
		w.GoStart(ts+100, 0, 1)
		w.GoStop(ts+200, 0, gotrace.StopGosched, 0)
		w.ProcStop(ts+300, 0)
		want = append(want, trace.Time(ts+1), trace.Time(ts+101), trace.Time(ts+201), trace.Time(ts+301))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, events := readTrace(t, buf.Bytes())
	var got []trace.Time
	for _, ev := range events {
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind == trace.ResourceProc {
			if from, to := st.Proc(); from == to || from == trace.ProcUndetermined {
				continue // a status, not an event we wrote
			}
		} else if from, to := st.Goroutine(); from == to || from == trace.GoUndetermined {
			continue
		}
		got = append(got, ev.Time())
	}
	if len(got) != len(want) {
		t.Fatalf("read %d transitions, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] < want[i] || got[i] > want[i]+4 {
			t.Errorf("event %d at %v, want %v (+ at most 4ns for ties)", i, got[i], want[i])
		}
	}
}

// TestRandom runs long random schedules through the writer with generations
// of various sizes and compares what the reader sees with what was written.
func TestRandom(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  gotrace.Options
		steps int
		nM    int
		reuse bool // reuse goroutine IDs
	}{
		{"tiny generations", gotrace.Options{GenerationEvents: 5}, 20_000, 3, true},
		{"small generations", gotrace.Options{GenerationEvents: 997}, 200_000, 6, false},
		{"byte limit", gotrace.Options{GenerationBytes: 64 << 10}, 200_000, 4, false},
		{"one generation", gotrace.Options{}, 200_000, 2, false}, // batches split at 64 KiB
		{"reused IDs", gotrace.Options{GenerationEvents: 50_000}, 200_000, 5, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := gotrace.NewWriter(&buf, tc.opts)
			s := newSim(w, uint64(tc.steps), tc.nM)
			s.reuse = tc.reuse
			for range tc.steps {
				s.step()
			}
			if err := w.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			got, events := readTrace(t, buf.Bytes())
			compareCounts(t, s.want, got)
			if got.syncs != w.Generations()+1 {
				t.Errorf("%d sync events for %d generations", got.syncs, w.Generations())
			}
			t.Logf("%d events read, %d generations, %d bytes (%.1f bytes/event)",
				len(events), w.Generations(), buf.Len(), float64(buf.Len())/float64(len(events)))
			if tc.name != "tiny generations" && len(events) < 100_000 {
				t.Errorf("only %d events", len(events))
			}
		})
	}
}

// TestSeeds runs many short random schedules with generations of all sizes,
// reused goroutine IDs, and per-thread clocks that disagree with the call
// order (skew). Skew and reuse are not combined: a reused ID is safe only
// when time follows the call order (see GoDestroy).
func TestSeeds(t *testing.T) {
	seeds := uint64(60)
	if testing.Short() {
		seeds = 10
	}
	for seed := range seeds {
		for _, genEvents := range []int{1, 3, 40, 0} {
			var buf bytes.Buffer
			w := gotrace.NewWriter(&buf, gotrace.Options{GenerationEvents: genEvents})
			nM := 2 + int(seed%7)
			s := newSim(w, seed, nM)
			if seed%2 == 0 {
				s.reuse = true
			} else {
				s.skew = make([]int64, nM)
				for i := range s.skew {
					s.skew[i] = int64(s.r.IntN(40))
				}
			}
			for range 2000 {
				s.step()
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got, _ := readTrace(t, buf.Bytes())
			compareCounts(t, s.want, got)
			if t.Failed() {
				t.Fatalf("seed %d, GenerationEvents %d", seed, genEvents)
			}
		}
	}
}

func TestEmpty(t *testing.T) {
	var buf bytes.Buffer
	w := gotrace.NewWriter(&buf, gotrace.Options{})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := readTrace(t, buf.Bytes())
	if got.syncs != 2 {
		t.Errorf("empty trace: %d syncs", got.syncs)
	}

	// Declarations alone must reach the reader.
	buf.Reset()
	w = gotrace.NewWriter(&buf, gotrace.Options{})
	w.ProcExists(0, gotrace.ProcRunning, 3)
	w.GoroutineExists(7, gotrace.GoRunning, 3, 0)
	w.GoroutineExists(8, gotrace.GoWaiting, -1, 0)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, events := readTrace(t, buf.Bytes())
	seen := map[trace.GoID]trace.GoState{}
	for _, ev := range events {
		if ev.Kind() == trace.EventStateTransition && ev.StateTransition().Resource.Kind == trace.ResourceGoroutine {
			_, to := ev.StateTransition().Goroutine()
			seen[ev.StateTransition().Resource.Goroutine()] = to
		}
	}
	if seen[7] != trace.GoRunning || seen[8] != trace.GoWaiting {
		t.Errorf("declared goroutines read as %v", seen)
	}
}

// TestTables checks long strings, deep stacks, clashing PCs and large
// thread IDs.
func TestTables(t *testing.T) {
	var buf bytes.Buffer
	w := gotrace.NewWriter(&buf, gotrace.Options{})
	long := strings.Repeat("é", 1000) // 2000 bytes: cut to 1 KiB on a rune boundary
	var deep []gotrace.Frame
	for i := range 200 {
		deep = append(deep, gotrace.Frame{PC: 0x42, Func: "f" + strings.Repeat("x", i%7), File: "deep.go", Line: i})
	}
	deepStk := w.Stack(deep)
	if again := w.Stack(deep); again != deepStk {
		t.Errorf("same stack interned twice: %d, %d", deepStk, again)
	}
	entry := w.Stack([]gotrace.Frame{{PC: 0x42, Func: "main.other", File: "x.go", Line: 1}})
	const m = 1 << 40 // a thread ID too large for the writer's dense table
	w.GoroutineExists(1, gotrace.GoRunnable, -1, 0)
	w.ProcStart(0, m, 0)
	w.GoStart(1, m, 1)
	w.GoCreate(2, m, 2, entry, deepStk)
	w.UserLog(3, m, long, long, deepStk)
	w.GoBlock(4, m, long, deepStk)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, events := readTrace(t, buf.Bytes())
	var sawLog, sawCreate bool
	for _, ev := range events {
		switch ev.Kind() {
		case trace.EventLog:
			sawLog = true
			if ev.Thread() != m {
				t.Errorf("log on thread %v, want %v", ev.Thread(), int64(m))
			}
			if msg := ev.Log().Message; len(msg) > 1024 || !strings.HasPrefix(long, msg) || len(msg) < 1000 {
				t.Errorf("log message of %d bytes", len(msg))
			}
			n := 0
			for range ev.Stack().Frames() {
				n++
			}
			if n != 128 {
				t.Errorf("deep stack read with %d frames, want 128", n)
			}
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				continue
			}
			if from, _ := st.Goroutine(); from == trace.GoNotExist {
				sawCreate = true
				for f := range st.Stack.Frames() {
					if f.Func != "main.other" {
						t.Errorf("entry frame read as %q: PCs must not be shared", f.Func)
					}
				}
			}
		}
	}
	if !sawLog || !sawCreate {
		t.Errorf("log %v, create %v", sawLog, sawCreate)
	}
}

// TestInvalid checks that invalid calls are reported by Close, are not
// written, and leave a trace that still reads.
func TestInvalid(t *testing.T) {
	cases := []struct {
		name string
		bad  func(w *gotrace.Writer)
		msg  string
	}{
		{"start on busy thread", func(w *gotrace.Writer) { w.GoStart(5, 0, 2) }, "already runs goroutine"},
		{"start without P", func(w *gotrace.Writer) { w.GoStart(5, 1, 2) }, "no running P"},
		{"block without goroutine", func(w *gotrace.Writer) { w.GoBlock(5, 1, gotrace.BlockSync, 0) }, "no P"},
		{"unblock runnable", func(w *gotrace.Writer) { w.GoUnblock(5, 1, 2, 0) }, "not waiting"},
		{"create twice", func(w *gotrace.Writer) { w.GoCreate(5, 0, 2, 0, 0) }, "already exists"},
		{"time backwards", func(w *gotrace.Writer) { w.GoStop(1, 0, gotrace.StopGosched, 0) }, "backwards"},
		{"steal running P", func(w *gotrace.Writer) { w.ProcSteal(5, 1, 0, 0) }, "not in a syscall"},
		{"end blocked holding P", func(w *gotrace.Writer) {
			w.GoSyscallBegin(5, 0, 0)
			w.GoSyscallEndBlocked(6, 0)
		}, "still holds its P"},
		{"unknown stack", func(w *gotrace.Writer) { w.GoStop(5, 0, gotrace.StopGosched, 99) }, "unknown stack"},
		{"procs change without goroutine", func(w *gotrace.Writer) {
			w.GoStop(5, 0, gotrace.StopGosched, 0)
			w.ProcsChange(6, 0, 1, 0)
		}, "runs no goroutine"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := gotrace.NewWriter(&buf, gotrace.Options{})
			w.GoroutineExists(1, gotrace.GoRunnable, -1, 0)
			w.ProcStart(2, 0, 0)
			w.GoStart(2, 0, 1)
			w.GoCreate(3, 0, 2, 0, 0)
			tc.bad(w)
			w.GoStop(10, 0, gotrace.StopGosched, 0) // dropped: the writer stopped
			err := w.Close()
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("Close: got %v, want error containing %q", err, tc.msg)
			}
			if !errors.Is(w.Close(), err) {
				t.Errorf("second Close returned a different error")
			}
			got, _ := readTrace(t, buf.Bytes())
			if got.create != 1 || got.start != 1 {
				t.Errorf("valid prefix: read %d creates, %d starts", got.create, got.start)
			}
		})
	}

	// A goroutine the reader never met can only be declared in generation 1.
	var buf bytes.Buffer
	w := gotrace.NewWriter(&buf, gotrace.Options{GenerationEvents: 1})
	w.ProcStart(0, 0, 0)
	w.ProcStop(1, 0)
	w.GoroutineExists(9, gotrace.GoWaiting, -1, 0)
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "after the first generation") {
		t.Errorf("late GoroutineExists: %v", err)
	}
	readTrace(t, buf.Bytes())
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n--; f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	w := gotrace.NewWriter(&failWriter{n: 2}, gotrace.Options{GenerationEvents: 2})
	s := newSim(w, 1, 2)
	for range 100 {
		s.step()
	}
	if err := w.Close(); err == nil || err.Error() != "disk full" {
		t.Errorf("Close: %v", err)
	}
}
