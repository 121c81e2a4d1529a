package rt

import "unsafe"

// The choice funnel: every decision the simulated runtime makes that the
// real runtime leaves to the hardware, the OS or a random number goes
// through choose. With no Chooser (an ordinary run) each decision takes its
// default — the value the run always took before the funnel existed, so
// ordinary runs are byte for byte what they were; the explorer installs a
// Chooser to steer them, and records each run's decisions so that a run
// can be replayed and shrunk.
//
// The decisions, and why each is one the real runtime does not fix:
//
//   - ChoiceTie: which of several threads due at the same virtual instant
//     runs first. Asked only when there is a tie.
//   - ChoiceRand: a value of cheaprand (steal order, select poll order,
//     the semaphore treap's priorities).
//   - ChoiceCost: how long a runtime operation takes (a CostModel entry):
//     caches, contention and frequency scaling vary it.
//   - ChoiceDuration: how long Work, a syscall, a network wait, a thread's
//     wake-up or creation, a timer's slack and a signal's delivery take.
//   - ChoicePreempt: whether the goroutine is preempted at a runtime call
//     (a function prologue, where Go's asynchronous preemption and the
//     GC's stack scans can stop it).
//   - ChoiceRunnext, ChoiceShuffle: the perturbations the real scheduler
//     makes itself under -race (proc.go's randomizeScheduler): runqput
//     skips runnext half the time, runqputslow and runqputbatch shuffle.
//   - ChoiceOrder: an order Go leaves to map iteration (the children of a
//     cancelled context are cancelled in map order).
//   - ChoiceRunnable: abstract mode only — any runnable goroutine may run
//     next, an order Go does not promise but no real scheduler produces.

// ChoiceKind is the kind of a decision.
type ChoiceKind uint8

const (
	ChoiceTie ChoiceKind = iota + 1
	ChoiceRand
	ChoiceCost
	ChoiceDuration
	ChoicePreempt
	ChoiceRunnext
	ChoiceShuffle
	ChoiceOrder
	ChoiceRunnable
	numChoiceKinds
)

var choiceKindNames = [numChoiceKinds]string{
	ChoiceTie: "tie", ChoiceRand: "rand", ChoiceCost: "cost", ChoiceDuration: "duration",
	ChoicePreempt: "preempt", ChoiceRunnext: "runnext", ChoiceShuffle: "shuffle",
	ChoiceOrder: "order", ChoiceRunnable: "runnable",
}

//go:norace
func (k ChoiceKind) String() string {
	if k < numChoiceKinds && choiceKindNames[k] != "" {
		return choiceKindNames[k]
	}
	return "?"
}

// ParseChoiceKind returns the kind named s.
//
//go:norace
func ParseChoiceKind(s string) (ChoiceKind, bool) {
	for k, n := range choiceKindNames {
		if n == s && n != "" {
			return ChoiceKind(k), true
		}
	}
	return 0, false
}

// Site names the place a decision is made: the cost model entry being
// charged, the duration being drawn, the use of cheaprand.
type Site uint8

const (
	SiteNone Site = iota
	// Costs: one per CostModel entry.
	SiteGoCreate
	SiteNewG
	SiteGoExit
	SiteSchedule
	SiteGosched
	SitePark
	SiteReady
	SiteStealAttempt
	SiteRunnextBackoff
	SiteSyscallEnter
	SiteSyscallExit
	SiteNetpoll
	SiteChanSend
	SiteChanRecv
	SiteChanClose
	SiteSelect
	SiteMutexLock
	SiteMutexSpin
	SiteSemaAcquire
	SiteSemaRelease
	SiteAtomic
	SiteTimerOp
	SiteCharge // a cost a mirror package charges (rt.Charge)
	// Durations.
	SiteWork
	SiteSyscall
	SiteNetWait
	SiteMWakeup
	SiteMCreate
	SiteTimerSlack
	SitePreemptSignal
	// Random values.
	SiteSteal
	SiteSelectOrder
	SiteSemaTicket
	SiteRunqputslow
	SiteRunqputbatch
	SiteContext
	// Others.
	SiteAPI   // a runtime call (preemption)
	SiteEvent // the event queue (ties)
	SiteQueue // the run queues (abstract mode)
	numSites
)

var siteNames = [numSites]string{
	SiteGoCreate: "GoCreate", SiteNewG: "NewG", SiteGoExit: "GoExit", SiteSchedule: "Schedule",
	SiteGosched: "Gosched", SitePark: "Park", SiteReady: "Ready", SiteStealAttempt: "StealAttempt",
	SiteRunnextBackoff: "RunnextBackoff", SiteSyscallEnter: "SyscallEnter", SiteSyscallExit: "SyscallExit",
	SiteNetpoll: "Netpoll", SiteChanSend: "ChanSend", SiteChanRecv: "ChanRecv", SiteChanClose: "ChanClose",
	SiteSelect: "Select", SiteMutexLock: "MutexLock", SiteMutexSpin: "MutexSpin",
	SiteSemaAcquire: "SemaAcquire", SiteSemaRelease: "SemaRelease", SiteAtomic: "Atomic",
	SiteTimerOp: "TimerOp", SiteCharge: "Charge",
	SiteWork: "Work", SiteSyscall: "Syscall", SiteNetWait: "NetWait", SiteMWakeup: "MWakeup",
	SiteMCreate: "MCreate", SiteTimerSlack: "TimerSlack", SitePreemptSignal: "PreemptSignal",
	SiteSteal: "steal", SiteSelectOrder: "select", SiteSemaTicket: "sema",
	SiteRunqputslow: "runqputslow", SiteRunqputbatch: "runqputbatch", SiteContext: "context",
	SiteAPI: "api", SiteEvent: "event", SiteQueue: "queue",
}

//go:norace
func (s Site) String() string {
	if s < numSites && siteNames[s] != "" {
		return siteNames[s]
	}
	return "?"
}

// ParseSite returns the site named s.
//
//go:norace
func ParseSite(s string) (Site, bool) {
	for i, n := range siteNames {
		if n == s && n != "" {
			return Site(i), true
		}
	}
	return 0, false
}

// Op is the operation a goroutine is about to perform when a
// ChoicePreempt decision is asked at a runtime call: what a strategy that
// reorders operations on one object (GoPie) needs to see.
type Op uint8

const (
	OpNone    Op = iota
	OpGo         // a go statement
	OpSend       // a channel send (Obj: the channel)
	OpRecv       // a channel receive (Obj: the channel)
	OpClose      // close (Obj: the channel)
	OpSelect     // a select of several cases
	OpLock       // sync.Mutex.Lock, RWMutex.Lock (Obj: the mutex)
	OpUnlock     // sync.Mutex.Unlock, RWMutex.Unlock (Obj: the mutex)
	OpRLock      // RWMutex.RLock (Obj: the mutex)
	OpRUnlock    // RWMutex.RUnlock (Obj: the mutex)
	OpWGAdd      // WaitGroup.Add/Done (Obj: the WaitGroup)
	OpWGWait     // WaitGroup.Wait (Obj: the WaitGroup)
	OpAcquire    // a semaphore acquire (Obj: the semaphore)
	OpRelease    // a semaphore release (Obj: the semaphore)
	OpNotify     // Cond.Signal/Broadcast (Obj: the Cond)
	OpWait       // Cond.Wait (Obj: the Cond)
	OpSleep      // time.Sleep
	OpSyscall    // a system call
	OpNetWait    // a network wait
	OpOther      // any other runtime call
	numOps
)

var opNames = [numOps]string{
	OpGo: "go", OpSend: "chan send", OpRecv: "chan receive", OpClose: "close", OpSelect: "select",
	OpLock: "Lock", OpUnlock: "Unlock", OpRLock: "RLock", OpRUnlock: "RUnlock", OpWGAdd: "WaitGroup.Add",
	OpWGWait: "WaitGroup.Wait", OpAcquire: "semacquire", OpRelease: "semrelease", OpNotify: "Cond notify",
	OpWait: "Cond.Wait", OpSleep: "Sleep", OpSyscall: "syscall", OpNetWait: "network wait", OpOther: "runtime call",
}

//go:norace
func (o Op) String() string {
	if o < numOps && opNames[o] != "" {
		return opNames[o]
	}
	return "?"
}

// A Decision is one question the runtime asks its Chooser. It is only
// valid during the call.
type Decision struct {
	Index   int64      // decisions asked so far in this run (0-based)
	Kind    ChoiceKind // what is decided
	Site    Site       // where
	N       int64      // the number of options, values in [0, N); 0 for a duration (any value ≥ 0)
	Default int64      // the value an ordinary run takes
	G       int64      // the goroutine concerned (0: a thread, or none)
	M       int64      // the thread deciding
	Time    int64      // virtual time
	// Gs holds, for ChoiceRunnable, the runnable goroutines in the order
	// of the options; for ChoiceTie, the goroutines the tied threads run
	// (0 for a thread without one).
	Gs []int64
	// Op and Obj say, for ChoicePreempt, what the goroutine is about to
	// do and to which object (a channel's or sync object's id, unique in
	// the run; 0 for none).
	Op  Op
	Obj int64
}

// A Chooser takes the runtime's nondeterministic decisions for one run
// (Config.Chooser). Choose must return a value in [0, d.N) for a decision
// with N options, or a duration ≥ 0 for one with N == 0; it must not call
// back into the runtime.
type Chooser interface {
	Choose(d *Decision) int64
}

var (
	chooser   Chooser  // nil: every decision takes its default
	decision  Decision // the one in progress (choose is never reentered)
	decisions int64
	// exploreAbstract allows ChoiceRunnable (abstract mode).
	exploreAbstract bool
)

// choose asks the chooser for a decision, or returns def without one.
// Callers test chooser != nil first, so that an ordinary run pays one
// branch.
//
//go:norace
func choose(kind ChoiceKind, site Site, n, def int64, gp *g) int64 {
	d := &decision
	*d = Decision{Index: decisions, Kind: kind, Site: site, N: n, Default: def, Time: now, Gs: d.Gs[:0]}
	decisions++
	if gp != nil {
		d.G = gp.goid
	}
	if curm != nil {
		d.M = curm.id
	}
	v := callChooser(d)
	if n > 0 && (v < 0 || v >= n) || n == 0 && v < 0 {
		throwf("Chooser: %v at %v chose %d, outside [0, %d)", kind, site, v, n)
	}
	return v
}

// callChooser asks the chooser about d; under -race, on the event loop
// (see onLoop).
//
//go:norace
func callChooser(d *Decision) int64 {
	if raceBuild && cur != nil {
		chooseArg = d
		onLoop(chooseOnLoop)
		return chooseRes
	}
	return chooser.Choose(d)
}

var (
	chooseArg *Decision
	chooseRes int64
)

//go:norace
func chooseOnLoop() {
	chooseRes = chooser.Choose(chooseArg)
	chooseArg = nil
}

// chooseTie decides among n threads due at the same instant; the caller
// has put their goroutines in decision.Gs.
//
//go:norace
func chooseTie(n, def int64) int64 {
	gs := decision.Gs
	d := &decision
	*d = Decision{Index: decisions, Kind: ChoiceTie, Site: SiteEvent, N: n, Default: def, Time: now, Gs: gs}
	decisions++
	if curm != nil {
		d.M = curm.id
	}
	v := callChooser(d)
	if v < 0 || v >= n {
		throwf("Chooser: tie chose %d, outside [0, %d)", v, n)
	}
	return v
}

// cost returns the virtual time a runtime operation at site takes: its
// cost model entry d, or the chooser's.
//
//go:norace
func cost(site Site, d int64) int64 {
	if chooser != nil {
		return choose(ChoiceCost, site, 0, d, curg)
	}
	return d
}

// charge spends a runtime operation's cost (see cost).
//
//go:norace
func charge(site Site, d int64) {
	if chooser != nil {
		d = choose(ChoiceCost, site, 0, d, curg)
	}
	advance(d)
}

// duration returns how long something the program asked for or the OS
// decides takes: d, or the chooser's.
//
//go:norace
func duration(site Site, d int64, gp *g) int64 {
	if chooser != nil && d > 0 {
		return choose(ChoiceDuration, site, 0, d, gp)
	}
	return d
}

// Decisions returns how many decisions the current (or last) run asked.
//
//go:norace
func Decisions() int64 { return decisions }

// Exploring reports whether a Chooser steers the current run.
//
//go:norace
func Exploring() bool { return chooser != nil }

// ChooseOrder lets the Chooser order n things that Go visits in map order
// (a Fisher–Yates shuffle, one decision per position; the default is the
// order given): swap exchanges two of them.
//
//go:norace
func ChooseOrder(site Site, n int, swap func(i, j int)) {
	if chooser == nil {
		return
	}
	for i := 1; i < n; i++ {
		if j := choose(ChoiceOrder, site, int64(i+1), int64(i), curg); j != int64(i) {
			swap(i, int(j))
		}
	}
}

// preemptOp is preemptCheck for a runtime call that tells the Chooser what
// it is about to do.
//
//go:norace
func preemptOp(gp *g, op Op, obj int64) {
	if raceBuild && haltOnRace {
		racecheck(gp)
	}
	if gp.preempt || chooser != nil {
		preemptOpSlow(gp, op, obj)
	}
}

//go:noinline
//go:norace
func preemptOpSlow(gp *g, op Op, obj int64) {
	if !canPreemptM(gp.m) {
		return
	}
	if gp.preempt || choosePreempt(gp, op, obj) {
		gopreempt()
	}
}

// choosePreempt asks whether gp is preempted before op on obj.
//
//go:norace
func choosePreempt(gp *g, op Op, obj int64) bool {
	d := &decision
	*d = Decision{Index: decisions, Kind: ChoicePreempt, Site: SiteAPI, N: 2, Time: now, Gs: d.Gs[:0], Op: op, Obj: obj, G: gp.goid}
	decisions++
	if curm != nil {
		d.M = curm.id
	}
	v := callChooser(d)
	if v < 0 || v >= 2 {
		throwf("Chooser: preempt chose %d", v)
	}
	return v == 1
}

// objIDs numbers the sync objects a run's strategies see (mutexes,
// WaitGroups, semaphores, Conds): by first use, so ids are the same in
// every run of the same schedule.
var objIDs = Table[unsafe.Pointer, int64]{Hash: hashPointer}

//go:norace
func hashPointer(p unsafe.Pointer) uint64 { return HashWord(uint64(uintptr(p))) }

// objID returns addr's id in this run.
//
//go:norace
func objID(addr unsafe.Pointer) int64 {
	id, ok := objIDs.Get(addr)
	if !ok {
		id = int64(objIDs.Len()) + 1<<32 // apart from channel ids
		objIDs.Put(addr, id)
	}
	return id
}

// SyncOp is the runtime call of a sync mirror's fast path (Mutex.Lock and
// friends): it charges its cost, and under a Chooser it is a preemption
// point that says what is about to happen to obj. In an ordinary run it
// is exactly Charge(cost) — not a preemption point, as before.
//
//go:norace
func SyncOp(op Op, obj unsafe.Pointer, cost int64) {
	gp := getg()
	if chooser != nil && canPreemptM(gp.m) && choosePreempt(gp, op, objID(obj)) {
		gopreempt()
	}
	charge(SiteCharge, cost)
}
