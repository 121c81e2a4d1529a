package gotrace_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"golang.org/x/exp/trace"

	"github.com/gmplab/gmp/observe/gotrace"
)

// counts tallies scheduler transitions, both as a simulation wrote them and
// as a reader saw them, so that tests can compare the two.
type counts struct {
	create, start, stop, block, unblock, destroy  int
	sysBegin, sysEnd, sysEndBlocked               int
	procStart, procStop, logs, procsChange, syncs int
	reasons                                       map[string]int // GoStop/GoBlock reasons
	runtimeBlocks                                 map[string]int // GoBlocks with no frame of the program's, by reason
	names                                         map[string]int // entry functions of created goroutines
}

func newCounts() counts {
	return counts{reasons: map[string]int{}, runtimeBlocks: map[string]int{}, names: map[string]int{}}
}

const (
	sRunnable = iota + 1
	sRunning
	sWaiting
	sSyscall
)

// tracer is the Writer's event API, so that a sim can also be recorded.
type tracer interface {
	Stack(frames []gotrace.Frame) uint64
	ProcsChange(ts, m int64, procs int, stack uint64)
	ProcStart(ts, m int64, p int32)
	ProcStop(ts, m int64)
	ProcSteal(ts, m int64, p int32, victimM int64)
	GoCreate(ts, m, newG int64, newStack, stack uint64)
	GoStart(ts, m, g int64)
	GoStop(ts, m int64, reason string, stack uint64)
	GoBlock(ts, m int64, reason string, stack uint64)
	GoUnblock(ts, m, g int64, stack uint64)
	GoDestroy(ts, m int64)
	GoSyscallBegin(ts, m int64, stack uint64)
	GoSyscallEnd(ts, m int64)
	GoSyscallEndBlocked(ts, m int64)
	UserLog(ts, m int64, category, message string, stack uint64)
	GoroutineExists(g int64, status gotrace.GoStatus, m int64, stack uint64)
	ProcExists(p int32, status gotrace.ProcStatus, m int64)
}

var _ tracer = (*gotrace.Writer)(nil)

type simM struct {
	p int32
	g int64
}

// sim drives a Writer with a random but valid schedule of a few threads,
// Ps and goroutines, recording what it wrote in want.
type sim struct {
	w       tracer
	r       *rand.Rand
	now     int64
	ms      []simM
	idleP   []int32
	gs      map[int64]int // live goroutine -> state
	runq    []int64
	waiting []int64
	nextG   int64
	free    []int64 // destroyed goroutine IDs, reused if reuse is set
	reuse   bool
	skew    []int64  // per-thread clock offsets; nil: one clock
	entries []uint64 // newStack per entry function
	names   []string // entry function names, same order
	stacks  []uint64 // call stacks for events
	want    counts
}

var blockReasons = []string{gotrace.BlockChanRecv, gotrace.BlockChanSend, gotrace.BlockSync,
	gotrace.BlockSelect, gotrace.BlockSleep, gotrace.BlockNetwork, gotrace.BlockCondWait}

// newSim declares a starting state with every kind of pre-existing goroutine
// and P: M0 runs G1 on P0, M1 is in a syscall (G4) holding P1, P2 is idle,
// G2 waits, G3 is runnable.
func newSim(w tracer, seed uint64, nM int) *sim {
	s := &sim{w: w, r: rand.New(rand.NewPCG(seed, 7)), gs: map[int64]int{}, nextG: 5, want: newCounts()}
	for i := range 6 {
		name := fmt.Sprintf("main.worker%d", i)
		frames := []gotrace.Frame{{PC: 0x1000 + uint64(i)*0x10, Func: name, File: "/sim/main.go", Line: 10 * i}}
		if i%2 == 1 { // entry below an inner frame: the outermost frame names it
			frames = append([]gotrace.Frame{{Func: "main.helper", File: "/sim/helper.go", Line: 3}}, frames...)
		}
		s.entries = append(s.entries, w.Stack(frames))
		s.names = append(s.names, name)
	}
	for i := range 4 {
		s.stacks = append(s.stacks, w.Stack([]gotrace.Frame{
			{PC: 0x2000 + uint64(i), Func: fmt.Sprintf("sync.op%d", i), File: "/sim/sync.go", Line: i},
			{PC: 0x1000, Func: "main.worker0", File: "/sim/main.go", Line: 1}, // reuses a PC
		}))
	}
	s.ms = make([]simM, nM)
	for i := range s.ms {
		s.ms[i] = simM{p: -1, g: -1}
	}
	w.ProcExists(0, gotrace.ProcRunning, 0)
	w.GoroutineExists(1, gotrace.GoRunning, 0, 0)
	w.ProcExists(1, gotrace.ProcSyscall, 1)
	w.GoroutineExists(4, gotrace.GoSyscall, 1, 0)
	w.ProcExists(2, gotrace.ProcIdle, -1)
	w.GoroutineExists(2, gotrace.GoWaiting, -1, 0)
	w.GoroutineExists(3, gotrace.GoRunnable, -1, 0)
	s.ms[0], s.ms[1] = simM{p: 0, g: 1}, simM{p: 1, g: 4}
	s.idleP = []int32{2}
	s.gs = map[int64]int{1: sRunning, 2: sWaiting, 3: sRunnable, 4: sSyscall}
	s.waiting, s.runq = []int64{2}, []int64{3}
	return s
}

// at is the time on thread m's clock. With skew, per-thread times still
// never decrease, but no longer follow the order of the calls.
func (s *sim) at(m int) int64 {
	if s.skew == nil {
		return s.now
	}
	return s.now + s.skew[m]
}

func (s *sim) stack() uint64 { return s.stacks[s.r.IntN(len(s.stacks))] }

func take[T any](r *rand.Rand, xs *[]T) T {
	i := r.IntN(len(*xs))
	x := (*xs)[i]
	(*xs)[i] = (*xs)[len(*xs)-1]
	*xs = (*xs)[:len(*xs)-1]
	return x
}

func (s *sim) unblock(m int) {
	g := take(s.r, &s.waiting)
	s.w.GoUnblock(s.at(m), int64(m), g, s.stack())
	s.gs[g] = sRunnable
	s.runq = append(s.runq, g)
	s.want.unblock++
}

func (s *sim) start(m int, g int64) {
	s.w.GoStart(s.at(m), int64(m), g)
	s.gs[g] = sRunning
	s.ms[m].g = g
	s.want.start++
}

func (s *sim) create(m int) {
	i := s.r.IntN(len(s.entries))
	g := s.nextG
	if s.reuse && len(s.free) > 0 {
		g = take(s.r, &s.free)
	} else {
		s.nextG++
	}
	var stk uint64
	if s.ms[m].g >= 0 {
		stk = s.stack()
	}
	s.w.GoCreate(s.at(m), int64(m), g, s.entries[i], stk)
	s.gs[g] = sRunnable
	s.runq = append(s.runq, g)
	s.want.create++
	s.want.names[s.names[i]]++
}

func (s *sim) procStart(m int) {
	p := take(s.r, &s.idleP)
	s.w.ProcStart(s.at(m), int64(m), p)
	s.ms[m].p = p
	s.want.procStart++
}

// step advances time by 0-2 ns (so many events share a timestamp) and lets
// one random thread do one thing.
func (s *sim) step() {
	s.now += int64(s.r.IntN(3))
	m := s.r.IntN(len(s.ms))
	M := &s.ms[m]
	x := s.r.IntN(100)
	switch {
	case M.g >= 0 && s.gs[M.g] == sSyscall && M.p >= 0: // in a syscall, holding its P
		switch {
		case x < 50:
			s.w.GoSyscallEnd(s.at(m), int64(m))
			s.gs[M.g] = sRunning
			s.want.sysEnd++
		case x < 85: // another thread takes the P
			thief := (m + 1 + s.r.IntN(len(s.ms)-1)) % len(s.ms)
			s.w.ProcSteal(s.at(thief), int64(thief), M.p, int64(m))
			s.idleP = append(s.idleP, M.p)
			M.p = -1
			s.want.procStop++
		default: // hands its P off itself
			s.w.ProcStop(s.at(m), int64(m))
			s.idleP = append(s.idleP, M.p)
			M.p = -1
			s.want.procStop++
		}
	case M.g >= 0 && s.gs[M.g] == sSyscall: // returning from a syscall that lost its P
		g := M.g
		if len(s.idleP) > 0 && x < 50 { // fast path: grab a P first, keep running
			s.procStart(m)
			s.w.GoSyscallEndBlocked(s.at(m), int64(m))
			M.g = -1
			s.want.sysEndBlocked++
			s.start(m, g)
			return
		}
		s.w.GoSyscallEndBlocked(s.at(m), int64(m))
		M.g = -1
		s.gs[g] = sRunnable
		s.runq = append(s.runq, g)
		s.want.sysEndBlocked++
	case M.p < 0:
		switch {
		case len(s.idleP) > 0 && x < 70:
			s.procStart(m)
		case len(s.waiting) > 0 && x < 90: // e.g. the netpoller on a thread without a P
			s.unblock(m)
		}
	case M.g < 0:
		switch {
		case len(s.runq) > 0 && x < 80:
			s.start(m, take(s.r, &s.runq))
		case len(s.gs) < 40 && x < 85:
			s.create(m)
		case len(s.waiting) > 0 && x < 92:
			s.unblock(m)
		default:
			s.w.ProcStop(s.at(m), int64(m))
			s.idleP = append(s.idleP, M.p)
			M.p = -1
			s.want.procStop++
		}
	default: // running a goroutine
		g := M.g
		switch {
		case x < 12 && len(s.gs) < 40:
			s.create(m)
		case x < 28:
			reason := []string{gotrace.StopGosched, gotrace.StopPreempted}[x%2]
			s.w.GoStop(s.at(m), int64(m), reason, s.stack())
			s.gs[g], M.g = sRunnable, -1
			s.runq = append(s.runq, g)
			s.want.stop++
			s.want.reasons[reason]++
		case x < 48:
			reason := blockReasons[s.r.IntN(len(blockReasons))]
			s.w.GoBlock(s.at(m), int64(m), reason, s.stack())
			s.gs[g], M.g = sWaiting, -1
			s.waiting = append(s.waiting, g)
			s.want.block++
			s.want.reasons[reason]++
		case x < 62 && len(s.waiting) > 0:
			s.unblock(m)
		case x < 74:
			s.w.GoSyscallBegin(s.at(m), int64(m), s.stack())
			s.gs[g] = sSyscall
			s.want.sysBegin++
		case x < 80:
			s.w.GoDestroy(s.at(m), int64(m))
			delete(s.gs, g)
			s.free = append(s.free, g)
			M.g = -1
			s.want.destroy++
		case x < 83:
			s.w.UserLog(s.at(m), int64(m), "sim", fmt.Sprintf("step at %d", s.now), s.stack())
			s.want.logs++
		case x < 84:
			s.w.ProcsChange(s.at(m), int64(m), 3, s.stack())
			s.want.procsChange++
		default:
			s.w.GoStop(s.at(m), int64(m), gotrace.StopPreempted, 0)
			s.gs[g], M.g = sRunnable, -1
			s.runq = append(s.runq, g)
			s.want.stop++
			s.want.reasons[gotrace.StopPreempted]++
		}
	}
}

// readTrace parses a whole trace with golang.org/x/exp/trace, checks that
// every state transition starts from the state the previous one left (the
// reader itself checks much, but not this), and tallies transitions.
func readTrace(t testing.TB, data []byte) (counts, []trace.Event) {
	t.Helper()
	r, err := trace.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	got := newCounts()
	var events []trace.Event
	gstate := map[trace.GoID]trace.GoState{}
	pstate := map[trace.ProcID]trace.ProcState{}
	var last trace.Time
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("ReadEvent after %d events: %v", len(events), err)
		}
		events = append(events, ev)
		if ev.Time() < last {
			t.Fatalf("time goes backwards: %v after %v", ev.Time(), last)
		}
		last = ev.Time()
		switch ev.Kind() {
		case trace.EventSync:
			got.syncs++
		case trace.EventLog:
			got.logs++
		case trace.EventMetric:
			if ev.Metric().Name == "/sched/gomaxprocs:threads" {
				got.procsChange++
			}
		case trace.EventStateTransition:
			st := ev.StateTransition()
			switch st.Resource.Kind {
			case trace.ResourceGoroutine:
				id := st.Resource.Goroutine()
				from, to := st.Goroutine()
				if old, ok := gstate[id]; ok && from != old {
					t.Fatalf("goroutine %d: transition %v->%v, but it was %v (%v)", id, from, to, old, ev)
				} else if !ok && from != trace.GoUndetermined && from != trace.GoNotExist {
					t.Fatalf("goroutine %d: first transition %v->%v (%v)", id, from, to, ev)
				}
				gstate[id] = to
				if to == trace.GoNotExist {
					delete(gstate, id)
				}
				countGo(&got, from, to, st)
			case trace.ResourceProc:
				id := st.Resource.Proc()
				from, to := st.Proc()
				if old, ok := pstate[id]; ok && from != old {
					t.Fatalf("proc %d: transition %v->%v, but it was %v (%v)", id, from, to, old, ev)
				}
				pstate[id] = to
				switch {
				case from == trace.ProcIdle && to == trace.ProcRunning:
					got.procStart++
				case from == trace.ProcRunning && to == trace.ProcIdle:
					got.procStop++
				}
			}
		}
	}
	return got, events
}

func countGo(c *counts, from, to trace.GoState, st trace.StateTransition) {
	switch {
	case from == trace.GoNotExist && to == trace.GoRunnable:
		c.create++
		var name string
		for f := range st.Stack.Frames() {
			name = f.Func // the outermost frame names a goroutine
		}
		c.names[name]++
	case from == trace.GoRunnable && to == trace.GoRunning:
		c.start++
	case from == trace.GoRunning && to == trace.GoRunnable:
		c.stop++
		c.reasons[st.Reason]++
	case from == trace.GoRunning && to == trace.GoWaiting:
		c.block++
		c.reasons[st.Reason]++
		if st.Stack == trace.NoStack {
			c.runtimeBlocks[st.Reason]++
		}
	case from == trace.GoWaiting && to == trace.GoRunnable:
		c.unblock++
	case from == trace.GoRunning && to == trace.GoNotExist:
		c.destroy++
	case from == trace.GoRunning && to == trace.GoSyscall:
		c.sysBegin++
	case from == trace.GoSyscall && to == trace.GoRunning:
		c.sysEnd++
	case from == trace.GoSyscall && to == trace.GoRunnable:
		c.sysEndBlocked++
	}
}

// compareCounts reports every count that differs between what was written
// and what was read.
func compareCounts(t testing.TB, want, got counts) {
	t.Helper()
	type pair struct {
		name      string
		want, got int
	}
	for _, p := range []pair{
		{"create", want.create, got.create}, {"start", want.start, got.start},
		{"stop", want.stop, got.stop}, {"block", want.block, got.block},
		{"unblock", want.unblock, got.unblock}, {"destroy", want.destroy, got.destroy},
		{"syscall begin", want.sysBegin, got.sysBegin}, {"syscall end", want.sysEnd, got.sysEnd},
		{"syscall end blocked", want.sysEndBlocked, got.sysEndBlocked},
		{"proc start", want.procStart, got.procStart}, {"proc stop/steal", want.procStop, got.procStop},
		{"logs", want.logs, got.logs}, {"procs change", want.procsChange, got.procsChange},
	} {
		if p.want != p.got {
			t.Errorf("%s: wrote %d, read %d", p.name, p.want, p.got)
		}
	}
	for _, m := range []struct {
		name      string
		want, got map[string]int
	}{{"reasons", want.reasons, got.reasons}, {"names", want.names, got.names}} {
		for k, v := range m.want {
			if m.got[k] != v {
				t.Errorf("%s[%q]: wrote %d, read %d", m.name, k, v, m.got[k])
			}
		}
		for k, v := range m.got {
			if _, ok := m.want[k]; !ok {
				t.Errorf("%s[%q]: read %d, wrote none", m.name, k, v)
			}
		}
	}
}
