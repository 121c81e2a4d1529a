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
	EvGoCreate       // G created (Target: creator goid, 0 for the runtime)
	EvGoStart        // G starts running on M/P
	EvGoStop         // G running → runnable (Reason: "runtime.Gosched", "preempted", "yield")
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
	// Stack is the goroutine's call stack at the event (innermost first,
	// as runtime.Callers returns it) when an observer asked for stacks and
	// the event has one: GoCreate (the go statement), GoBlock, GoStop,
	// GoSyscallBegin, GoUnblock (the waker's), Work samples.
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

// callerStack captures the running G's stack for an event, if wanted.
func callerStack(skip int) []uintptr {
	if !wantStacks {
		return nil
	}
	var buf [64]uintptr
	n := runtimeCallers(skip+2, buf[:])
	return append([]uintptr(nil), buf[:n]...)
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
