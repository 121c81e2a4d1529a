package rt

import "fmt"

// legalTransitions lists the G status changes casgstatus accepts, as the
// real runtime makes them (the casgstatus calls of proc.go and preempt.go,
// go1.26), each with the function that makes it. The _Gscan states never
// appear: nothing in the simulator scans stacks concurrently, and sysmon's
// syscall retake is instantaneous, so setBlockOnExitSyscall never needs to
// hold the bit across a decision.
var legalTransitions = [...][2]uint32{
	{_Gidle, _Gdead},         // newproc1: fresh malg + allgadd
	{_Gdead, _Grunnable},     // newproc1
	{_Gdead, _Gwaiting},      // newproc1 with parked=true (system goroutines)
	{_Grunnable, _Grunning},  // execute
	{_Grunning, _Grunnable},  // goschedImpl, goyield_m, exitsyscallNoP (1.26)
	{_Grunning, _Gwaiting},   // park_m
	{_Gwaiting, _Grunnable},  // ready, injectglist, park_m when unlockf fails
	{_Grunning, _Gsyscall},   // reentersyscall
	{_Gsyscall, _Grunning},   // exitsyscall
	{_Gsyscall, _Grunnable},  // exitsyscall0 (≤1.25)
	{_Grunning, _Gdead},      // gdestroy
	{_Grunning, _Gpreempted}, // preemptPark
	{_Gpreempted, _Gwaiting}, // suspendG
	{_Gwaiting, _Grunning},   // stopTheWorld's caller resuming (casgstatus in stopTheWorld)
}

var legal [16][16]bool

//go:norace
func init() {
	for _, t := range legalTransitions {
		legal[t[0]][t[1]] = true
	}
}

// casgstatus changes gp's status from oldval to newval, and is the only
// place a status changes. An illegal transition, or a G not in oldval, is
// an internal error, as it is a throw in Go.
// Models runtime.casgstatus (proc.go).
// Deviation: no _Gscan bits and no spinning on them (nothing scans stacks
// concurrently); every goroutine's scheduling latency and mutex wait is
// recorded, where Go tracks one transition out of _Grunning in
// gTrackingPeriod (8) and scales the mutex wait it measures by 8.
//
//go:norace
func casgstatus(gp *g, oldval, newval uint32) {
	if gp.atomicstatus != oldval || oldval >= 16 || newval >= 16 || !legal[oldval][newval] {
		badgstatus(gp, oldval, newval)
	}
	gp.atomicstatus = newval
	if want(EvGoStatus) {
		evbuf.Arg = int64(oldval)
		evbuf.Arg2 = int64(newval)
		evbuf.Arg3 = int64(gp.waitreason)
		emit(EvGoStatus, curm, gp)
	}
	switch newval {
	case _Grunnable:
		gp.runnableSince = now
	case _Grunning:
		if oldval == _Grunnable {
			stats.recordSchedLatency(now - gp.runnableSince)
		}
	}
	if oldval == _Gwaiting && gp.waitreason.isMutexWait() {
		stats.MutexWaitNS += now - gp.waitsince
	}
}

// badgstatus throws for an illegal transition. It is a function of its
// own so that casgstatus, which runs on goroutine stacks, stays small.
//
//go:noinline
//go:norace
func badgstatus(gp *g, oldval, newval uint32) {
	throwf("casgstatus: goroutine %d: bad transition %d -> %d (status is %d)", gp.goid, oldval, newval, gp.atomicstatus)
}

//go:norace
func readgstatus(gp *g) uint32 { return gp.atomicstatus }

// throw reports an internal error of the simulated runtime: a broken
// invariant that the real runtime would also throw on. It panics with a
// *Fatal so that Run can return it.
//
//go:norace
func throw(s string) {
	panic(&Fatal{Msg: s, internal: true})
}

//go:norace
func throwf(format string, args ...any) { throw(fmt.Sprintf(format, args...)) }
