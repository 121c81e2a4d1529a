package rt

import "github.com/gmplab/gmp/observe"

// The event stream. The runtime reports what it does as typed events;
// every output (schedtrace text, execution traces, Perfetto JSON, pprof,
// metrics) is an Observer of this stream and nothing in the scheduler
// formats anything. With no observer attached, emitting costs one branch.

// The types of the stream are package observe's, the public leaf package
// observers outside the module use; the names below keep the runtime's
// spelling (EvGoCreate …) for the call sites.

// EventKind identifies an event; see the observe.Kind constants for what
// each kind sets.
type EventKind = observe.Kind

const (
	EvGoCreate       = observe.GoCreate
	EvGoStart        = observe.GoStart
	EvGoStop         = observe.GoStop
	EvGoBlock        = observe.GoBlock
	EvGoUnblock      = observe.GoUnblock
	EvGoDestroy      = observe.GoDestroy
	EvGoSyscallBegin = observe.GoSyscallBegin
	EvGoSyscallEnd   = observe.GoSyscallEnd
	EvGoSyscallBlock = observe.GoSyscallEndBlocked
	EvProcStart      = observe.ProcStart
	EvProcStop       = observe.ProcStop
	EvProcSteal      = observe.ProcSteal
	EvProcsChange    = observe.ProcsChange
	EvMStart         = observe.MStart
	EvMPark          = observe.MPark
	EvMUnpark        = observe.MUnpark
	EvMSpin          = observe.MSpin
	EvSteal          = observe.Steal
	EvRunqOverflow   = observe.RunqOverflow
	EvGlobalRunqGet  = observe.GlobalRunqGet
	EvPreempt        = observe.Preempt
	EvTimerFire      = observe.TimerFire
	EvNetpoll        = observe.Netpoll
	EvSysmonWake     = observe.SysmonWake
	EvSchedTrace     = observe.SchedTrace
	EvUserLog        = observe.UserLog
	EvEnd            = observe.End
	EvWork           = observe.Work
	EvGoStatus       = observe.GoStatus
	EvRunqPut        = observe.RunqPut
	EvGlobalRunqPut  = observe.GlobalRunqPut
)

// Event is one thing the runtime did (observe.Event).
type Event = observe.Event

// Observer consumes the event stream (observe.Observer).
type Observer = observe.Observer

// StackObserver is an Observer that wants stacks (observe.StackObserver).
type StackObserver = observe.StackObserver

// maxKinds bounds the kinds: a KindSet is a 64-bit mask.
const maxKinds = 64

// The observers of the run, and who wants what. Only schedinit (through
// setObservers) and resetGlobals write these.
var (
	observers  []Observer
	observing  bool                 // len(observers) > 0
	wanted     observe.KindSet      // the kinds some observer subscribed to
	byKind     [maxKinds][]Observer // the observers of each kind, in Config order
	wantStacks bool                 // some StackObserver wants stacks
	emitting   int                  // emit calls in progress (see CanInspect)
	evbuf      Event
)

// setObservers attaches the observers of a run. An observe.Subscriber
// receives the kinds it names; any other Observer receives every kind.
//
//go:norace
func setObservers(obs []Observer) {
	observers = obs
	observing = len(observers) > 0
	wanted = 0
	byKind = [maxKinds][]Observer{}
	wantStacks = false
	for _, o := range observers {
		kinds := observe.AllKinds
		if s, ok := o.(observe.Subscriber); ok {
			kinds = s.Kinds() & observe.AllKinds
		}
		wanted |= kinds
		for _, k := range kinds.Kinds() {
			byKind[k] = append(byKind[k], o)
		}
		if so, ok := o.(StackObserver); ok && so.WantStacks() {
			wantStacks = true
		}
	}
}

// want reports whether some observer receives events of kind k: the test
// a call site makes before it builds an event (a bit test, as cheap as
// observing).
//
//go:norace
func want(k EventKind) bool {
	return wanted&(1<<k) != 0
}

// emit sends evbuf to the observers of kind, filling in the time and the
// current thread, and clears evbuf. Callers set the other fields of evbuf
// first; an event nobody subscribed to is dropped.
//
//go:norace
func emit(kind EventKind, mp *m, gp *g) {
	ev := &evbuf
	if obs := byKind[kind]; len(obs) > 0 {
		ev.Kind = kind
		ev.Time = now
		ev.M, ev.P = -1, -1
		if mp != nil {
			ev.M = mp.id
			if mp.p != nil {
				ev.P = mp.p.id
			}
		}
		ev.G = 0
		if gp != nil {
			ev.G = gp.goid
		}
		if raceBuild && cur != nil {
			emitKind = kind
			onLoop(emitObservers)
		} else {
			emitting++
			for _, o := range obs {
				o.Event(ev)
			}
			emitting--
		}
	}
	*ev = Event{}
}

// emitKind is the kind emitObservers sends.
var emitKind EventKind

// emitObservers sends evbuf to the observers of emitKind: emit's loop,
// run on the event loop under -race (onLoop).
//
//go:norace
func emitObservers() {
	emitting++
	for _, o := range byKind[emitKind] {
		o.Event(&evbuf)
	}
	emitting--
}

// CanInspect reports whether the caller may read the scheduler's state
// (ReadSchedState, Goroutines): it is a simulated goroutine, the
// scheduler, or an observer the runtime is calling. Anything else —
// outside a run, or a host goroutine of its own — must not.
//
//go:norace
func CanInspect() bool {
	return curg != nil || curm != nil || emitting > 0
}

// maxEventStack bounds the frames captured for an event.
const maxEventStack = 64

var (
	stackBuf     [maxEventStack]uintptr // callerStack's result
	parkStackBuf [maxEventStack]uintptr // parkStack's result

	// parkedStack is the stack captured on the G side of a park or yield,
	// for the event the scheduler emits right after the switch.
	parkedStack []uintptr
)

// callerStack captures the running G's stack for an event, if wanted. The
// result is only valid until the next call: it is meant for evbuf.Stack.
// The stack starts inside the simulator (callerStack's caller); observers
// drop the frames of package internal/rt. skip is kept for documentation:
// the frames it names are dropped by observers, not here.
//
//go:norace
func callerStack(skip int) []uintptr {
	if !wantStacks {
		return nil
	}
	_ = skip
	n := fpcallers(stackBuf[:])
	return stackBuf[:n]
}

// parkStack is callerStack for a stack captured on the G side of a switch
// and emitted by the scheduler right after it (parkedStack): the scheduler
// acts on an mcall before anything else runs, so one buffer suffices.
//
//go:norace
func parkStack() []uintptr {
	if !wantStacks {
		return nil
	}
	n := fpcallers(parkStackBuf[:])
	return parkStackBuf[:n]
}

// runqputEvent reports that gp went on the current P's local run queue.
//
//go:norace
func runqputEvent(gp *g, next bool) {
	if !want(EvRunqPut) {
		return
	}
	if next {
		evbuf.Arg = 1
	}
	emit(EvRunqPut, curm, gp)
}

// globrunqputEvent reports that n Gs went on the global run queue.
//
//go:norace
func globrunqputEvent(n int32, head bool) {
	if !want(EvGlobalRunqPut) {
		return
	}
	evbuf.Arg = int64(n)
	if head {
		evbuf.Arg2 = 1
	}
	emit(EvGlobalRunqPut, curm, nil)
}

// GStatusString returns the runtime's name for a G status value
// ("_Grunnable"), for observers.
//
//go:norace
func GStatusString(s int64) string { return observe.GStatus(s).String() }

// WaitReasonString returns Go's string for a waitReason value carried in
// an event.
//
//go:norace
func WaitReasonString(w int64) string { return observe.WaitReason(w).String() }
