package rt

import "github.com/gmplab/gmp/observe"

// This file holds the runtime's core data structures, laid out like
// runtime2.go: G, M and P, the global scheduler state, and the status and
// wait-reason tables.

// G status values, as in runtime2.go (go1.26). The numeric values are Go's
// and are what scheddetail prints.
const (
	_Gidle            = 0
	_Grunnable        = 1
	_Grunning         = 2
	_Gsyscall         = 3
	_Gwaiting         = 4
	_Gmoribund_unused = 5
	_Gdead            = 6
	_Genqueue_unused  = 7
	_Gcopystack       = 8
	_Gpreempted       = 9
	_Gleaked          = 10
	_Gdeadextra       = 11
	_Gscan            = 0x1000
)

// P status values, as in runtime2.go. Go 1.26 retired _Psyscall (the slot
// is _Psyscall_unused); the go1.24/go1.25 model still uses it.
const (
	_Pidle    = 0
	_Prunning = 1
	_Psyscall = 2 // ≤go1.25 only; _Psyscall_unused in go1.26
	_Pgcstop  = 3
	_Pdead    = 4
)

// waitReason explains why a goroutine has been stopped (runtime2.go).
type waitReason uint8

const (
	waitReasonZero waitReason = iota
	waitReasonIOWait
	waitReasonChanReceiveNilChan
	waitReasonChanSendNilChan
	waitReasonSelect
	waitReasonSelectNoCases
	waitReasonGCSweepWait
	waitReasonGCScavengeWait
	waitReasonChanReceive
	waitReasonChanSend
	waitReasonFinalizerWait
	waitReasonForceGCIdle
	waitReasonUpdateGOMAXPROCSIdle
	waitReasonSemacquire
	waitReasonSleep
	waitReasonSyncCondWait
	waitReasonSyncMutexLock
	waitReasonSyncRWMutexRLock
	waitReasonSyncRWMutexLock
	waitReasonSyncWaitGroupWait
	waitReasonPreempted
	waitReasonCleanupWait
	waitReasonStoppingTheWorld
	numWaitReasons
)

// String returns Go's string for w (runtime2.go's waitReasonStrings): what
// scheddetail, goroutine dumps and traces print. The table is package
// observe's, whose WaitReason gives observers the same strings;
// TestWaitReasons checks it against the constants above.
//
//go:norace
func (w waitReason) String() string { return observe.WaitReason(w).String() }

// isMutexWait reports whether w is one of the sync-package lock waits that
// /sync/mutex/wait/total:seconds counts (runtime2.go:isMutexWait).
//
//go:norace
func (w waitReason) isMutexWait() bool {
	return w == waitReasonSyncMutexLock || w == waitReasonSyncRWMutexRLock || w == waitReasonSyncRWMutexLock
}

// gStatusStrings are the traceback names of the statuses (traceback.go).
var gStatusStrings = [...]string{
	_Gidle:      "idle",
	_Grunnable:  "runnable",
	_Grunning:   "running",
	_Gsyscall:   "syscall",
	_Gwaiting:   "waiting",
	_Gdead:      "dead",
	_Gcopystack: "copystack",
	_Gleaked:    "leaked",
	_Gpreempted: "preempted",
	_Gdeadextra: "waiting for cgo callback",
}

// A g is a simulated goroutine (runtime2.go:g). Its body runs in a host
// coroutine (see coro.go); everything else here is the runtime's view of it.
type g struct {
	race         raceCtx // -race builds only (race_on.go); no space otherwise
	goid         int64
	atomicstatus uint32
	waitreason   waitReason  // set by gopark, cleared only by gdestroy (as in Go)
	blockReason  blockReason // trace-level reason for the current block

	// preempt is the cooperative preemption request (g.preempt together
	// with stackguard0 = stackPreempt in Go). It is honoured at the next
	// runtime call the goroutine makes.
	preempt    bool
	sys        bool // a runtime-internal goroutine (isSystemGoroutine)
	harness    bool // a test harness's goroutine: not in runtime.Stack(buf, true) (HideFromStackAll)
	selectDone bool // a select case already won (select.go)

	stackSize int32 // simulated stack size in bytes (2 KiB at creation)

	m         *m // current M; nil when not running
	schedlink *g // next G on a gQueue/gList
	lockedm   *m // the M this G is locked to (LockOSThread)
	co        *coro

	fn         func() // entry function; nil once started
	parentGoid int64
	gopc       uintptr // pc of the go statement that created it

	// Times, in virtual ns.
	runnableSince int64 // when it last became runnable (sched latency)
	waitsince     int64 // when it parked (goroutine dumps)

	// Park state (gopark's arguments, kept on the g rather than the m
	// because the unlock function runs on the scheduler after the switch).
	waitunlockf func(gp *g, arg any) bool
	waitlock    any
	// waitunlockcost is the virtual time waitunlockf spends, if any: park_m
	// can only run on the leaving G's coroutine if no other thread acts
	// meanwhile (see schedInline).
	waitunlockcost int64

	// param is the wakeup parameter (g.param): the sudog that completed a
	// channel operation, or nil.
	param *sudog

	// waiting are the sudogs this g is blocked on, in lock order (chan.go,
	// select.go).
	waiting *sudog

	// timer is the goroutine's own timer, used by Sleep (time.go), and
	// sleepWhen when the current Sleep ends (g.sleepWhen).
	timer     *timer
	sleepWhen int64

	// cpu is the virtual CPU time the goroutine has consumed in Work.
	cpu int64

	// labels are pprof-style labels, inherited by goroutines it creates.
	labels map[string]string

	// userData lets the public packages hang per-goroutine state (e.g.
	// the current context for errgroup tests) without the runtime
	// knowing its shape.
	userData any
}

// An m is a simulated OS thread (runtime2.go:m). Each M runs its g0 code —
// the scheduler — in a host coroutine of its own.
type m struct {
	id       int64
	p        *p // attached P for executing Go code (nil if not executing Go code)
	nextp    *p // P handed over by startm
	oldp     *p // the P that was attached before executing a syscall
	curg     *g // current running goroutine
	spinning bool
	blocked  bool // parked on m.park (stopm), as scheddetail prints it
	locks    int32
	lockedg  *g // the G locked to this M (LockOSThread)

	schedlink *m // next M on sched.midle
	alllink   *m // next M on allm (newest first)
	onMidle   bool

	isSysmon    bool
	syscalltick uint32

	// preemptGen / signalPending model preemptM's SIGURG delivery.
	signalPending bool

	// g0 runs the parts of the scheduler that may block this thread, and
	// cont says how the thread continues when the event loop resumes it
	// (see coro.go).
	g0   *coro
	cont mcont
	// g0req is what a G that left asked of g0 (a continuation that may
	// block the thread, for g0reqG), before it schedules.
	g0req  mcallKind
	g0reqG *g
	// nextg is the G this thread picked and is paying to switch to
	// (cont == contExecute), and whether it inherits the time slice.
	nextg       *g
	nextInherit bool

	workWait bool // the current wait is a Work burst (async-preemptible)

	// The M's slot in the event queue; each M has at most one pending
	// wakeup.
	ev event

	// inNetpoll is true while the M is blocked in a simulated netpoll.
	inNetpoll bool
	// parkedSince is when the M last parked (stats).
	parkedSince int64
}

// sysmontick is sysmon's private snapshot of a P (proc.go:sysmontick).
type sysmontick struct {
	schedtick   uint32
	syscalltick uint32
	schedwhen   int64
	syscallwhen int64
}

// A p is a processor, the resource required to run Go code
// (runtime2.go:p).
type p struct {
	id          int32
	status      uint32
	link        *p // next P on sched.pidle
	schedtick   uint32
	syscalltick uint32
	sysmontick  sysmontick
	m           *m // back-link to the associated M (nil if idle)
	oldm        *m // the M that last ran this P (procresize prefers it, go1.26)

	goidcache    int64
	goidcacheend int64

	// Queue of runnable goroutines. Accessed without lock in Go; here
	// there is only ever one accessor at a time.
	runqhead uint32
	runqtail uint32
	runq     [256]*g
	// runnext, if non-nil, is a runnable G that was ready'd by the
	// current G and should be run next instead of what's in runq if
	// there's time remaining in the running G's time slice.
	runnext *g

	gFree gList // available Gs (status == _Gdead)

	timers timers

	preempt bool // async preemption requested (p.preempt)

	// Statistics.
	steals    int64 // successful steals by this P
	stolen    int64 // Gs this P stole
	workNS    int64 // virtual ns of Work executed on this P
	executed  int64 // Gs executed (execute calls)
	busySince int64
	busyNS    int64 // time spent _Prunning
	idleSince int64
}

// schedt is the global scheduler state (runtime2.go:schedt).
type schedt struct {
	goidgen  int64
	lastpoll int64 // time of the last network poll, 0 if currently polling
	// pollUntil is the time the current blocking poll will sleep until.
	pollUntil  int64
	pollingNet bool

	midle        *m // idle Ms waiting for work
	nmidle       int32
	nmidlelocked int32
	mnext        int64 // number of Ms created and next M ID
	maxmcount    int32
	nmsys        int32
	nmfreed      int64
	ngsys        int32

	pidle        *p // idle Ps
	npidle       int32
	nmspinning   int32
	needspinning int32

	runq gQueue // global runnable queue

	// Global cache of dead Gs.
	gFree struct {
		stack   gList
		noStack gList
	}

	gcwaiting  bool // always false: there is no GC to stop the world for
	stopwait   int32
	sysmonwait bool

	customGOMAXPROCS bool
}

// A gQueue is a dequeue of Gs linked through g.schedlink (proc.go:gQueue).
type gQueue struct {
	head *g
	tail *g
	size int32
}

//go:norace
func (q *gQueue) empty() bool { return q.head == nil }

// push adds gp to the head of q.
//
//go:norace
func (q *gQueue) push(gp *g) {
	gp.schedlink = q.head
	q.head = gp
	if q.tail == nil {
		q.tail = gp
	}
	q.size++
}

// pushBack adds gp to the tail of q.
//
//go:norace
func (q *gQueue) pushBack(gp *g) {
	gp.schedlink = nil
	if q.tail != nil {
		q.tail.schedlink = gp
	} else {
		q.head = gp
	}
	q.tail = gp
	q.size++
}

// pushBackAll adds all Gs in q2 to the tail of q.
//
//go:norace
func (q *gQueue) pushBackAll(q2 gQueue) {
	if q2.tail == nil {
		return
	}
	q2.tail.schedlink = nil
	if q.tail != nil {
		q.tail.schedlink = q2.head
	} else {
		q.head = q2.head
	}
	q.tail = q2.tail
	q.size += q2.size
}

// pop removes and returns the head of q, or nil.
//
//go:norace
func (q *gQueue) pop() *g {
	gp := q.head
	if gp != nil {
		q.head = gp.schedlink
		if q.head == nil {
			q.tail = nil
		}
		gp.schedlink = nil
		q.size--
	}
	return gp
}

// remove takes gp out of q (abstract mode's pick from the middle).
//
//go:norace
func (q *gQueue) remove(gp *g) {
	var prev *g
	for x := q.head; x != nil; prev, x = x, x.schedlink {
		if x != gp {
			continue
		}
		if prev == nil {
			q.head = x.schedlink
		} else {
			prev.schedlink = x.schedlink
		}
		if q.tail == x {
			q.tail = prev
		}
		x.schedlink = nil
		q.size--
		return
	}
	throw("gQueue.remove: not queued")
}

// A gList is a list of Gs linked through g.schedlink (proc.go:gList).
type gList struct {
	head *g
	size int32
}

//go:norace
func (l *gList) empty() bool { return l.head == nil }

//go:norace
func (l *gList) push(gp *g) {
	gp.schedlink = l.head
	l.head = gp
	l.size++
}

//go:norace
func (l *gList) pop() *g {
	gp := l.head
	if gp != nil {
		l.head = gp.schedlink
		gp.schedlink = nil
		l.size--
	}
	return gp
}

// pushAll prepends all Gs in q to l.
//
//go:norace
func (l *gList) pushAll(q gQueue) {
	if !q.empty() {
		q.tail.schedlink = l.head
		l.head = q.head
		l.size += q.size
	}
}
