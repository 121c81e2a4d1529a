package rt

// sysmon, retake and preemption, modelled on proc.go (go1.26; the ≤go1.25
// retake is kept for Config.Version).

// forcePreemptNS is the time slice given to a G before it is preempted
// (proc.go, go1.26).
const forcePreemptNS = 10 * 1000 * 1000

// forcegcperiod bounds sysmon's deep sleep (proc.go: forcegcperiod/2).
const forcegcperiod = 2 * 60 * 1e9

var (
	schedtraceNS  int64 // GODEBUG=schedtrace, in ns (0: off)
	scheddetail   bool
	sysmonWoken   bool // notewakeup(&sched.sysmonnote) happened during deep sleep
	sysmonLasttrc int64
	sysmonIdle    int
	sysmonDelay   int64 // µs
)

// sysmon is the body of the system monitor thread: it runs without a P,
// sleeping 20 µs at first and doubling after 1 ms of nothing to do up to
// 10 ms, and on each wakeup polls the network if nobody has for 10 ms,
// retakes Ps from syscalls, preempts long-running Gs and prints
// schedtrace. Models runtime.sysmon (proc.go).
// Deviation: no forced GC, scavenger or GOMAXPROCS re-evaluation.
//
//go:norace
func sysmon() {
	mp := curm
	sched.nmsys++
	checkdead()
	for !done {
		if sysmonIdle == 0 { // start with 20us sleep...
			sysmonDelay = 20
		} else if sysmonIdle > 50 { // start doubling the sleep after 1ms...
			sysmonDelay *= 2
		}
		if sysmonDelay > 10*1000 { // up to 10ms
			sysmonDelay = 10 * 1000
		}
		usleep(mp, sysmonDelay)
		if want(EvSysmonWake) {
			evbuf.Arg = sysmonDelay
			emit(EvSysmonWake, mp, nil)
		}
		stats.SysmonWakeups++

		// sysmon should not enter deep sleep if schedtrace is enabled so
		// that it can print that information at the right time, nor while
		// any P is active.
		if schedtraceNS <= 0 && (sched.gcwaiting || sched.npidle == gomaxprocs) {
			syscallWake := false
			next := timeSleepUntil()
			sysmonIdleJump(mp, next)
			if next > now {
				sched.sysmonwait = true
				sleep := int64(forcegcperiod / 2)
				if next-now < sleep {
					sleep = next - now
				}
				sysmonWoken = false
				mp.blocked = true
				msleep(mp, addTime(addTime(now, sleep), duration(SiteTimerSlack, costs.TimerSlack, nil))) // notetsleep(&sched.sysmonnote)
				mp.blocked = false
				syscallWake = sysmonWoken
				sched.sysmonwait = false
			}
			if syscallWake {
				sysmonIdle = 0
				sysmonDelay = 20
			}
		}

		// Poll the network if not polled for more than 10ms.
		lastpoll := sched.lastpoll
		if netpollinited() && lastpoll != 0 && lastpoll+10*1000*1000 < now {
			sched.lastpoll = now
			list := netpoll(0) // non-blocking
			if !list.empty() {
				// Pretend one more M is running so that injectglist's
				// Ms cannot report a false deadlock meanwhile.
				incidlelocked(-1)
				injectglist(&list)
				incidlelocked(1)
			}
		}
		// Retake Ps blocked in syscalls and preempt long-running Gs.
		if retake(now) != 0 {
			sysmonIdle = 0
		} else {
			sysmonIdle++
		}
		if schedtraceNS > 0 && sysmonLasttrc+schedtraceNS <= now {
			sysmonLasttrc = now
			mp.locks = 2 // sysmonlock and sched.lock, as scheddetail shows
			if want(EvSchedTrace) {
				evbuf.Arg = 0
				if scheddetail {
					evbuf.Arg = 1
				}
				emit(EvSchedTrace, mp, nil)
			}
			mp.locks = 0
		}
	}
	mpark(mp)
}

// sysmonIdleJump carries out, at once, as many of sysmon's idle rounds as
// nothing else can interleave with: sysmon deep-sleeps forcegcperiod/2 (the
// cap exists for the forced GC's sampling), polls the network, retakes
// nothing and usleeps 10 ms, over and over, while every P is idle and no
// timer is due — 1,440 rounds a day, and billions before a wait of
// centuries ends. Each round's virtual times, counters, sysmon's state and
// the tie-break draws of its two sleeps are exactly those of the rounds it
// replaces; it only runs when no observer wants the rounds' events and no
// other thread wakes up before they end. It is called where sysmon is
// about to deep-sleep, and leaves it there.
// Deviation: none observable; this is the event loop run ahead.
//
//go:norace
func sysmonIdleJump(mp *m, next int64) {
	const (
		deep  = forcegcperiod / 2
		delay = 10 * 1000 // µs: sysmon's longest usleep
	)
	if noIdleJump || chooser != nil || want(EvSysmonWake) || want(EvNetpoll) || sysmonDelay != delay || sysmonIdle <= 50 ||
		sched.gcwaiting || next-now < deep {
		return
	}
	// A round, from here: the deep sleep, the network poll at its wakeup
	// (if there is a poller and no thread is blocked in it: it is then
	// always more than 10 ms since the last), a retake that finds nothing,
	// and the 10 ms usleep, back to here.
	poll := netpollinited() && sched.lastpoll != 0
	pollCost := int64(0)
	if poll {
		pollCost = max(costs.Netpoll, 0)
	}
	wake := deep + costs.TimerSlack
	round := wake + pollCost + delay*1000 + costs.TimerSlack
	// Round i starts at now+i·round. Every round must start at least deep
	// before the next timer (its deep sleep is then the full deep), end
	// before any other thread's wakeup (strictly: a tie is the event
	// loop's to break), and stay clear of the end of virtual time.
	k := (next-deep-now)/round + 1
	if len(evq) > 0 {
		k = min(k, (evq[0].when-now-1)/round)
	}
	if poll && len(pollq) > 0 {
		// Every round's poll must come before the first descriptor is
		// ready (then it would find a goroutine to wake).
		if pollq[0].ready-now-wake <= 0 {
			return
		}
		k = min(k, (pollq[0].ready-now-wake-1)/round+1)
	}
	k = min(k, (maxWhen-now)/round-1)
	if k < 2 {
		return
	}
	if poll {
		sched.lastpoll = now + (k-1)*round + wake
	}
	now += k * round
	sysmonIdle += int(k)
	stats.SysmonWakeups += k
	evqSeq += 2 * uint64(k)
	tieRand.skip(2 * uint64(k))
}

// noIdleJump turns sysmonIdleJump off (tests compare the two).
var noIdleJump bool

// sysmonwake wakes sysmon from its deep sleep (notewakeup(&sched.sysmonnote)).
//
//go:norace
func sysmonwake() {
	sched.sysmonwait = false
	sysmonWoken = true
	wakeEarlier(sysmonM, addTime(now, duration(SiteMWakeup, costs.MWakeup, nil)))
}

// usleep sleeps the current thread for usec µs (plus the kernel's timer
// slack).
//
//go:norace
func usleep(mp *m, usec int64) {
	msleep(mp, addTime(now, usec*1000+duration(SiteTimerSlack, costs.TimerSlack, nil)))
}

// incidlelocked models runtime.incidlelocked.
//
//go:norace
func incidlelocked(v int32) {
	sched.nmidlelocked += v
	if v > 0 {
		checkdead()
	}
}

// retake retakes Ps blocked in syscalls and preempts Gs that have run on
// the same schedtick for 10 ms. It returns the number of Ps retaken.
// Models runtime.retake (proc.go): the go1.26 version keeps the P wired to
// a syscalling M and takes it with setBlockOnExitSyscall; ≤go1.25 takes a
// P in _Psyscall.
//
//go:norace
func retake(now int64) uint32 {
	n := 0
	for i := 0; i < len(allp); i++ {
		pp := allp[i]
		s := pp.status
		if s != _Prunning && (version >= 26 || s != _Psyscall) {
			continue
		}
		pd := &pp.sysmontick
		sysretake := false

		// Preempt G if it's running on the same schedtick for too long.
		// This could be from a single long-running goroutine or a
		// sequence of goroutines run via runnext, which share a single
		// schedtick time slice.
		if pd.schedtick != pp.schedtick {
			pd.schedtick = pp.schedtick
			pd.schedwhen = now
		} else if pd.schedwhen+forcePreemptNS <= now {
			preemptone(pp)
			// If pp is in a syscall, preemptone doesn't work: take the P
			// ourselves.
			sysretake = true
		}

		if version >= 26 {
			incidlelocked(-1)
			if inSyscall(pp) {
				// Retake the P if it's there for more than 1 sysmon tick.
				if !sysretake && pd.syscalltick != pp.syscalltick {
					pd.syscalltick = pp.syscalltick
					pd.syscallwhen = now
				} else if runqempty(pp) && sched.nmspinning+sched.npidle > 0 && pd.syscallwhen+10*1000*1000 > now {
					// Nothing for the P to do, others are free, and the
					// syscall is young: leave it.
				} else {
					takeP(pp)
					n++
					stats.SyscallHandoffs++
					handoffp(pp)
				}
			}
			incidlelocked(1)
			continue
		}

		if s == _Psyscall {
			if !sysretake && pd.syscalltick != pp.syscalltick {
				pd.syscalltick = pp.syscalltick
				pd.syscallwhen = now
				continue
			}
			if runqempty(pp) && sched.nmspinning+sched.npidle > 0 && pd.syscallwhen+10*1000*1000 > now {
				continue
			}
			incidlelocked(-1)
			// CAS(_Psyscall → _Pidle)
			pp.status = _Pidle
			victim := pp.oldm
			if want(EvProcSteal) {
				evbuf.Arg = -1
				if victim != nil {
					evbuf.Arg = victim.id
				}
				evbuf.Arg2 = int64(pp.id)
				emit(EvProcSteal, curm, nil)
			}
			n++
			stats.SyscallHandoffs++
			pp.syscalltick++
			handoffp(pp)
			incidlelocked(1)
		}
	}
	return uint32(n)
}

// inSyscall reports whether pp's M is running a G in a syscall: the go1.26
// test that setBlockOnExitSyscall makes.
//
//go:norace
func inSyscall(pp *p) bool {
	if pp.status != _Prunning || pp.m == nil {
		return false
	}
	gp := pp.m.curg
	return gp != nil && readgstatus(gp) == _Gsyscall && gp.m == pp.m && pp.m.p == pp
}

// takeP unwires pp from the syscalling thread that holds it and leaves it
// _Pidle (but not on the idle list). Models syscallingThread.takeP (go1.26).
//
//go:norace
func takeP(pp *p) {
	mp := pp.m
	if want(EvProcSteal) {
		evbuf.Arg = mp.id
		evbuf.Arg2 = int64(pp.id)
		emit(EvProcSteal, curm, nil)
	}
	pp.m = nil
	mp.p = nil
	pp.status = _Pidle
	pp.busyNS += now - pp.busySince
	pp.syscalltick++
}

// preemptone asks the goroutine running on pp to stop: cooperatively
// (g.preempt, honoured at its next runtime call) and, with async
// preemption, by signalling its thread. Models runtime.preemptone.
//
//go:norace
func preemptone(pp *p) bool {
	mp := pp.m
	if mp == nil || mp == curm {
		return false
	}
	gp := mp.curg
	if gp == nil {
		return false
	}
	if version >= 26 && readgstatus(gp) == _Gsyscall {
		// Don't bother trying to preempt a goroutine in a syscall.
		return false
	}
	gp.preempt = true
	sent := false
	if asyncPreemt {
		pp.preempt = true
		sent = preemptM(mp)
	}
	stats.PreemptRequests++
	if want(EvPreempt) {
		evbuf.Arg = 0
		if sent {
			evbuf.Arg = 1
		}
		emit(EvPreempt, mp, gp)
	}
	return true
}

// preemptM sends a preemption signal to mp. The handler preempts the G
// only at an async safe point — in the simulator, inside Work — so a G
// that is in a runtime operation keeps running until its next runtime call.
// Models runtime.preemptM + doSigPreempt (signal_unix.go).
//
//go:norace
func preemptM(mp *m) bool {
	if mp.signalPending {
		return false
	}
	if mp.workWait {
		mp.signalPending = true
		wakeEarlier(mp, addTime(now, duration(SitePreemptSignal, costs.PreemptSignal, nil)))
	}
	return true
}

// preemptall asks every running P's G to stop (proc.go:preemptall).
//
//go:norace
func preemptall() bool {
	res := false
	for _, pp := range allp {
		if pp.status != _Prunning {
			continue
		}
		if preemptone(pp) {
			res = true
		}
	}
	return res
}
