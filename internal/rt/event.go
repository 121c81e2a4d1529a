package rt

// The event stream. The runtime reports what it does as typed events;
// every output (schedtrace text, execution traces, Perfetto JSON, pprof,
// metrics) is an Observer of this stream and nothing in the scheduler
// formats anything. With no observer attached, emitting costs one branch.

// EventKind identifies an event.
type EventKind uint8

const (
	_ EventKind = iota
	// Goroutine state changes. G is the goroutine the event is about.
	EvGoCreate       // G created (Target: creator goid, 0 for the runtime; Arg: 1 for a runtime-internal goroutine)
	EvGoStart        // G starts running on M/P
	EvGoStop         // G running → runnable (Reason: "runtime.Gosched", or "preempted" for preemption and goyield, as Go traces them)
	EvGoBlock        // G running → waiting (Reason: trace block reason, Arg: waitReason)
	EvGoUnblock      // G waiting → runnable, readied by the goroutine/thread in M/Target
	EvGoDestroy      // G exits
	EvGoSyscallBegin // G enters a syscall
	EvGoSyscallEnd   // G leaves a syscall and keeps (or regains at once) its P
	EvGoSyscallBlock // G leaves a syscall without a P: it becomes runnable
	EvProcStart      // M acquires P
	EvProcStop       // M releases P
	EvProcSteal      // P Arg2 taken from M Arg (a thread in a syscall) by M (retake, exitsyscall)
	EvProcsChange    // GOMAXPROCS changes to Arg
	EvMStart         // thread M created (Arg: 1 if it starts spinning)
	EvMPark          // M parks (stopm)
	EvMUnpark        // M woken by startm
	EvMSpin          // M starts spinning (Arg 1) or stops (Arg 0)
	EvSteal          // P stole Arg Gs from P Arg2 (Target: the G it will run)
	EvRunqOverflow   // runqputslow moved Arg Gs from P to the global queue
	EvGlobalRunqGet  // P took Arg Gs from the global queue
	EvPreempt        // sysmon asked the G on P to stop (Arg: 1 if async signal sent)
	EvTimerFire      // a timer fired on P
	EvNetpoll        // a netpoll returned Arg ready goroutines (Arg2: 1 if it blocked)
	EvSysmonWake     // sysmon woke (Arg: its sleep in µs)
	EvSchedTrace     // time for a schedtrace line (Arg: 1 if detailed)
	EvUserLog        // a user annotation (Reason: category, Text: message)
	EvEnd            // the simulation ended (Reason: "exit", "deadlock", "panic", …)
	EvWork           // G burned Arg ns of virtual CPU in Work (Stack: where)
	EvGoStatus       // casgstatus: G went from status Arg to Arg2 (Arg3: its waitReason)
	EvRunqPut        // G (or, G=0, a batch of Arg2 Gs) went on P's local run queue (Arg: 1 if into runnext)
	EvGlobalRunqPut  // Arg Gs went on the global run queue (Arg2: 1 if at its head)
	numEventKinds
)

var eventKindNames = [numEventKinds]string{
	EvGoCreate: "GoCreate", EvGoStart: "GoStart", EvGoStop: "GoStop", EvGoBlock: "GoBlock",
	EvGoUnblock: "GoUnblock", EvGoDestroy: "GoDestroy", EvGoSyscallBegin: "GoSyscallBegin",
	EvGoSyscallEnd: "GoSyscallEnd", EvGoSyscallBlock: "GoSyscallEndBlocked",
	EvProcStart: "ProcStart", EvProcStop: "ProcStop", EvProcSteal: "ProcSteal",
	EvProcsChange: "ProcsChange", EvMStart: "MStart", EvMPark: "MPark", EvMUnpark: "MUnpark",
	EvMSpin: "MSpin", EvSteal: "Steal", EvRunqOverflow: "RunqOverflow",
	EvGlobalRunqGet: "GlobalRunqGet", EvPreempt: "Preempt", EvTimerFire: "TimerFire",
	EvNetpoll: "Netpoll", EvSysmonWake: "SysmonWake", EvSchedTrace: "SchedTrace",
	EvUserLog: "UserLog", EvEnd: "End", EvWork: "Work", EvGoStatus: "GoStatus",
	EvRunqPut: "RunqPut", EvGlobalRunqPut: "GlobalRunqPut",
}

func (k EventKind) String() string {
	if int(k) < len(eventKindNames) && eventKindNames[k] != "" {
		return eventKindNames[k]
	}
	return "?"
}

// Event is one thing the runtime did. Observers receive a pointer that is
// only valid during the call; copy what you keep.
type Event struct {
	Kind   EventKind
	Time   int64 // virtual ns
	M      int64 // thread the event happens on (-1: none)
	P      int32 // that thread's P (-1: none)
	G      int64 // goroutine the event is about (0: none)
	Target int64 // another goroutine involved (creator, waker, stolen-for)
	Arg    int64
	Arg2   int64
	Arg3   int64
	Reason string
	Text   string
	// Stack is the goroutine's call stack at the event, as return PCs
	// innermost first (for runtime.CallersFrames), when an observer asked
	// for stacks and the event has one: GoCreate (the go statement),
	// GoBlock, GoStop, GoSyscallBegin, GoUnblock (the waker's), Work,
	// UserLog. It begins with the simulator's own frames (package
	// internal/rt), which observers drop, and holds at most 64 frames. It
	// is only valid during the call, like the Event.
	Stack []uintptr
	// Entry is the entry PC of G's function (GoCreate only).
	Entry uintptr
}

// Observer consumes the event stream.
type Observer interface {
	Event(ev *Event)
}

// StackObserver is an Observer that also wants goroutine stacks on events
// that have them. Capturing stacks costs a stack walk per event.
type StackObserver interface {
	Observer
	WantStacks() bool
}

var (
	observers  []Observer
	observing  bool // len(observers) > 0
	wantStacks bool
	evbuf      Event
)

func setObservers(obs []Observer) {
	observers = obs
	observing = len(obs) > 0
	wantStacks = false
	for _, o := range obs {
		if so, ok := o.(StackObserver); ok && so.WantStacks() {
			wantStacks = true
		}
	}
}

// emit sends evbuf to every observer, filling in the time and the current
// thread. Callers set the other fields of evbuf first.
func emit(kind EventKind, mp *m, gp *g) {
	ev := &evbuf
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
	for _, o := range observers {
		o.Event(ev)
	}
	*ev = Event{}
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
func parkStack() []uintptr {
	if !wantStacks {
		return nil
	}
	n := fpcallers(parkStackBuf[:])
	return parkStackBuf[:n]
}

// runqputEvent reports that gp went on the current P's local run queue.
func runqputEvent(gp *g, next bool) {
	if next {
		evbuf.Arg = 1
	}
	emit(EvRunqPut, curm, gp)
}

// globrunqputEvent reports that n Gs went on the global run queue.
func globrunqputEvent(n int32, head bool) {
	evbuf.Arg = int64(n)
	if head {
		evbuf.Arg2 = 1
	}
	emit(EvGlobalRunqPut, curm, nil)
}

// GStatusString returns the runtime's name for a G status value
// ("_Grunnable"), for observers.
func GStatusString(s int64) string {
	if s >= 0 && int(s) < len(gStatusNames) && gStatusNames[s] != "" {
		return gStatusNames[s]
	}
	return "?"
}

var gStatusNames = [...]string{
	_Gidle: "_Gidle", _Grunnable: "_Grunnable", _Grunning: "_Grunning", _Gsyscall: "_Gsyscall",
	_Gwaiting: "_Gwaiting", _Gdead: "_Gdead", _Gcopystack: "_Gcopystack", _Gpreempted: "_Gpreempted",
}

// WaitReasonString returns Go's string for a waitReason value carried in
// an event.
func WaitReasonString(w int64) string { return waitReason(w).String() }
