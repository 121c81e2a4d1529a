//go:build race

package rt

import (
	"runtime"
	"unsafe"
)

// raceBuild is true in a -race build. The race detector must see the
// simulated program's happens-before and nothing else (racedetect.go):
// host coroutines are then goroutines that hand control to each other
// with the detector's synchronisation turned off (pull), and are never
// reused from one run to the next.
const raceBuild = true

// RaceEnabled is true in a -race build: the public packages guard their
// calls to runtime.RaceRead and friends with it, as Go's own packages
// guard theirs with internal/race.Enabled.
const RaceEnabled = true

//go:norace
func raceAcquire(addr unsafe.Pointer) { runtime.RaceAcquire(addr) }

//go:norace
func raceRelease(addr unsafe.Pointer) { runtime.RaceRelease(addr) }

//go:norace
func raceReleaseMerge(addr unsafe.Pointer) { runtime.RaceReleaseMerge(addr) }

//go:norace
func raceErrors() int { return runtime.RaceErrors() }

//go:norace
func raceDisable() { runtime.RaceDisable() }

//go:norace
func raceEnable() { runtime.RaceEnable() }

// The happens-before edges of the simulated program.
//
// Go's runtime publishes them with racerelease/raceacquire on addresses
// (chan.go, proc.go, time.go), some on behalf of another goroutine: the
// G that completes a channel operation makes the parked partner acquire
// (raceacquireg, racereleaseacquireg). A simulated G is a host goroutine,
// and only it can acquire into its own clock, so an edge into a parked G
// is deferred: the completer merges into the G's wake token, which the G
// acquires as soon as it runs again (it has done nothing in between). And
// where Go stores a parked G's clock into a synchronisation object, the
// object takes the G's park token, released when it parked.
//
// So that objects can hold another goroutine's clock, a channel's
// synchronisation objects are sets of tokens, each a fresh address
// released once and never again: the object's clock is the join of its
// tokens' clocks. A store-release replaces the set with one new token.

// A raceToken is a synchronisation address released once.
type raceToken = *uint64

// newRaceToken returns a token holding the current goroutine's clock.
//
//go:norace
func newRaceToken() raceToken {
	t := new(uint64)
	runtime.RaceRelease(unsafe.Pointer(t))
	return t
}

// raceSync is a synchronisation object: the join of its tokens.
type raceSync struct {
	toks []raceToken
}

// acquire joins o's clock into the current goroutine's (raceacquire).
//
//go:norace
func (o *raceSync) acquire() {
	for _, t := range o.toks {
		runtime.RaceAcquire(unsafe.Pointer(t))
	}
}

// release stores the current goroutine's clock in o (racerelease).
//
//go:norace
func (o *raceSync) release() {
	o.set(newRaceToken())
}

// set makes t o's only token.
//
//go:norace
func (o *raceSync) set(t raceToken) {
	if cap(o.toks) == 0 {
		o.toks = make([]raceToken, 1, 2)
	}
	o.toks = o.toks[:1]
	o.toks[0] = t
}

// raceG is a goroutine's part of the edges.
type raceG struct {
	start    uint64      // released by the go statement, acquired as the body starts
	startTok raceToken   // or, for a goroutine a timer started, the timer's token
	wake     uint64      // merged into by those who complete its parked operation
	pend     []raceToken // and tokens it acquires when it wakes (a timer's send)
	park     raceToken   // its clock when it last parked
	byTimer  bool        // started by a timer function (time.AfterFunc)
}

// raceCtx is the race state a g carries.
type raceCtx struct {
	p *raceG
}

// raceChan is a channel's synchronisation objects: its own (Go's
// c.raceaddr(), which is also buffer entry 0 of an unbuffered channel and
// every entry of a channel of zero-size elements) and, for a buffered
// channel of non-zero-size elements, one per buffer entry, allocated as
// the entries are first used.
type raceChan struct {
	addr  raceSync
	slots [][]raceSync
}

const raceSlotChunk = 256

// slot returns buffer entry i's object.
//
//go:norace
func (rc *raceChan) slot(i uint) *raceSync {
	hi, lo := i/raceSlotChunk, i%raceSlotChunk
	for uint(len(rc.slots)) <= hi {
		rc.slots = append(rc.slots, nil)
	}
	if rc.slots[hi] == nil {
		rc.slots[hi] = make([]raceSync, raceSlotChunk)
	}
	return &rc.slots[hi][lo]
}

// racegostart publishes the go statement's edge: what the creator did
// before it happens before newg's body (proc.go:newproc1, racegostart).
//
//go:norace
func racegostart(newg *g) {
	newg.race.p = &raceG{}
	runtime.RaceRelease(unsafe.Pointer(&newg.race.p.start))
}

// racegostarttimer publishes the edge into a goroutine a timer function
// starts (time.goFunc): Go runs timer functions in a race context that
// has acquired the timer (time.go:unlockAndRun), released when it was set.
//
//go:norace
func racegostarttimer(newg *g, t *timer) {
	newg.race.p = &raceG{byTimer: true}
	if t != nil {
		newg.race.p.startTok = t.race.tok
	}
}

// TimerSpawn, if set, starts the host goroutine of a goroutine a timer
// function started: the time package sets it to its goFuncStart, which
// runs go CoroutineEntry() and then spawn, so that the detector names
// time.goFuncStart as the creator, as Go's names time.goFunc.
var TimerSpawn func(spawn func())

// racespawn starts the host goroutine of gp's new coroutine c on the
// event loop: a goroutine a timer started through TimerSpawn; any other
// at c's first resume.
//
//go:norace
func racespawn(gp *g, c *coro) {
	if r := gp.race.p; r != nil && r.byTimer && TimerSpawn != nil {
		TimerSpawn(c.spawn)
	}
}

// preparedMain is the coroutine PrepareMain made for the next run's main
// goroutine.
var preparedMain *coro

// PrepareMain makes the host coroutine of the next run's main goroutine
// and returns its spawn function: the caller of Run runs
// go CoroutineEntry() and spawn(), and the detector names it as the
// creator of main. Run uses it; if Run fails before starting, it is
// stopped.
//
//go:norace
func PrepareMain() (spawn func()) {
	c := &coro{}
	c.resume, c.stop, c.spawn = newCoroutine(c, gcoroMain)
	preparedMain = c
	return c.spawn
}

// takePreparedMain gives gp the coroutine PrepareMain made, if any.
//
//go:norace
func takePreparedMain(gp *g) {
	if c := preparedMain; c != nil {
		preparedMain = nil
		c.gp = gp
		gp.co = c
		stats.coroutinesCreated++
	}
}

// dropPreparedMain stops the coroutine PrepareMain made, unused.
//
//go:norace
func dropPreparedMain() {
	if c := preparedMain; c != nil {
		preparedMain = nil
		c.stop()
	}
}

// racegoentry makes the starting body acquire its go statement's edge.
//
//go:norace
func racegoentry(gp *g) {
	if r := gp.race.p; r != nil {
		runtime.RaceAcquire(unsafe.Pointer(&r.start))
		if r.startTok != nil {
			runtime.RaceAcquire(unsafe.Pointer(r.startTok))
		}
	}
}

// racepark records gp's clock as it parks.
//
//go:norace
func racepark(gp *g) {
	if gp.race.p == nil {
		gp.race.p = &raceG{}
	}
	gp.race.p.park = newRaceToken()
}

// racewake makes gp, running again, acquire what its wakers merged.
//
//go:norace
func racewake(gp *g) {
	r := gp.race.p
	runtime.RaceAcquire(unsafe.Pointer(&r.wake))
	for i, t := range r.pend {
		runtime.RaceAcquire(unsafe.Pointer(t))
		r.pend[i] = nil
	}
	r.pend = r.pend[:0]
}

// racemergeg merges the current goroutine's clock into what the parked
// gp acquires when it wakes.
//
//go:norace
func racemergeg(gp *g) {
	runtime.RaceReleaseMerge(unsafe.Pointer(&gp.race.p.wake))
}

// raceacquirechan is raceacquire(c.raceaddr()): a receive that finds c
// closed.
//
//go:norace
func raceacquirechan(c *Hchan) {
	c.race.addr.acquire()
}

// racereleasechan is racerelease(c.raceaddr()): closechan.
//
//go:norace
func racereleasechan(c *Hchan) {
	c.race.addr.release()
}

// raceTimer is a timer's part of the edges: the clock of whoever last
// set it (time.go:newTimer and resetTimer release on the timer).
type raceTimer struct {
	tok raceToken
}

// racetimerset records the clock of the goroutine setting t.
//
//go:norace
func racetimerset(t *timer) {
	t.race.tok = newRaceToken()
}

// raceTimerRunning is the timer whose function is running, for TimerGo.
var raceTimerRunning *timer

// racetimerrun sets the timer whose function runs now (nil after).
//
//go:norace
func racetimerrun(t *timer) {
	raceTimerRunning = t
}

// racetimerrunning returns the timer whose function is running.
//
//go:norace
func racetimerrunning() *timer {
	return raceTimerRunning
}

// racenotifytimer is racenotify for a channel timer's send, which Go
// makes in the timer's race context (time.go:unlockAndRun): its clock is
// that of whoever set t.
//
//go:norace
func racenotifytimer(c *Hchan, idx uint, sg *sudog, t *timer) {
	tok := t.race.tok
	if tok == nil {
		return
	}
	if c.zeroSize {
		o := &c.race.addr
		o.toks = append(o.toks, tok)
		if sg != nil {
			r := sg.g.race.p
			r.pend = append(r.pend, o.toks...)
			o.toks = append(o.toks, r.park)
		}
		return
	}
	o := c.race.slot(idx)
	if sg != nil {
		r := sg.g.race.p
		r.pend = append(r.pend, tok)
		o.set(r.park)
		return
	}
	o.set(tok)
}

// racesync models chan.go:racesync, the hand-off between the current G
// and the parked G of sg on an unbuffered channel: each ends with the
// other's clock.
//
//go:norace
func racesync(c *Hchan, sg *sudog) {
	gp := sg.g
	racemergeg(gp)
	runtime.RaceAcquire(unsafe.Pointer(gp.race.p.park))
	c.race.addr.release()
}

// racenotify models chan.go:racenotify for buffer entry idx: the current
// G's releaseacquire on the entry (the k-th receive happens before the
// k+cap-th send completes), and then, if sg is not nil, the parked G's.
//
//go:norace
func racenotify(c *Hchan, idx uint, sg *sudog) {
	if c.zeroSize {
		// One object for every entry, accumulating (racenotify's
		// elemsize == 0 case): acquire, then release.
		o := &c.race.addr
		o.acquire()
		o.release()
		if sg != nil {
			gp := sg.g
			racemergeg(gp)
			o.toks = append(o.toks, gp.race.p.park)
		}
		return
	}
	o := c.race.slot(idx)
	if sg != nil {
		// The parked G acquires what the current G stores, and the
		// entry ends with the parked G's clock.
		gp := sg.g
		racemergeg(gp)
		o.acquire()
		o.set(gp.race.p.park)
		return
	}
	t := newRaceToken()
	o.acquire()
	o.set(t)
}

// raceRunEnd is merged into by every host coroutine as it finishes, and
// acquired by Run's caller once the run is torn down: everything the
// simulated program did happens before Run returns, as everything a
// program does happens before its exit.
var raceRunEnd uint64

// raceacquirerunend makes the caller of Run acquire raceRunEnd.
//
//go:norace
func raceacquirerunend() {
	runtime.RaceAcquire(unsafe.Pointer(&raceRunEnd))
}

// newCoroutine is iter.Pull's contract — resume runs the body until it
// yields or returns; yield returns false once stop was called; a panic or
// runtime.Goexit in the body propagates to the resumer — on a goroutine
// and two channels, with every hand-off made while the race detector
// ignores synchronisation. iter.Pull's own hand-offs publish
// happens-before edges (race.Release/Acquire), which would order every
// simulated goroutine's memory accesses after every other's and hide
// every data race between them.
//
//go:norace
func newCoroutine(c *coro, body func(c *coro, yield func(struct{}) bool)) (resume func() (struct{}, bool), stop func(), spawn func()) {
	hc := &hostCoro{
		c:    c,
		body: body,
		in:   make(chan bool),
		out:  make(chan hostOutcome),
	}
	return hc.resume, hc.stop, hc.handoff
}

// hostSpawn hands a new host goroutine its coroutine (handoff).
var hostSpawn = make(chan *hostCoro)

// CoroutineEntry is the function of every host goroutine that runs a
// coroutine under -race: the creator runs go CoroutineEntry() and then the
// coroutine's spawn function (handoff), which gives it the coroutine.
// The detector sees the creator's go statement as the goroutine's
// creation, and frames below the simulated goroutine's body that carry no
// instrumentation: its stacks start at the body, as a goroutine's do.
//
//go:norace
func CoroutineEntry() {
	runtime.RaceDisable()
	hc := <-hostSpawn
	runtime.RaceEnable()
	hc.run()
}

// handoff gives hc to the host goroutine just started with go
// CoroutineEntry().
//
//go:norace
func (hc *hostCoro) handoff() {
	hc.started = true
	runtime.RaceDisable()
	hostSpawn <- hc
	runtime.RaceEnable()
}

// A hostCoro is a coroutine on a goroutine of its own. Its fields belong
// to one side each: started, finished and stopRequested to whoever
// resumes it (one at a time: the simulator runs one coroutine at a time),
// stopped to the coroutine. Its methods are norace: the detector would
// otherwise see the two sides, which it does not order, share them.
type hostCoro struct {
	c        *coro
	body     func(c *coro, yield func(struct{}) bool)
	in       chan bool        // resume (true) or stop (false)
	out      chan hostOutcome // yielded, or finished
	started  bool
	finished bool
	stopReq  bool
	stopped  bool
}

type hostOutcome struct {
	done    bool
	goexit  bool
	panicky bool
	panicv  any
}

//go:norace
func (hc *hostCoro) yield(struct{}) bool {
	if hc.stopped {
		return false
	}
	runtime.RaceDisable()
	hc.out <- hostOutcome{}
	ok := <-hc.in
	runtime.RaceEnable()
	if !ok {
		hc.stopped = true
	}
	return ok
}

//go:norace
func (hc *hostCoro) run() {
	completed := false
	defer hc.finish(&completed)
	runtime.RaceDisable()
	ok := <-hc.in
	runtime.RaceEnable()
	if ok {
		hc.body(hc.c, hc.yield)
	}
	completed = true
}

//go:norace
func (hc *hostCoro) finish(completed *bool) {
	r := recover()
	o := hostOutcome{done: true}
	switch {
	case r != nil:
		o.panicv, o.panicky = r, true
	case !*completed:
		o.goexit = true
	}
	runtime.RaceReleaseMerge(unsafe.Pointer(&raceRunEnd))
	runtime.RaceDisable()
	hc.out <- o
	runtime.RaceEnable()
}

//go:norace
func (hc *hostCoro) switchIn(v bool) (struct{}, bool) {
	if hc.finished {
		return struct{}{}, false
	}
	if !hc.started {
		go CoroutineEntry()
		hc.handoff()
	}
	runtime.RaceDisable()
	hc.in <- v
	o := <-hc.out
	runtime.RaceEnable()
	if o.done {
		hc.finished = true
		if o.panicky {
			panic(o.panicv)
		}
		if o.goexit {
			runtime.Goexit()
		}
		return struct{}{}, false
	}
	return struct{}{}, true
}

//go:norace
func (hc *hostCoro) resume() (struct{}, bool) { return hc.switchIn(true) }

//go:norace
func (hc *hostCoro) stop() {
	if !hc.finished && !hc.stopReq {
		hc.stopReq = true
		if !hc.started {
			hc.finished = true
			return
		}
		hc.switchIn(false)
	}
}

// The detector's interface for the public packages, which model the calls
// Go's sync and sync/atomic make to internal/race (race.Acquire, …).
// RaceRead and RaceWrite are instrumented and never inlined (not norace):
// the detector's stack of the access they record then names the function
// that called them, and, if that is an instrumented wrapper (Chan.Send,
// WaitGroup.Add…), the program's line that called it.

//go:norace
func RaceAcquire(addr unsafe.Pointer) { runtime.RaceAcquire(addr) }

//go:norace
func RaceRelease(addr unsafe.Pointer) { runtime.RaceRelease(addr) }

//go:norace
func RaceReleaseMerge(addr unsafe.Pointer) { runtime.RaceReleaseMerge(addr) }

//go:noinline
func RaceRead(addr unsafe.Pointer) { runtime.RaceRead(addr) }

//go:noinline
func RaceWrite(addr unsafe.Pointer) { runtime.RaceWrite(addr) }

//go:norace
func RaceDisable() { runtime.RaceDisable() }

//go:norace
func RaceEnable() { runtime.RaceEnable() }

// haltOnRace is Config.HaltOnRace; raceErrorsAtStart the detector's report
// count when the run started.
var (
	haltOnRace        bool
	raceErrorsAtStart int
)

// raceinit starts a run's race accounting.
//
//go:norace
func raceinit(halt bool) {
	haltOnRace = halt
	raceErrorsAtStart = raceErrors()
}

// racecheck ends the run with a *RaceError if the detector has reported a
// race since it started: gp, whose access completed it, is at its next
// runtime call (GORACE=halt_on_error=1 stops the process there).
//
//go:norace
func racecheck(gp *g) {
	if raceErrors() == raceErrorsAtStart {
		return
	}
	fail(&RaceError{Goid: gp.goid, At: now})
	mcall(mcallFatal)
}

// raceString returns a copy of s, made without instrumentation, for an
// event that carries a string of the program's (a trace annotation's
// name or message). Observers run on the event loop's goroutine, which
// receives no edge from the goroutine that built s (none may pass
// between simulated goroutines through it), so reading the program's
// bytes there would be reported; the runtime copies such strings too.
//
//go:norace
func raceString(s string) string {
	if s == "" {
		return ""
	}
	b := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		b[i] = s[i]
	}
	return unsafe.String(&b[0], len(b))
}
