package observe

import "strconv"

// GStatus is a goroutine's status: the runtime's _G* value (runtime2.go).
// GoStatus events carry it in Arg and Arg2; snapshots in their Status
// fields.
type GStatus uint32

// The statuses a simulated goroutine goes through, with Go's values (the
// simulator never moves stacks, so it has no _Gcopystack).
const (
	Gidle      GStatus = 0 // just allocated
	Grunnable  GStatus = 1 // on a run queue, not running
	Grunning   GStatus = 2 // running on a thread that holds a P
	Gsyscall   GStatus = 3 // in a system call, on a thread
	Gwaiting   GStatus = 4 // blocked in the runtime (a channel, a lock, a sleep …)
	Gdead      GStatus = 6 // exited, or not started; on a free list
	Gpreempted GStatus = 9 // stopped itself for a suspendG preemption
)

// gStatusNames are the runtime's names of the statuses.
var gStatusNames = [...]string{
	Gidle: "_Gidle", Grunnable: "_Grunnable", Grunning: "_Grunning", Gsyscall: "_Gsyscall",
	Gwaiting: "_Gwaiting", Gdead: "_Gdead", Gpreempted: "_Gpreempted",
}

// String returns the runtime's name for s ("_Grunnable").
//
//go:norace
func (s GStatus) String() string {
	if int(s) < len(gStatusNames) && gStatusNames[s] != "" {
		return gStatusNames[s]
	}
	return "GStatus(" + strconv.FormatUint(uint64(s), 10) + ")"
}

// WaitReason is why a goroutine waits: the runtime's waitReason
// (runtime2.go). GoBlock events carry it in Arg, GoStatus events in Arg3;
// its String is what a goroutine dump prints in brackets
// ("goroutine 7 [chan receive]").
type WaitReason uint8

// waitReasonStrings are Go's strings for the wait reasons the simulator
// uses, in the order of the runtime's waitReason constants
// (internal/rt/runtime2.go; TestWaitReasons there checks each one).
var waitReasonStrings = [...]string{
	"",
	"IO wait",
	"chan receive (nil chan)",
	"chan send (nil chan)",
	"select",
	"select (no cases)",
	"GC sweep wait",
	"GC scavenge wait",
	"chan receive",
	"chan send",
	"finalizer wait",
	"force gc (idle)",
	"GOMAXPROCS updater (idle)",
	"semacquire",
	"sleep",
	"sync.Cond.Wait",
	"sync.Mutex.Lock",
	"sync.RWMutex.RLock",
	"sync.RWMutex.Lock",
	"sync.WaitGroup.Wait",
	"preempted",
	"cleanup wait",
	"stopping the world",
}

// String returns Go's text for w ("chan receive"); the zero WaitReason is "".
//
//go:norace
func (w WaitReason) String() string {
	if int(w) < len(waitReasonStrings) {
		return waitReasonStrings[w]
	}
	return "unknown wait reason"
}
