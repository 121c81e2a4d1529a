// Package gotrace writes Go execution traces for a simulated runtime, so that
// `go tool trace`, gotraceui and golang.org/x/exp/trace can open them.
//
// Observer turns gmp's event stream into a trace (gmp.Config.Trace and
// `gmp run --trace` use it); Writer, below, is the encoder it drives, usable
// by any simulator.
//
// # Format
//
// The output uses the wire format of Go 1.22 ("go 1.22 trace\x00\x00\x00"),
// the oldest version of the current (v2) format. Every Go tool since 1.22
// reads it, and newer readers keep accepting it. There is no written spec;
// the format is defined by the reader in the Go tree (internal/trace). In
// short, a trace is a header followed by generations numbered from 1. A
// generation is a set of batches:
//
//   - per-thread event batches (at most 64 KiB each) holding timed events,
//     each timestamp stored as a delta from the previous event in the batch;
//   - one batch holding a lone Frequency event (ticks per second);
//   - a stack table and a string table, whose IDs are valid only inside the
//     generation.
//
// A reader orders the events of a generation with a model of the scheduler:
// every goroutine (G), processor (P) and thread (M) must move through legal
// states, and goroutines and Ps carry sequence numbers that pin down the order
// of events that happen on different threads. A trace that breaks any rule
// does not load at all.
//
// # What the Writer guarantees
//
// The caller reports scheduler events through methods that mirror the
// runtime's trace events (ProcStart, GoStart, GoBlock, ...), each naming the
// thread it happens on and a virtual timestamp in nanoseconds. The Writer
// keeps its own copy of the scheduler state and:
//
//   - checks every call against that state; an invalid call is not written,
//     and the first such error stops the Writer and is returned by Close
//     (and Err). Everything written up to that point still forms a valid trace;
//   - emits ProcStatus and GoStatus events whenever the reader needs them: the
//     first time a G or P is touched in each generation (in the batch of the
//     thread that holds it, if any, else of the thread whose event touches
//     it), and, at the end of a generation, for goroutines and Ps declared
//     with GoroutineExists/ProcExists that nothing touched;
//   - numbers goroutine and P sequence counters, interns stacks and strings,
//     splits batches at 64 KiB, and writes the frequency batch;
//   - buffers one generation in memory and writes it whole, starting a new
//     generation after Options.GenerationEvents events (or GenerationBytes
//     bytes), so memory stays bounded and a trace cut short (say, by a crash
//     before Close) still holds only complete generations.
//
// # Time
//
// Timestamps are written with a frequency of 1e9 ticks per second, so one
// tick is one virtual nanosecond. The reader treats a zero time as "unset",
// so every timestamp is shifted by one tick: a reader sees virtual time t as
// t+1 ns. The reader also moves events that share a time 1 ns apart, and the
// statuses the Writer adds share the time of the event that needed them, so
// crowded instants drift by a few nanoseconds.
//
// Timestamps must not decrease on any one thread. Equal timestamps are fine,
// and threads' clocks need not even agree with the order of the calls: the
// reader orders events across threads by sequence numbers and states, not
// by time. The one exception is a goroutine ID reused after GoDestroy, where
// only time tells the old goroutine's end from the new one's creation; the
// Writer places such a GoCreate after the GoDestroy, which suffices when
// time follows the order of the calls (as in a discrete-event simulator).
//
// # Limits of the v22 format
//
// The format has no events for run queues, work stealing of goroutines,
// spinning threads, the netpoller or sysmon; simulators should put those in
// another output. GoStatus carries no stack in v22, so a goroutine that
// existed before the trace gets its name in `go tool trace` from the first
// stack it is seen with (a GoBlock, GoStop or GoSyscallBegin stack), and a
// goroutine the reader has not met in the first generation can only appear
// through GoCreate. ProcsChange and UserLog need a running goroutine on the
// thread, as in the runtime.
package gotrace

import (
	"fmt"
	"io"
)

// Frame is one frame of a stack. Func and File are shown by the tools; PC
// identifies the frame (readers key frames by PC), so the Writer replaces a
// zero PC, or one already used for a different frame, with a made-up one.
type Frame struct {
	PC   uint64 // the frame's PC: a return PC, as runtime.Callers gives
	Func string // the function, package-qualified (runtime.Frame.Function)
	File string // the source file
	Line int    // the line in File
}

// GoStatus is the state of a goroutine, with the wire format's values.
type GoStatus uint8

// Goroutine states.
const (
	GoRunnable GoStatus = 1
	GoRunning  GoStatus = 2
	GoSyscall  GoStatus = 3
	GoWaiting  GoStatus = 4
)

//go:norace
func (s GoStatus) String() string {
	switch s {
	case GoRunnable:
		return "runnable"
	case GoRunning:
		return "running"
	case GoSyscall:
		return "syscall"
	case GoWaiting:
		return "waiting"
	}
	return fmt.Sprintf("GoStatus(%d)", uint8(s))
}

// ProcStatus is the state of a P, with the wire format's values.
type ProcStatus uint8

// P states. A P is in ProcSyscall while the goroutine on its thread is in a
// syscall; another thread may then take it with ProcSteal.
const (
	ProcRunning ProcStatus = 1
	ProcIdle    ProcStatus = 2
	ProcSyscall ProcStatus = 3
)

//go:norace
func (s ProcStatus) String() string {
	switch s {
	case ProcRunning:
		return "running"
	case ProcIdle:
		return "idle"
	case ProcSyscall:
		return "syscall"
	}
	return fmt.Sprintf("ProcStatus(%d)", uint8(s))
}

// Reasons for GoStop and GoBlock, spelled as the runtime spells them
// (runtime/traceruntime.go): the tools sort blocking time into profiles by
// these exact strings (e.g. "network" is I/O; chan, select and sync are
// synchronization).
const (
	StopGosched   = "runtime.Gosched"
	StopPreempted = "preempted"

	BlockUnspecified = "unspecified"
	BlockForever     = "forever"
	BlockNetwork     = "network"
	BlockSelect      = "select"
	BlockCondWait    = "sync.(*Cond).Wait"
	BlockSync        = "sync"
	BlockChanSend    = "chan send"
	BlockChanRecv    = "chan receive"
	BlockSleep       = "sleep"
	BlockSystem      = "system goroutine wait"
	BlockSynctest    = "synctest"
)

// Options tunes a Writer. The zero value is ready to use.
type Options struct {
	// GenerationEvents starts a new generation once the current one holds
	// this many events. If both limits are zero it defaults to 1<<20.
	GenerationEvents int
	// GenerationBytes starts a new generation once the current one holds
	// about this many bytes of event batches (tables not counted).
	GenerationBytes int
}

const (
	defaultGenerationEvents = 1 << 20
	maxDenseM               = 1 << 12
)

// Writer streams a trace to an io.Writer. It is not safe for concurrent use.
type Writer struct {
	out       io.Writer
	maxEvents int
	maxBytes  int
	err       error // first invalid call or write error; stops the Writer
	outBroken bool  // out failed: write nothing more
	closed    bool
	started   bool // header written

	gs      gTable
	ps      map[int32]*pState
	ms      map[int64]*mState // threads with IDs >= maxDenseM
	msDense []*mState         // threads with small IDs, the usual case
	lastM   *mState           // consecutive events are often on one thread

	// Declared by GoroutineExists/ProcExists; their status must reach the
	// reader even if nothing touches them in the generation.
	pendingG []int64
	pendingP []int32

	tables   // stacks, frames and per-generation strings (encode.go)
	genState // per-generation output (encode.go)
}

type gState struct {
	status  GoStatus // 0: the goroutine does not exist
	m       int64    // thread it is bound to while running or in a syscall, else -1
	seq     uint64
	emitted uint64 // generation whose reader knows this G's status (0: none yet)

	// For an ID whose goroutine ended: the generation and tick of its end
	// (see GoCreate).
	deadGen, deadTick uint64
}

type pState struct {
	status  ProcStatus
	m       int64 // thread holding it while running or in a syscall, else -1
	seq     uint64
	emitted uint64
}

type mState struct {
	id     int64
	p      int32   // -1: none
	pp     *pState // state of p, to spare map lookups
	g      int64   // -1: none
	gp     *gState
	lastTs int64 // last caller timestamp, to reject time going backwards

	// Open batch of the current generation (see encode.go).
	batch   []byte
	base    uint64 // tick of the batch's first event
	lastEnc uint64 // last tick written for this thread
	gen     uint64 // generation the open batch belongs to
}

// NewWriter returns a Writer that writes a trace to w. Nothing is written
// until the first generation is complete or Close is called.
//
//go:norace
func NewWriter(w io.Writer, opts Options) *Writer {
	if opts.GenerationEvents <= 0 && opts.GenerationBytes <= 0 {
		opts.GenerationEvents = defaultGenerationEvents
	}
	tw := &Writer{
		out:       w,
		maxEvents: opts.GenerationEvents,
		maxBytes:  opts.GenerationBytes,
		ps:        make(map[int32]*pState),
		ms:        make(map[int64]*mState),
		genState:  genState{gen: 1},
	}
	tw.tables.init()
	return tw
}

// Err returns the first error recorded so far, if any.
//
//go:norace
func (w *Writer) Err() error { return w.err }

// Generations returns how many generations have been written so far.
//
//go:norace
func (w *Writer) Generations() int { return int(w.gen - 1) }

// Events returns how many timed events the Writer has emitted so far,
// statuses it added included.
//
//go:norace
func (w *Writer) Events() int64 { return w.events }

// Close writes the current generation and returns the first error seen: an
// invalid call (the offending event and everything after it were dropped) or
// a write error. The trace written is valid either way, unless writing failed.
//
//go:norace
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.genEvents > 0 || !w.started || len(w.pendingG)+len(w.pendingP) > 0 {
		w.flushGen()
	}
	w.releaseBatches()
	return w.err
}

//go:norace
func (w *Writer) failf(op string, ts, m int64, format string, args ...any) {
	if w.err == nil {
		w.err = fmt.Errorf("gotrace: %s at t=%d on M%d: %s", op, ts, m, fmt.Sprintf(format, args...))
	}
}

// enter checks what every event needs and returns the state of thread m, or
// nil if the event must be dropped. It also starts a new generation when the
// current one is full, before the event, so that one call's events (statuses
// included) always land in the same generation.
//
//go:norace
func (w *Writer) enter(op string, ts, m int64) *mState {
	if w.err != nil || w.closed {
		return nil
	}
	if m < 0 || ts < 0 {
		w.failf(op, ts, m, "negative thread ID or timestamp")
		return nil
	}
	ms := w.mstate(m)
	if ts < ms.lastTs {
		w.failf(op, ts, m, "time goes backwards on this thread (last event at t=%d)", ms.lastTs)
		return nil
	}
	ms.lastTs = ts
	if (w.maxEvents > 0 && w.genEvents >= w.maxEvents) || (w.maxBytes > 0 && w.genBytes >= w.maxBytes) {
		w.flushGen()
	}
	return ms
}

//go:norace
func (w *Writer) mstate(m int64) *mState {
	if w.lastM != nil && w.lastM.id == m {
		return w.lastM
	}
	var ms *mState
	if m < int64(len(w.msDense)) {
		ms = w.msDense[m]
	} else {
		ms = w.ms[m]
	}
	if ms == nil {
		ms = &mState{id: m, p: -1, g: -1}
		if m < maxDenseM {
			if m >= int64(len(w.msDense)) {
				w.msDense = append(w.msDense, make([]*mState, m+1-int64(len(w.msDense)))...)
			}
			w.msDense[m] = ms
		} else {
			w.ms[m] = ms
		}
	}
	w.lastM = ms
	return ms
}

// tick converts a caller timestamp to the encoded one (see the package doc).
//
//go:norace
func tick(ts int64) uint64 { return uint64(ts) + 1 }

// ensureP makes sure the reader knows p's status in this generation. The
// status goes to the owning thread's batch when p is bound to one, because
// a running or syscall status binds the P to the thread that emits it.
//
//go:norace
func (w *Writer) ensureP(id int32, p *pState, at *mState, t uint64) {
	if p.emitted == w.gen {
		return
	}
	if p.status != ProcIdle {
		at = w.mstate(p.m)
	}
	w.emit(at, t, evProcStatus, uint64(id), uint64(p.status))
	p.seq, p.emitted = 0, w.gen
}

// ensureG is ensureP for goroutines. A goroutine bound to a thread also
// needs that thread's P known first.
//
//go:norace
func (w *Writer) ensureG(id int64, g *gState, at *mState, t uint64) {
	if g.emitted == w.gen {
		return
	}
	mid := noThread
	if g.status == GoRunning || g.status == GoSyscall {
		at, mid = w.mstate(g.m), uint64(g.m)
		if at.pp != nil {
			w.ensureP(at.p, at.pp, at, t)
		}
	}
	w.emit(at, t, evGoStatus, uint64(id), mid, uint64(g.status))
	g.seq, g.emitted = 0, w.gen
}

// ensureCtx makes the statuses of ms's P and goroutine known.
//
//go:norace
func (w *Writer) ensureCtx(ms *mState, t uint64) {
	if ms.pp != nil {
		w.ensureP(ms.p, ms.pp, ms, t)
	}
	if ms.gp != nil {
		w.ensureG(ms.g, ms.gp, ms, t)
	}
}

// running checks that ms runs a goroutine on a running P, which every
// event "of" a goroutine needs.
//
//go:norace
func (w *Writer) running(op string, ts int64, ms *mState) (*pState, *gState, bool) {
	p, g := ms.pp, ms.gp
	switch {
	case p == nil:
		w.failf(op, ts, ms.id, "thread has no P")
	case g == nil:
		w.failf(op, ts, ms.id, "thread runs no goroutine")
	case g.status != GoRunning:
		w.failf(op, ts, ms.id, "goroutine %d is %v, not running", ms.g, g.status)
	case p.status != ProcRunning:
		w.failf(op, ts, ms.id, "P%d is %v, not running", ms.p, p.status)
	default:
		return p, g, true
	}
	return nil, nil, false
}

//go:norace
func (w *Writer) checkStacks(op string, ts, m int64, ids ...uint64) bool {
	for _, id := range ids {
		if id > uint64(len(w.stacks)) {
			w.failf(op, ts, m, "unknown stack ID %d", id)
			return false
		}
	}
	return true
}

// ProcsChange records a new GOMAXPROCS value. Like the runtime, it must
// happen on a thread running a goroutine.
//
//go:norace
func (w *Writer) ProcsChange(ts int64, m int64, procs int, stack uint64) {
	const op = "ProcsChange"
	ms := w.enter(op, ts, m)
	if ms == nil || !w.checkStacks(op, ts, m, stack) {
		return
	}
	if procs < 0 {
		w.failf(op, ts, m, "negative procs %d", procs)
		return
	}
	if _, _, ok := w.running(op, ts, ms); !ok {
		return
	}
	t := tick(ts)
	w.ensureCtx(ms, t)
	w.emit(ms, t, evProcsChange, uint64(procs), w.wireStack(stack))
}

// ProcStart binds the idle P p to thread m. A P not seen before is taken to
// have been idle. The thread must hold no P; it may hold a goroutine that is
// returning from a syscall (whose P was taken), as in the runtime.
//
//go:norace
func (w *Writer) ProcStart(ts int64, m int64, p int32) {
	const op = "ProcStart"
	ms := w.enter(op, ts, m)
	if ms == nil {
		return
	}
	ps, g := w.ps[p], ms.gp
	switch {
	case p < 0:
		w.failf(op, ts, m, "negative P ID %d", p)
	case ms.pp != nil:
		w.failf(op, ts, m, "thread already holds P%d", ms.p)
	case g != nil && g.status != GoSyscall:
		w.failf(op, ts, m, "thread runs goroutine %d (%v)", ms.g, g.status)
	case ps != nil && ps.status != ProcIdle:
		w.failf(op, ts, m, "P%d is %v on M%d, not idle", p, ps.status, ps.m)
	default:
		if ps == nil {
			ps = &pState{status: ProcIdle, m: -1}
			w.ps[p] = ps
		}
		t := tick(ts)
		w.ensureP(p, ps, ms, t)
		w.ensureCtx(ms, t)
		ps.seq++
		w.emit(ms, t, evProcStart, uint64(p), ps.seq)
		ps.status, ps.m, ms.p, ms.pp = ProcRunning, m, p, ps
	}
}

// ProcStop makes thread m's P idle. Any goroutine left on the thread must be
// in a syscall (the thread handing its P off).
//
//go:norace
func (w *Writer) ProcStop(ts int64, m int64) {
	const op = "ProcStop"
	ms := w.enter(op, ts, m)
	if ms == nil {
		return
	}
	p, g := ms.pp, ms.gp
	switch {
	case p == nil:
		w.failf(op, ts, m, "thread has no P")
	case g != nil && g.status != GoSyscall:
		w.failf(op, ts, m, "goroutine %d is still %v on the thread", ms.g, g.status)
	default:
		t := tick(ts)
		w.ensureCtx(ms, t)
		w.emit(ms, t, evProcStop)
		p.status, p.m, ms.p, ms.pp = ProcIdle, -1, -1, nil
	}
}

// ProcSteal records thread m taking P p away from thread victimM, whose
// goroutine is in a syscall. Afterwards p is idle (start it on a thread with
// ProcStart) and victimM has no P; victimM's goroutine then leaves the
// syscall with GoSyscallEndBlocked. victimM == m means the thread gives up
// its own P.
//
//go:norace
func (w *Writer) ProcSteal(ts int64, m int64, p int32, victimM int64) {
	const op = "ProcSteal"
	ms := w.enter(op, ts, m)
	if ms == nil {
		return
	}
	ps := w.ps[p]
	if ps == nil || ps.status != ProcSyscall || ps.m != victimM {
		w.failf(op, ts, m, "P%d is not in a syscall on M%d", p, victimM)
		return
	}
	victim := w.mstate(victimM)
	t := tick(ts)
	w.ensureCtx(victim, t)
	w.ensureCtx(ms, t)
	ps.seq++
	w.emit(ms, t, evProcSteal, uint64(p), ps.seq, uint64(victimM))
	ps.status, ps.m, victim.p, victim.pp = ProcIdle, -1, -1, nil
}

// GoCreate records the creation of goroutine newG, which becomes runnable.
// The last (outermost) frame of newStack is the goroutine's entry function,
// which names it in the tools; the runtime uses a one-frame stack. stack is
// the creator's stack. The thread needs a running P; a goroutine on it, if
// any, must be running.
//
//go:norace
func (w *Writer) GoCreate(ts int64, m int64, newG int64, newStack, stack uint64) {
	const op = "GoCreate"
	ms := w.enter(op, ts, m)
	if ms == nil || !w.checkStacks(op, ts, m, newStack, stack) {
		return
	}
	p, g := ms.pp, ms.gp
	switch {
	case newG < 0:
		w.failf(op, ts, m, "negative goroutine ID %d", newG)
	case w.gs.get(newG) != nil:
		w.failf(op, ts, m, "goroutine %d already exists", newG)
	case p == nil || p.status != ProcRunning:
		w.failf(op, ts, m, "thread has no running P")
	case g != nil && g.status != GoRunning:
		w.failf(op, ts, m, "goroutine %d on the thread is %v", ms.g, g.status)
	default:
		t := tick(ts)
		if dead, ok := w.gs.deadTick(newG, w.gen); ok {
			// A reused ID: the reader must see the old goroutine's end
			// first, and only time orders the two.
			t = max(t, dead+1)
		}
		w.ensureCtx(ms, t)
		w.emit(ms, t, evGoCreate, uint64(newG), w.wireStack(newStack), w.wireStack(stack))
		// Creation tells the reader the status, and resets the sequence.
		w.gs.add(newG, gState{status: GoRunnable, m: -1, emitted: w.gen})
	}
}

// GoStart runs the runnable goroutine g on thread m, which needs a running
// P and no goroutine.
//
//go:norace
func (w *Writer) GoStart(ts int64, m int64, g int64) {
	const op = "GoStart"
	ms := w.enter(op, ts, m)
	if ms == nil {
		return
	}
	p, cur := ms.pp, ms.gp
	gs := w.gs.get(g)
	switch {
	case p == nil || p.status != ProcRunning:
		w.failf(op, ts, m, "thread has no running P")
	case cur != nil:
		w.failf(op, ts, m, "thread already runs goroutine %d", ms.g)
	case gs == nil:
		w.failf(op, ts, m, "unknown goroutine %d", g)
	case gs.status != GoRunnable:
		w.failf(op, ts, m, "goroutine %d is %v, not runnable", g, gs.status)
	default:
		t := tick(ts)
		w.ensureCtx(ms, t)
		w.ensureG(g, gs, ms, t)
		gs.seq++
		w.emit(ms, t, evGoStart, uint64(g), gs.seq)
		gs.status, gs.m, ms.g, ms.gp = GoRunning, m, g, gs
	}
}

// GoStop makes the running goroutine on m runnable again, e.g. with reason
// StopGosched or StopPreempted.
//
//go:norace
func (w *Writer) GoStop(ts int64, m int64, reason string, stack uint64) {
	w.goLeave("GoStop", evGoStop, GoRunnable, ts, m, reason, stack)
}

// GoBlock makes the running goroutine on m wait, e.g. with reason
// BlockChanRecv, BlockSync, BlockSleep, BlockNetwork or BlockSelect.
//
//go:norace
func (w *Writer) GoBlock(ts int64, m int64, reason string, stack uint64) {
	w.goLeave("GoBlock", evGoBlock, GoWaiting, ts, m, reason, stack)
}

// GoDestroy ends the running goroutine on m. Its ID may be used again (see
// Time in the package doc).
//
//go:norace
func (w *Writer) GoDestroy(ts int64, m int64) {
	w.goLeave("GoDestroy", evGoDestroy, 0, ts, m, "", 0)
}

// goLeave takes the running goroutine off thread m, into state to (0 for
// destroyed).
//
//go:norace
func (w *Writer) goLeave(op string, typ byte, to GoStatus, ts, m int64, reason string, stack uint64) {
	ms := w.enter(op, ts, m)
	if ms == nil || !w.checkStacks(op, ts, m, stack) {
		return
	}
	_, g, ok := w.running(op, ts, ms)
	if !ok {
		return
	}
	t := tick(ts)
	w.ensureCtx(ms, t)
	if typ == evGoDestroy {
		w.emit(ms, t, typ)
		w.gs.remove(ms.g, w.gen, ms.lastEnc)
	} else {
		w.emit(ms, t, typ, w.str(reason), w.wireStack(stack))
		g.status, g.m = to, -1
	}
	ms.g, ms.gp = -1, nil
}

// GoUnblock makes the waiting goroutine g runnable. It may happen on any
// thread, with or without a P or goroutine.
//
//go:norace
func (w *Writer) GoUnblock(ts int64, m int64, g int64, stack uint64) {
	const op = "GoUnblock"
	ms := w.enter(op, ts, m)
	if ms == nil || !w.checkStacks(op, ts, m, stack) {
		return
	}
	gs := w.gs.get(g)
	if gs == nil || gs.status != GoWaiting {
		if gs == nil {
			w.failf(op, ts, m, "unknown goroutine %d", g)
		} else {
			w.failf(op, ts, m, "goroutine %d is %v, not waiting", g, gs.status)
		}
		return
	}
	t := tick(ts)
	w.ensureCtx(ms, t)
	w.ensureG(g, gs, ms, t)
	gs.seq++
	w.emit(ms, t, evGoUnblock, uint64(g), gs.seq, w.wireStack(stack))
	gs.status = GoRunnable
}

// GoSyscallBegin puts the running goroutine on m, and its P, into a
// syscall. The syscall ends with GoSyscallEnd if the thread still holds the
// P, or with GoSyscallEndBlocked once the P was taken (ProcSteal) or given
// up (ProcStop).
//
//go:norace
func (w *Writer) GoSyscallBegin(ts int64, m int64, stack uint64) {
	const op = "GoSyscallBegin"
	ms := w.enter(op, ts, m)
	if ms == nil || !w.checkStacks(op, ts, m, stack) {
		return
	}
	p, g, ok := w.running(op, ts, ms)
	if !ok {
		return
	}
	t := tick(ts)
	w.ensureCtx(ms, t)
	// The P's sequence number lets the reader tell which syscall a
	// ProcSteal on another thread belongs to.
	p.seq++
	w.emit(ms, t, evGoSyscallBegin, p.seq, w.wireStack(stack))
	g.status, p.status = GoSyscall, ProcSyscall
}

// GoSyscallEnd returns the goroutine on m from a syscall during which the
// thread kept its P.
//
//go:norace
func (w *Writer) GoSyscallEnd(ts int64, m int64) {
	const op = "GoSyscallEnd"
	ms := w.enter(op, ts, m)
	if ms == nil {
		return
	}
	p, g := ms.pp, ms.gp
	switch {
	case g == nil || g.status != GoSyscall:
		w.failf(op, ts, m, "thread has no goroutine in a syscall")
	case p == nil || p.status != ProcSyscall:
		w.failf(op, ts, m, "thread lost its P during the syscall; use GoSyscallEndBlocked")
	default:
		t := tick(ts)
		w.ensureCtx(ms, t)
		w.emit(ms, t, evGoSyscallEnd)
		g.status, p.status = GoRunning, ProcRunning
	}
}

// GoSyscallEndBlocked returns the goroutine on m from a syscall whose P was
// taken or given up; the goroutine becomes runnable and leaves the thread.
// The thread may have acquired another P (ProcStart) in the meantime.
//
//go:norace
func (w *Writer) GoSyscallEndBlocked(ts int64, m int64) {
	const op = "GoSyscallEndBlocked"
	ms := w.enter(op, ts, m)
	if ms == nil {
		return
	}
	p, g := ms.pp, ms.gp
	switch {
	case g == nil || g.status != GoSyscall:
		w.failf(op, ts, m, "thread has no goroutine in a syscall")
	case p != nil && p.status == ProcSyscall:
		// The reader would wait forever for the P to leave the syscall.
		w.failf(op, ts, m, "thread still holds its P; use GoSyscallEnd, or ProcSteal/ProcStop first")
	default:
		t := tick(ts)
		w.ensureCtx(ms, t)
		w.emit(ms, t, evGoSyscallEndBlocked)
		g.status, g.m, ms.g, ms.gp = GoRunnable, -1, -1, nil
	}
}

// UserLog records a log message (as runtime/trace.Log with no task) by the
// running goroutine on m. Strings longer than 1 KiB are truncated.
//
//go:norace
func (w *Writer) UserLog(ts int64, m int64, category, message string, stack uint64) {
	w.UserTaskLog(ts, m, 0, category, message, stack)
}

// UserTaskLog records a log message in task (0: none) by the running
// goroutine on m (runtime/trace.Log).
//
//go:norace
func (w *Writer) UserTaskLog(ts int64, m int64, task uint64, category, message string, stack uint64) {
	const op = "UserLog"
	if ms, t, ok := w.userEvent(op, ts, m, stack); ok {
		w.emit(ms, t, evUserLog, task, w.str(category), w.str(message), w.wireStack(stack))
	}
}

// UserTaskBegin records the start of task id (≥ 1, not already active),
// a child of parent (0: none), of type typ, by the running goroutine on m
// (runtime/trace.NewTask).
//
//go:norace
func (w *Writer) UserTaskBegin(ts int64, m int64, id, parent uint64, typ string, stack uint64) {
	const op = "UserTaskBegin"
	if id == 0 {
		w.failf(op, ts, m, "task ID 0 is the background task")
		return
	}
	if ms, t, ok := w.userEvent(op, ts, m, stack); ok {
		w.emit(ms, t, evUserTaskBegin, id, parent, w.str(typ), w.wireStack(stack))
	}
}

// UserTaskEnd records the end of task id by the running goroutine on m
// (runtime/trace.Task.End).
//
//go:norace
func (w *Writer) UserTaskEnd(ts int64, m int64, id uint64, stack uint64) {
	if ms, t, ok := w.userEvent("UserTaskEnd", ts, m, stack); ok {
		w.emit(ms, t, evUserTaskEnd, id, w.wireStack(stack))
	}
}

// UserRegionBegin records the start of a region of type typ in task (0:
// the background task) by the running goroutine on m
// (runtime/trace.StartRegion). Regions must nest on their goroutine: the
// readers reject a UserRegionEnd that does not match the goroutine's
// innermost region.
//
//go:norace
func (w *Writer) UserRegionBegin(ts int64, m int64, task uint64, typ string, stack uint64) {
	if ms, t, ok := w.userEvent("UserRegionBegin", ts, m, stack); ok {
		w.emit(ms, t, evUserRegionBegin, task, w.str(typ), w.wireStack(stack))
	}
}

// UserRegionEnd records the end of the running goroutine's innermost
// region, of type typ in task (runtime/trace.Region.End).
//
//go:norace
func (w *Writer) UserRegionEnd(ts int64, m int64, task uint64, typ string, stack uint64) {
	if ms, t, ok := w.userEvent("UserRegionEnd", ts, m, stack); ok {
		w.emit(ms, t, evUserRegionEnd, task, w.str(typ), w.wireStack(stack))
	}
}

// userEvent checks what every user annotation needs — a goroutine running
// on thread m, as the runtime emits them from the calling goroutine — and
// returns the thread and tick to emit at.
//
//go:norace
func (w *Writer) userEvent(op string, ts, m int64, stack uint64) (*mState, uint64, bool) {
	ms := w.enter(op, ts, m)
	if ms == nil || !w.checkStacks(op, ts, m, stack) {
		return nil, 0, false
	}
	if _, _, ok := w.running(op, ts, ms); !ok {
		return nil, 0, false
	}
	t := tick(ts)
	w.ensureCtx(ms, t)
	return ms, t, true
}

// GoroutineExists declares a goroutine that exists before its first event:
// runnable or waiting (m = -1), running on thread m (which must already hold
// a running P, see ProcExists), or in a syscall on thread m. The v22 format
// can only introduce such goroutines in the first generation, so declare
// them before the first generation is written. stack is checked but not
// written: v22's GoStatus has no stack.
//
//go:norace
func (w *Writer) GoroutineExists(g int64, status GoStatus, m int64, stack uint64) {
	const op = "GoroutineExists"
	if w.err != nil || w.closed || !w.checkStacks(op, 0, m, stack) {
		return
	}
	if old := w.gs.get(g); old != nil {
		if old.status != status || (old.m != m && (status == GoRunning || status == GoSyscall)) {
			w.failf(op, 0, m, "goroutine %d is already known as %v on M%d", g, old.status, old.m)
		}
		return
	}
	if g < 0 {
		w.failf(op, 0, m, "negative goroutine ID %d", g)
		return
	}
	if w.started {
		w.failf(op, 0, m, "goroutine %d declared after the first generation was written", g)
		return
	}
	var ms *mState
	switch status {
	case GoRunnable, GoWaiting:
	case GoRunning, GoSyscall:
		if m < 0 {
			w.failf(op, 0, m, "a %v goroutine needs a thread", status)
			return
		}
		ms = w.mstate(m)
		p, cur := ms.pp, ms.gp
		switch {
		case cur != nil:
			w.failf(op, 0, m, "thread already has goroutine %d", ms.g)
			return
		case status == GoRunning && (p == nil || p.status != ProcRunning):
			w.failf(op, 0, m, "a running goroutine needs a running P on its thread")
			return
		case status == GoSyscall && p != nil && p.status != ProcSyscall:
			w.failf(op, 0, m, "the P of a thread in a syscall must be in a syscall too")
			return
		}
	default:
		w.failf(op, 0, m, "invalid status %v", status)
		return
	}
	gs := w.gs.add(g, gState{status: status, m: -1})
	if ms != nil {
		gs.m, ms.g, ms.gp = m, g, gs
	}
	w.pendingG = append(w.pendingG, g)
}

// ProcExists declares a P that exists before its first event: idle (m = -1),
// running on thread m, or in a syscall on thread m. Ps need not be declared
// if they start idle.
//
//go:norace
func (w *Writer) ProcExists(p int32, status ProcStatus, m int64) {
	const op = "ProcExists"
	if w.err != nil || w.closed {
		return
	}
	if old := w.ps[p]; old != nil {
		if old.status != status || (status != ProcIdle && old.m != m) {
			w.failf(op, 0, m, "P%d is already known as %v on M%d", p, old.status, old.m)
		}
		return
	}
	if p < 0 {
		w.failf(op, 0, m, "negative P ID %d", p)
		return
	}
	ps := &pState{status: status, m: -1}
	switch status {
	case ProcIdle:
	case ProcRunning, ProcSyscall:
		if m < 0 {
			w.failf(op, 0, m, "a %v P needs a thread", status)
			return
		}
		ms := w.mstate(m)
		if ms.pp != nil {
			w.failf(op, 0, m, "thread already holds P%d", ms.p)
			return
		}
		ps.m, ms.p, ms.pp = m, p, ps
	default:
		w.failf(op, 0, m, "invalid status %v", status)
		return
	}
	w.ps[p] = ps
	w.pendingP = append(w.pendingP, p)
}

// Proc reports what the Writer knows of P p: its status and the thread
// holding it (-1 if none). ok is false if p has not been seen.
//
//go:norace
func (w *Writer) Proc(p int32) (status ProcStatus, m int64, ok bool) {
	ps := w.ps[p]
	if ps == nil {
		return 0, -1, false
	}
	return ps.status, ps.m, true
}

// Thread reports what the Writer knows of thread m: the P it holds and the
// goroutine it runs (-1 for none), and that goroutine's status.
//
//go:norace
func (w *Writer) Thread(m int64) (p int32, g int64, gstatus GoStatus) {
	if m < 0 {
		return -1, -1, 0
	}
	ms := w.mstate(m)
	if ms.gp != nil {
		gstatus = ms.gp.status
	}
	return ms.p, ms.g, gstatus
}
