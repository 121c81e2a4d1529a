package rt

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Config configures one run of the simulated runtime. The public package
// gmp fills it from gmp.Config.
type Config struct {
	Procs        int    // GOMAXPROCS (≥ 1)
	Seed         uint64 // seeds the runtime's cheaprand and the tie-breaker
	MaxTime      int64  // virtual ns; 0: no limit
	MaxSteps     int64  // goroutine resumptions; 0: no limit
	Costs        CostModel
	Version      int   // 24, 25 or 26 (default 26): the syscall/retake model
	AsyncPreempt bool  // asynchronous preemption (Go ≥1.14 default)
	NoSysmon     bool  // single-threaded preset (wasm): no sysmon, no runnext
	MaxThreads   int   // sched.maxmcount (default 10000)
	StealCap     int   // 0: steal half (Go); n: at most n per steal (the seed article)
	SchedTrace   int64 // GODEBUG=schedtrace, ns (0: off)
	SchedDetail  bool
	Watchdog     time.Duration // wall-clock limit without progress (≤0: off)
	Observers    []Observer
	// Settle lets the other goroutines run on for up to this much
	// virtual time after main returns, until each has exited or is
	// blocked with nothing left to wake it; those still alive then are
	// the leaks. 0: the program ends when main returns, as Go's does.
	Settle int64
	// Chooser takes the run's nondeterministic decisions (choose.go);
	// nil: every decision takes its default, as an ordinary run.
	Chooser Chooser
	// Abstract lets the Chooser run any runnable goroutine next
	// (ChoiceRunnable), not only what a real scheduler could.
	Abstract bool
	// HaltOnRace, in a -race build, ends the run with a *RaceError at
	// the first data race the detector reports during it.
	HaltOnRace bool
}

// RaceError reports that the race detector found a data race between
// simulated goroutines and Config.HaltOnRace stopped the run. The report
// itself is the detector's: it wrote it to standard error.
type RaceError struct {
	Goid int64 // the goroutine running when the run stopped (0: the run had ended)
	At   int64 // virtual time when it stopped
}

//go:norace
func (e *RaceError) Error() string {
	if e.Goid == 0 {
		return fmt.Sprintf("gmp: data race (the race detector's report is on standard error); reported as the run ended at virtual time %v", time.Duration(e.At))
	}
	return fmt.Sprintf("gmp: data race (the race detector's report is on standard error); stopped in goroutine %d at virtual time %v", e.Goid, time.Duration(e.At))
}

// LimitError reports that a run hit Config.MaxTime or Config.MaxSteps.
type LimitError struct {
	What  string // "virtual time" or "steps"
	Limit int64
	At    int64 // virtual time when it stopped
}

//go:norace
func (e *LimitError) Error() string {
	switch e.What {
	case "steps":
		return fmt.Sprintf("gmp: simulation stopped after MaxSteps=%d goroutine resumptions (at virtual time %v)", e.Limit, time.Duration(e.At))
	case "end of virtual time":
		return "gmp: simulation reached the end of virtual time (math.MaxInt64 ns, about 292 years): a Work, Sleep, Syscall or NetWait of a duration near math.MaxInt64?"
	case "stalled clock":
		return fmt.Sprintf("gmp: simulation stopped after %d goroutine switches without virtual time moving (at %v): a loop that spends no virtual time, such as for { Gosched() } with a zero cost model?", e.Limit, time.Duration(e.At))
	}
	return fmt.Sprintf("gmp: simulation stopped at MaxTime=%v of virtual time", time.Duration(e.Limit))
}

// WatchdogError reports a goroutine body that blocked outside the
// simulator (a real channel, mutex or time.Sleep) or ran without making a
// runtime call for longer than Config.Watchdog of wall time.
type WatchdogError struct {
	Goid  int64
	Wall  time.Duration
	Stack string // the host goroutine's stack, as runtime.Stack prints it
}

//go:norace
func (e *WatchdogError) Error() string {
	return fmt.Sprintf("gmp: goroutine %d made no progress for %v of wall time: it is blocked or spinning outside the simulator (a real channel, mutex, time.Sleep or a loop without gmp calls?)\n\n%s",
		e.Goid, e.Wall, strings.TrimRight(e.Stack, "\n"))
}

// Result is what a run leaves behind.
type Result struct {
	Stats  Stats
	Leaked []LeakedGoroutine
	Procs  []ProcStats
	Exited bool     // main returned (rather than a panic, deadlock or limit)
	End    EndState // the scheduler at the end (observe_api.go)
	Races  int      // data races the detector reported during the run (-race builds)
}

// ProcStats are per-P counters at the end of the run (Ps that existed at
// the end).
type ProcStats struct {
	ID        int32
	WorkNS    int64 // virtual CPU spent in Work on this P
	Executed  int64 // Gs run (execute calls)
	Schedtick uint32
	BusyNS    int64 // time the P was held by an M
	Steals    int64 // successful steals by this P
	Stolen    int64 // goroutines it stole
}

// LeakedGoroutine is a goroutine still blocked (or runnable) when main
// returned.
type LeakedGoroutine struct {
	Goid      int64
	Status    string // as a dump's header prints it: "chan receive", "runnable", …
	WaitNS    int64  // how long it had been blocked
	Dump      string // its traceback, in Go's format
	CreatedBy string
}

var (
	// zombies are host goroutines (hostg) abandoned by earlier watchdog
	// aborts: if one ever gets unstuck, it must not touch a later run's
	// state. zombieCount lets the hot paths skip the lookup.
	zombieMu    sync.Mutex
	zombies     map[uintptr]bool
	zombieCount atomic.Int32
	active      atomic.Bool
	progress    atomic.Int64
	maxSteps    int64
	maxTime     int64
	janitor     sync.WaitGroup
	abandoned   atomic.Int64 // host goroutines left blocked by the watchdog
)

//go:norace
func isZombie(hg uintptr) bool {
	zombieMu.Lock()
	defer zombieMu.Unlock()
	return zombies[hg]
}

//go:norace
func addZombie(hg uintptr) {
	zombieMu.Lock()
	defer zombieMu.Unlock()
	if zombies == nil {
		zombies = make(map[uintptr]bool)
	}
	if !zombies[hg] {
		zombies[hg] = true
		zombieCount.Add(1)
	}
}

// Run runs main as goroutine 1 of a new simulated program and returns
// when the program exits: main returns, a goroutine panics, the runtime
// throws (deadlock), a limit is hit, or the watchdog fires.
//
//go:norace
func Run(cfg Config, main func()) (*Result, error) {
	if raceBuild {
		// A main coroutine prepared for a run that does not start.
		defer dropPreparedMain()
	}
	if main == nil {
		return nil, errors.New("gmp.Run: nil main function")
	}
	if !active.CompareAndSwap(false, true) {
		panic("gmp: Run called while another simulation is running (Run inside Run, or two Runs at once in one process); gmp runs one simulation at a time per process")
	}
	defer active.Store(false)
	if cfg.Procs < 1 {
		return nil, fmt.Errorf("gmp.Run: Procs must be ≥ 1, got %d", cfg.Procs)
	}
	if cfg.Version == 0 {
		cfg.Version = 26
	}
	if cfg.Version < 24 || cfg.Version > 26 {
		return nil, fmt.Errorf("gmp.Run: unsupported Go version 1.%d (supported: 1.24, 1.25, 1.26)", cfg.Version)
	}
	if cfg.MaxThreads == 0 {
		cfg.MaxThreads = 10000
	}

	schedinit(cfg)
	loopDone := make(chan struct{})
	var loopPanic any
	go func() {
		defer close(loopDone)
		defer func() {
			if r := recover(); r != nil {
				loopPanic = r
			}
		}()
		eventLoop(main)
	}()

	var werr *WatchdogError
	if cfg.Watchdog > 0 {
		werr = watch(loopDone, cfg.Watchdog)
	} else {
		<-loopDone
	}

	var err error
	switch {
	case werr != nil:
		err = werr
		abandoned.Add(1)
	case loopPanic != nil:
		if f, ok := loopPanic.(*Fatal); ok {
			err = f
		} else {
			err = fmt.Errorf("gmp: internal error (simulator bug): %v", loopPanic)
		}
	default:
		err = exitErr
	}

	if f, ok := err.(*Fatal); ok && f.wantDump && werr == nil {
		f.wantDump = false
		f.Dump = dumpGoroutines()
	}
	res := &Result{Stats: stats, Exited: exitErr == nil && werr == nil && loopPanic == nil}
	if raceBuild {
		res.Races = raceErrors() - raceErrorsAtStart
		if _, ok := err.(*RaceError); !ok && haltOnRace && res.Races > 0 {
			// The report came before what ended the run (racecheck
			// stops it at the next runtime call), or as main's last
			// access: the race is what the run found.
			err = &RaceError{At: now}
		}
	}
	res.Stats.VirtualNS = now
	if werr == nil {
		res.End = readEndState()
		for _, pp := range allp {
			busy := pp.busyNS
			if pp.status == _Prunning {
				busy += now - pp.busySince
			}
			res.Procs = append(res.Procs, ProcStats{ID: pp.id, WorkNS: pp.workNS, Executed: pp.executed, Schedtick: pp.schedtick, BusyNS: busy, Steals: pp.steals, Stolen: pp.stolen})
		}
		if res.Exited {
			res.Leaked = leakReport()
		}
		if want(EvEnd) {
			evbuf.Reason = endReason(err)
			emit(EvEnd, nil, nil)
		}
		teardown()
	}
	if raceBuild {
		raceacquirerunend()
	}
	resetGlobals()
	return res, err
}

//go:norace
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

//go:norace
func endReason(err error) string {
	var f *Fatal
	var p *Panic
	var l *LimitError
	switch {
	case err == nil:
		return "exit"
	case errors.As(err, &f) && f.Deadlock:
		return "deadlock"
	case errors.As(err, &p):
		return "panic"
	case errors.As(err, &l):
		return "limit"
	}
	return "fatal"
}

// watch waits for the loop, and returns a WatchdogError if it makes no
// progress for limit of wall time.
//
//go:norace
func watch(loopDone chan struct{}, limit time.Duration) *WatchdogError {
	tick := limit / 10
	if tick > 100*time.Millisecond {
		tick = 100 * time.Millisecond
	}
	if tick <= 0 {
		tick = time.Millisecond
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	last := progress.Load()
	lastChange := time.Now()
	for {
		select {
		case <-loopDone:
			return nil
		case <-t.C:
		}
		if p := progress.Load(); p != last {
			last = p
			lastChange = time.Now()
			continue
		}
		if time.Since(lastChange) < limit {
			continue
		}
		// The loop is stuck inside a goroutine body: the coroutine that
		// runs now, which has not switched for limit of wall time.
		goid, hg := stuckCoroutine()
		addZombie(hg)
		return &WatchdogError{Goid: goid, Wall: limit, Stack: stuckStack()}
	}
}

// stuckCoroutine names the coroutine running when the event loop stopped
// making progress, and its host goroutine. It reads the scheduler's state
// from the watchdog's goroutine without synchronisation, which is safe
// only because the writer has made no progress for the watchdog's whole
// limit: it is stuck outside the simulator.
//
//go:norace
func stuckCoroutine() (goid int64, hg uintptr) {
	c := cur
	if c == nil {
		return 0, 0
	}
	if gp := curg; gp != nil && gp.co == c {
		goid = gp.goid
	}
	return goid, c.hostg
}

// zombieIDs are the host goroutine ids of earlier aborts' stuck bodies, so
// that stuckStack does not name one of them again.
var zombieIDs = map[int64]bool{}

// stuckStack returns the stack of the host goroutine running a simulated
// G that is not suspended as a coroutine, and remembers it as a zombie.
// Only called when the watchdog fires.
//
//go:norace
func stuckStack() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	for _, block := range strings.Split(string(buf), "\n\n") {
		header, _, _ := strings.Cut(block, "\n")
		if !strings.Contains(block, "internal/rt.gbody") || strings.Contains(header, "[coroutine]") {
			continue
		}
		var id int64
		if f := strings.Fields(header); len(f) > 1 {
			id, _ = strconv.ParseInt(f[1], 10, 64)
		}
		zombieMu.Lock()
		old := zombieIDs[id]
		zombieIDs[id] = true
		zombieMu.Unlock()
		if old {
			continue // stuck in an earlier run
		}
		return block
	}
	return "(stack not found)"
}

// schedinit resets the runtime for a new run. Models runtime.schedinit.
//
//go:norace
func schedinit(cfg Config) {
	resetGlobals()
	costs = cfg.Costs
	version = cfg.Version
	asyncPreemt = cfg.AsyncPreempt
	haveSysmon = !cfg.NoSysmon
	stealCap = uint32(max(cfg.StealCap, 0))
	schedtraceNS = cfg.SchedTrace
	scheddetail = cfg.SchedDetail
	maxSteps = cfg.MaxSteps
	maxTime = cfg.MaxTime
	if raceBuild {
		raceinit(cfg.HaltOnRace)
	}
	newRunID()
	seedRand(cfg.Seed)
	numCPUStartup = int32(cfg.Procs)
	if cfg.NoSysmon {
		numCPUStartup = 1
	}
	setObservers(cfg.Observers)
	chooser, exploreAbstract = cfg.Chooser, cfg.Abstract && cfg.Chooser != nil
	settleNS = cfg.Settle
	sched.maxmcount = int32(cfg.MaxThreads)
	sched.lastpoll = 1 // nanotime() at init: not 0, nobody is polling
	sched.goidgen = 0

	// M0: the main thread.
	m0 = allocm(mReserveID())
	curm = m0
	procs := int32(cfg.Procs)
	if !haveSysmon {
		procs = 1
	}
	if procresize(procs) != nil {
		throw("unknown runnable goroutine during bootstrap")
	}
}

//go:norace
func resetGlobals() {
	sched = schedt{}
	freeAllP()
	allp = nil
	allm = nil
	allgs = nil
	gomaxprocs = 0
	now = 0
	curg, curm = nil, nil
	mainG = nil
	mainStarted = false
	m0, sysmonM = nil, nil
	idlepMask, timerpMask = nil, nil
	stealOrder = randomOrder{}
	steps = 0
	stepsClock, stepsAtClock = 0, 0
	done = false
	mainExited = false
	exitErr = nil
	tearingDown = false
	newprocs = 0
	stwWaiter = nil
	evq = nil
	evqSeq = 0
	evqLeaving = evEntry{}
	stats = Stats{}
	panicErr = nil
	netpollInited = false
	netpollWaiters = 0
	pollq = nil
	pollSeq = 0
	netpollM = nil
	sysmonWoken = false
	sysmonLasttrc = 0
	sysmonIdle = 0
	sysmonDelay = 0
	probing = nil
	target, cur, d1 = nil, nil, nil
	nestedPanic = nil
	dying = nil
	nlockedg = 0
	setObservers(nil)
	chooser, exploreAbstract, decisions = nil, false, 0
	settleNS, settling, settleDeadline = 0, false, 0
	decision = Decision{}
	objIDs = Table[unsafe.Pointer, int64]{Hash: hashPointer}
	semtable = [semTabSize]*semaQueue{}
	sudogCache = nil
	chanCount = 0
	evbuf = Event{}
}

// eventLoop runs the simulation: it starts runtime.main on M0 and then
// resumes whichever M wakes up next until the program exits. It runs only
// when every coroutine has returned to it (see coro.go): a thread blocked,
// so target is nil and the next wakeup is due, or a coroutine handed it a
// target to resume.
//
//go:norace
func eventLoop(main func()) {
	// runtime.main, as goroutine 1 on M0.
	mainFn = main
	mainG = newproc1(runtimeMainG, nil, 0, false, waitReasonZero, false)
	if raceBuild {
		takePreparedMain(mainG)
	}
	runqput(m0.p, mainG, true)
	newmcoro(m0, nil)
	wakeAt(m0, 0)
	curm = nil

	var events int64
	for {
		if target == nil {
			if len(dying) > 0 {
				stopDying()
			}
			if done {
				break
			}
			var mp *m
			if chooser != nil && len(evq)+btoi(evqLeaving.mp != nil) > 1 {
				mp = evqPopChoose()
			} else if evqLeaving.mp != nil {
				mp = evqPushPop()
			} else if len(evq) > 0 {
				mp = evqPop()
			} else {
				throw("event loop: no thread will ever wake up")
			}
			if maxTime > 0 && mp.ev.when > maxTime {
				now = maxTime
				fail(&LimitError{What: "virtual time", Limit: maxTime, At: now})
				break
			}
			if settling && mp.ev.when > settleDeadline {
				// Config.Settle is up: whoever is still alive leaked.
				now = settleDeadline
				mainExit()
				break
			}
			if mp.ev.when >= maxWhen {
				// Every deadline saturates here (addTime): only a wait
				// of some 292 years reaches it.
				now = maxWhen
				fail(&LimitError{What: "end of virtual time", Limit: maxWhen, At: now})
				break
			}
			now = mp.ev.when
			curm = mp
			curg = nil
			if events++; events&7 == 0 {
				raceDisable()
				progress.Add(1)
				raceEnable()
			}
			switch c := mp.cont; c {
			case contG:
				mp.cont = contNone
				gogo(mp.curg)
			case contG0:
				mp.cont = contNone
				target = mp.g0
			case contExecute:
				gp := mp.nextg
				mp.cont, mp.nextg = contNone, nil
				execute(gp, mp.nextInherit)
				gogo(gp)
			default:
				throwf("event loop: M%d woke up with nothing to continue (%d)", mp.id, c)
			}
			if target == nil {
				continue // gogo stopped the run (MaxSteps)
			}
		}
		switch target {
		case &newCoro:
			curg.co = newgcoro(curg)
			if raceBuild {
				racespawn(curg, curg.co)
			}
			target = curg.co
		case &loopWorkCoro:
			fn, gp := loopWork, loopWorkFor
			loopWork, loopWorkFor = nil, nil
			fn()
			curg, curm, target = gp, gp.m, gp.co
		case &loopCallCoro:
			fn, back := loopCall, loopCallBack
			loopCall, loopCallBack = nil, nil
			fn()
			target = back
		}
		t := target
		cur, d1 = t, t
		t.resume()
		cur, d1 = nil, nil
		if p := nestedPanic; p != nil {
			nestedPanic = nil
			panic(p)
		}
	}
	curm, curg = nil, nil
}

// mainFn is the program's main, for runtimeMainG.
var mainFn func()

// runtimeMainG is goroutine 1's function. (Not a closure: under -race a
// closure's frame would show in the detector's stacks.)
//
//go:norace
func runtimeMainG() {
	fn := mainFn
	mainFn = nil
	runtimeMain(fn)
}

// runtimeMain is the body of goroutine 1: the runtime's own startup, then
// the program's main. Models runtime.main (proc.go): sysmon starts, the
// runtime's init starts forcegc, gcenable starts the sweeper and the
// scavenger and waits for both to report in, the GOMAXPROCS updater starts,
// and package os's init starts the finalizer goroutine (SetFinalizer on
// the standard files). These background goroutines run just long enough
// to park in their idle states, with every scheduling decision that
// implies — so user goroutines get the ids and the Ps' schedticks start
// where they do in a real program.
// Deviation: the background goroutines never wake again (there is no GC).
//
//go:norace
func runtimeMain(main func()) {
	mainStarted = true
	if haveSysmon {
		sysmonM = newm(sysmon, nil, -1)
		sysmonM.isSysmon = true
	}
	// Lock the main goroutine onto the main OS thread during
	// initialization: while main blocks in init, M0 hands its P to
	// another M and waits for main to be runnable again. (A no-op on
	// wasm, which has no threads.)
	if haveSysmon {
		lockOSThread()
	}
	// runtime_inittasks: proc.go's init starts forcegchelper.
	sysproc(func() { sysPark(waitReasonForceGCIdle) })
	// gcenable: kick off sweeping and scavenging.
	c := MakeChan(new(intChanOps), 2)
	sysproc(func() { sysSend(c); sysPark(waitReasonGCSweepWait) })
	sysproc(func() { sysSend(c); sysPark(waitReasonGCScavengeWait) })
	ChanRecv(c, nil, true)
	ChanRecv(c, nil, true)
	// defaultGOMAXPROCSUpdateEnable.
	sysproc(func() { sysPark(waitReasonUpdateGOMAXPROCSIdle) })
	// main_init: os's init calls SetFinalizer, which creates the
	// finalizer goroutine.
	sysproc(func() { sysPark(waitReasonFinalizerWait) })
	if haveSysmon {
		unlockOSThread()
	}
	main()
}

// sysproc starts a runtime-internal goroutine (newproc of a runtime.*
// function: isSystemGoroutine).
//
//go:norace
func sysproc(fn func()) {
	gp := curg
	charge(SiteGoCreate, costs.GoCreate)
	newg := newproc1(fn, gp, 0, false, waitReasonZero, true)
	runqput(gp.m.p, newg, true)
	if mainStarted {
		wakep()
	}
}

// sysPark parks a background goroutine in its idle state for good.
//
//go:norace
func sysPark(reason waitReason) {
	for !tearingDown {
		gopark(nil, nil, reason, blockSystemGoroutine)
	}
}

//go:norace
func sysSend(c *Hchan) {
	var v int
	ChanSend(c, unsafe.Pointer(&v), true)
}

// intChanOps are the element operations of the runtime's own chan int.
type intChanOps struct{ buf [2]int }

//go:norace
func (o *intChanOps) BufToCell(i uint, cell unsafe.Pointer) {
	if cell != nil {
		*(*int)(cell) = o.buf[i]
	}
}

//go:norace
func (o *intChanOps) CellToBuf(cell unsafe.Pointer, i uint) { o.buf[i] = *(*int)(cell) }

//go:norace
func (o *intChanOps) ClearBuf(i uint) { o.buf[i] = 0 }

//go:norace
func (o *intChanOps) CellToCell(dst, src unsafe.Pointer) { *(*int)(dst) = *(*int)(src) }

//go:norace
func (o *intChanOps) ClearCell(cell unsafe.Pointer) { *(*int)(cell) = 0 }

// mainExit is called on g0 when main returns: the program exits.
//
//go:norace
func mainExit() {
	mainExited = true
	done = true
}

var (
	// settleNS is Config.Settle; settling is set once main has returned
	// and the others are being given settleDeadline to finish.
	settleNS       int64
	settling       bool
	settleDeadline int64
)

// leakReport lists the user goroutines still alive when main returned.
//
//go:norace
func leakReport() []LeakedGoroutine {
	var out []LeakedGoroutine
	for _, gp := range allgs {
		if gp.sys || gp == mainG {
			continue
		}
		s := readgstatus(gp)
		if s == _Gdead || s == _Gidle {
			continue
		}
		var b strings.Builder
		writeGoroutine(&b, gp, nil)
		status := gStatusStrings[s]
		if s == _Gwaiting && gp.waitreason != waitReasonZero {
			status = gp.waitreason.String()
		}
		var waited int64
		if gp.waitsince != 0 {
			waited = now - gp.waitsince
		}
		var cb strings.Builder
		writeCreatedBy(&cb, gp)
		out = append(out, LeakedGoroutine{Goid: gp.goid, Status: status, WaitNS: waited, Dump: b.String(), CreatedBy: strings.TrimSpace(cb.String())})
	}
	return out
}

// teardown releases the host coroutines of the run. Those with no user
// frames — goroutines at their reuse point, the Ms' g0s (their scheduler
// frames unwind with errTeardown) — are kept for later runs (gPool,
// g0Pool) or stopped. The coroutines of goroutines still blocked in user
// code are unwound with runtime.Goexit, each on a host goroutine of its
// own (Goexit propagates to whoever stops a coroutine): their deferred
// calls run, and any runtime call those make ends them at once. A program
// that exits would not run them; a process that runs thousands of
// programs must not keep every leaked goroutine's stack either.
//
//go:norace
func teardown() {
	tearingDown = true
	var leaked []*coro
	for _, gp := range allgs {
		c := gp.co
		if c == nil {
			continue
		}
		gp.co = nil
		s := readgstatus(gp)
		switch {
		case (s == _Gdead || gp == mainG && mainExited) && !gp.sys && gp.fn == nil && !raceBuild && len(gPool) < maxPool:
			// At its reuse point: the next run's malg takes it.
			gp.co = c
			gPool = append(gPool, gp)
		case s == _Gdead || gp.fn != nil || gp.sys || (gp == mainG && mainExited) || (panicErr != nil && gp.goid == panicErr.Goid):
			curg = gp
			c.stop()
			curg = nil
		default:
			leaked = append(leaked, c)
		}
	}
	for mp := allm; mp != nil; mp = mp.alllink {
		c := mp.g0
		if c == nil {
			continue
		}
		mp.g0 = nil
		if raceBuild || len(g0Pool) >= maxPool {
			c.stop()
			continue
		}
		if c.started {
			// Resumed at teardown, a g0 unwinds and waits to be reused.
			cur = c
			c.resume()
			cur = nil
		}
		g0Pool = append(g0Pool, c)
	}
	if len(leaked) > 0 {
		unwindLeaked(leaked)
	}
}

// unwindLeaked stops the coroutines of goroutines left blocked in user
// code, one after another, each unwinding with runtime.Goexit on a janitor
// goroutine (so their deferred calls run one at a time, as they would have
// in the simulation), and waits for them — up to a wall-clock limit, past
// which one whose deferred calls block outside the simulator is
// abandoned.
//
//go:norace
func unwindLeaked(leaked []*coro) {
	unwinding.Store(true)
	defer unwinding.Store(false)
	deadline := time.Now().Add(10 * time.Second)
	done := make(chan struct{}, 1)
	var t *time.Timer
	for _, c := range leaked {
		go func() {
			defer func() { done <- struct{}{} }()
			defer func() { recover() }() // a panic in a deferred call of the program's
			c.stop()
		}()
		select {
		case <-done:
			continue
		default:
		}
		if t == nil {
			t = time.NewTimer(time.Until(deadline))
			defer t.Stop()
		}
		select {
		case <-done:
		case <-t.C:
			abandoned.Add(1)
			return
		}
	}
}

// unwinding is set while unwindLeaked runs: a runtime call from a deferred
// call of a goroutine being unwound ends it at once (getgSlow).
var unwinding atomic.Bool

// outsideRun panics for a runtime call made from a host goroutine that is
// not the simulated goroutine the scheduler is running.
//
//go:norace
func outsideRun() {
	if !active.Load() {
		panic("gmp: called outside gmp.Run (the gmp API only works inside a simulated goroutine)")
	}
	panic("gmp: called from a goroutine the simulator does not run: inside gmp.Run, start goroutines with gmp.Go, not the go statement (a goroutine started with go runs outside the simulation, so its channel operations, locks and sleeps cannot be scheduled)")
}
