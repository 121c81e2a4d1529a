package observe

import (
	"math/bits"
	"strconv"
	"strings"
)

// Kind identifies what an Event reports. The comment on each constant says
// which fields of the Event it sets; the others are zero, except M and P,
// which every event sets (-1 where there is no thread or P).
type Kind uint8

// The event kinds. "G" is Event.G, the goroutine the event is about.
const (
	_ Kind = iota

	// GoCreate: G was created, runnable. Target is the goroutine whose go
	// statement created it (0 if the runtime or a timer on the scheduler
	// created it); Arg is 1 for one of the runtime's own goroutines
	// (gcenable's, forcegc …); Entry is the entry PC of its function; Stack
	// is the go statement's stack.
	GoCreate
	// GoStart: G starts running on thread M, which holds P.
	GoStart
	// GoStop: G stops running but stays runnable. Reason is
	// "runtime.Gosched" (Gosched, or GOMAXPROCS moving its caller) or
	// "preempted" (a preemption, or a semaphore hand-off's goyield), as Go's
	// execution traces name them; Stack is where it stopped.
	GoStop
	// GoBlock: G blocks (running → waiting). Reason is the execution
	// trace's block reason ("chan receive", "chan send", "select", "sync",
	// "sync.(*Cond).Wait", "sleep", "network", "forever", "preempted",
	// "system goroutine wait"); Arg is Go's wait reason, WaitReason(Arg); Stack is where it
	// blocked.
	GoBlock
	// GoUnblock: G becomes runnable again (waiting → runnable). Target is
	// the goroutine that readied it (0 if the scheduler did: netpoll, a
	// timer, a GOMAXPROCS change), running on thread M; Stack is that
	// goroutine's stack.
	GoUnblock
	// GoDestroy: G exited (its function returned or it called Goexit).
	GoDestroy
	// GoSyscallBegin: G enters a blocking system call on thread M; Stack is
	// the call's stack.
	GoSyscallBegin
	// GoSyscallEnd: G returns from a system call and goes on running with
	// the P it had.
	GoSyscallEnd
	// GoSyscallEndBlocked: G returns from a system call whose P was taken
	// from it (or that it gave up). Arg is 1 if thread M got a P at once
	// and G goes on running (a GoStart follows), 0 if G became runnable
	// and waits for a P.
	GoSyscallEndBlocked
	// ProcStart: thread M acquires P.
	ProcStart
	// ProcStop: thread M releases P.
	ProcStop
	// ProcSteal: thread M takes P number Arg2 from thread Arg (-1 if
	// unknown), which holds it in a system call: sysmon's retake, a
	// stop-the-world, or a thread leaving a syscall reacquiring its P.
	ProcSteal
	// ProcsChange: GOMAXPROCS becomes Arg (also reported once at start-up).
	ProcsChange
	// MStart: thread M was created; Arg is 1 if it starts spinning.
	MStart
	// MPark: thread M parks with nothing to do (stopm, or a thread locked
	// to a goroutine that stops).
	MPark
	// MUnpark: parked thread M is woken (startm's notewakeup).
	MUnpark
	// MSpin: thread M starts spinning in search of work (Arg 1) or stops
	// (Arg 0).
	MSpin
	// Steal: P stole Arg goroutines from the run queue of P number Arg2;
	// Target is the one it runs next.
	Steal
	// RunqOverflow: P's local run queue was full: runqputslow moved Arg
	// goroutines to the global run queue.
	RunqOverflow
	// GlobalRunqGet: P took Arg goroutines from the global run queue;
	// Target is the one it runs next.
	GlobalRunqGet
	// Preempt: sysmon asked G, running on thread M, to stop; Arg is 1 if it
	// also sent the asynchronous preemption signal.
	Preempt
	// TimerFire: a timer fired on P; Arg is how late it fired, in ns.
	TimerFire
	// Netpoll: the network poller returned Arg ready goroutines; Arg2 is 1
	// if the poll blocked.
	Netpoll
	// SysmonWake: sysmon woke up; Arg is the sleep it woke from, in µs.
	SysmonWake
	// SchedTrace: a schedtrace line is due (Config.SchedTrace); Arg is 1
	// for the detailed form (scheddetail).
	SchedTrace
	// UserLog: G called gmp.Log or trace.Log. Reason is the category, Text
	// the message, Arg the task it belongs to (0 for none), Stack the
	// call's stack.
	UserLog
	// End: the run ended. Reason is "exit", "deadlock", "panic", "limit"
	// or "fatal". M and P are -1.
	End
	// Work: G burned Arg ns of virtual CPU in gmp.Work on P; Stack is the
	// call's stack. A Work cut short by preemption reports what it burned.
	Work
	// GoStatus: G's status changed from GStatus(Arg) to GStatus(Arg2)
	// (the runtime's casgstatus); Arg3 is its WaitReason.
	GoStatus
	// RunqPut: G went on P's local run queue, into runnext if Arg is 1.
	// With G 0, a batch of Arg2 goroutines went on the queue at once.
	RunqPut
	// GlobalRunqPut: Arg goroutines went on the global run queue, at its
	// head if Arg2 is 1.
	GlobalRunqPut
	// UserTaskBegin: G began a task (trace.NewTask). Arg is the task's id
	// (unique in the run, from 1), Arg2 its parent's (0 for none), Reason
	// its type; Stack is the call's stack.
	UserTaskBegin
	// UserTaskEnd: G ended task Arg (trace.Task.End), of type Reason, which
	// had lasted Arg2 ns; Stack is the call's stack.
	UserTaskEnd
	// UserRegionBegin: G began a region of type Reason in task Arg (0: the
	// background task) (trace.StartRegion); Stack is the call's stack.
	UserRegionBegin
	// UserRegionEnd: G ended its innermost region of type Reason in task
	// Arg, which had lasted Arg2 ns (trace.Region.End); Stack is the call's
	// stack.
	UserRegionEnd

	numKinds
)

// kindNames are the kinds' names; String returns them.
var kindNames = [numKinds]string{
	GoCreate: "GoCreate", GoStart: "GoStart", GoStop: "GoStop", GoBlock: "GoBlock",
	GoUnblock: "GoUnblock", GoDestroy: "GoDestroy", GoSyscallBegin: "GoSyscallBegin",
	GoSyscallEnd: "GoSyscallEnd", GoSyscallEndBlocked: "GoSyscallEndBlocked",
	ProcStart: "ProcStart", ProcStop: "ProcStop", ProcSteal: "ProcSteal",
	ProcsChange: "ProcsChange", MStart: "MStart", MPark: "MPark", MUnpark: "MUnpark",
	MSpin: "MSpin", Steal: "Steal", RunqOverflow: "RunqOverflow",
	GlobalRunqGet: "GlobalRunqGet", Preempt: "Preempt", TimerFire: "TimerFire",
	Netpoll: "Netpoll", SysmonWake: "SysmonWake", SchedTrace: "SchedTrace",
	UserLog: "UserLog", End: "End", Work: "Work", GoStatus: "GoStatus",
	RunqPut: "RunqPut", GlobalRunqPut: "GlobalRunqPut",
	UserTaskBegin: "UserTaskBegin", UserTaskEnd: "UserTaskEnd",
	UserRegionBegin: "UserRegionBegin", UserRegionEnd: "UserRegionEnd",
}

// String returns the kind's name: the name of its constant ("GoCreate").
//
//go:norace
func (k Kind) String() string {
	if k < numKinds && kindNames[k] != "" {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// KindSet is a set of event kinds, for Subscriber.
type KindSet uint64

// AllKinds holds every kind.
const AllKinds KindSet = 1<<numKinds - 2

// KindsOf returns the set holding kinds.
//
//go:norace
func KindsOf(kinds ...Kind) KindSet {
	var s KindSet
	for _, k := range kinds {
		s |= 1 << k
	}
	return s & AllKinds
}

// Has reports whether s holds k.
//
//go:norace
func (s KindSet) Has(k Kind) bool { return s&(1<<(k&63)) != 0 && k < numKinds }

// Kinds returns the kinds in s, in increasing order.
//
//go:norace
func (s KindSet) Kinds() []Kind {
	var out []Kind
	for s &= AllKinds; s != 0; s &= s - 1 {
		out = append(out, Kind(bits.TrailingZeros64(uint64(s))))
	}
	return out
}

// String lists the kinds in s: "{GoCreate GoStart}".
//
//go:norace
func (s KindSet) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range s.Kinds() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k.String())
	}
	b.WriteByte('}')
	return b.String()
}

// Event is one thing the runtime did. Which fields are set depends on Kind:
// see the Kind constants. An Observer receives a pointer that is only
// valid during its Event call; copy what you keep.
type Event struct {
	// Kind says what happened.
	Kind Kind
	// Time is the virtual time of the event: nanoseconds since the run
	// started (gmp.Epoch).
	Time int64
	// M is the thread the event happens on, -1 for none (End).
	M int64
	// P is the P that thread M holds, -1 for none.
	P int32
	// G is the goroutine the event is about, 0 for none.
	G int64
	// Target is another goroutine involved: the creator (GoCreate), the
	// waker (GoUnblock), the one a P runs next (Steal, GlobalRunqGet).
	// 0 for none.
	Target int64
	// Arg is the kind's first number (a count, a thread, a status, a
	// duration: see the kind).
	Arg int64
	// Arg2 is the kind's second number.
	Arg2 int64
	// Arg3 is the kind's third number (GoStatus's wait reason).
	Arg3 int64
	// Reason is the kind's text: why a goroutine stopped or blocked
	// (GoStop, GoBlock), a log's category (UserLog), a task's or region's
	// type (UserTask…, UserRegion…), how the run ended (End).
	Reason string
	// Text is a user log's message (UserLog).
	Text string
	// Stack is the goroutine's call stack at the event, as return PCs
	// innermost first, on the kinds that have one (GoCreate, GoStop,
	// GoBlock, GoUnblock, GoSyscallBegin, UserLog, Work, UserTask…,
	// UserRegion…) when a
	// StackObserver asked for stacks. It starts with the simulator's own
	// frames and holds at most 64 frames; Frames turns it into the
	// program's frames. Like the Event, it is only valid during the call.
	Stack []uintptr
	// Entry is the entry PC of the new goroutine's function (GoCreate);
	// runtime.FuncForPC(Entry).Name() names it.
	Entry uintptr
}
