package rt

// The network poller, modelled on netpoll.go and netpoll_epoll.go.
//
// A goroutine waiting for IO (NetWait) parks with waitreason "IO wait" on
// a simulated poll descriptor that becomes ready at a virtual deadline —
// the "kernel" side of the model is just a queue of those deadlines. The
// runtime side is Go's: findRunnable polls without blocking before it
// steals, sysmon polls if nobody has for 10 ms, and one M at a time blocks
// in netpoll until the next timer (with epoll_wait's millisecond timeout,
// which is why a short time.Sleep on Linux takes about a millisecond).
// Ready goroutines are injected with injectglist, never into runnext.

// pollWait is one goroutine waiting for its descriptor to become ready.
type pollWait struct {
	gp    *g
	ready int64 // virtual time the IO completes
	seq   uint64
}

var (
	netpollInited  bool
	netpollWaiters int32
	pollq          []*pollWait // min-heap on (ready, seq)
	pollSeq        uint64
	netpollM       *m // the M blocked in netpoll, if any
)

//go:norace
func netpollinited() bool { return netpollInited }

// netpollGenericInit initialises the poller on first use (a timer or a
// network wait), as Go does.
//
//go:norace
func netpollGenericInit() { netpollInited = true }

// netWait parks the current goroutine until its simulated descriptor is
// ready, d ns from now. Models runtime.netpollblock (netpoll.go).
//
//go:norace
func netWait(d int64) {
	gp := getg()
	preemptOp(gp, OpNetWait, 0)
	if d <= 0 {
		// The data is already there: a read on a ready descriptor
		// returns without parking (netpollblock's pdReady fast path).
		return
	}
	netpollGenericInit()
	pw := &pollWait{ready: addTime(now, duration(SiteNetWait, d, gp))}
	gopark(netpollblockcommit, pw, waitReasonIOWait, blockNet)
}

// netpollblockcommit publishes the parked G to the poller once it is
// safely parked. Models runtime.netpollblockcommit.
//
//go:norace
func netpollblockcommit(gp *g, arg any) bool {
	pw := arg.(*pollWait)
	pw.gp = gp
	pollSeq++
	pw.seq = pollSeq
	pollqPush(pw)
	netpollWaiters++
	// A thread blocked in epoll_wait is woken by the readiness itself.
	if netpollM != nil {
		wakeEarlier(netpollM, addTime(pw.ready, duration(SiteMWakeup, costs.MWakeup, nil)))
	}
	return true
}

// netpoll checks for ready network connections and returns the goroutines
// that became runnable. delay < 0: block indefinitely; 0: do not block;
// > 0: block for up to that many ns (rounded as epoll_wait does).
// Models runtime.netpoll (netpoll_epoll.go).
//
//go:norace
func netpoll(delay int64) gList {
	mp := curm
	charge(SiteNetpoll, costs.Netpoll)
	if delay != 0 {
		var waitns int64
		switch {
		case delay < 0:
			waitns = -1
		case delay < 1e6:
			waitns = 1e6 // epoll_wait's timeout is in ms: round up to 1
		case delay < 1e15:
			waitns = delay / 1e6 * 1e6
		default:
			waitns = 1e9 * 1e6 // an arbitrary cap: ~11.5 days
		}
		netpollM = mp
		mp.inNetpoll = true
		wake := int64(-1)
		if waitns >= 0 {
			wake = addTime(now, waitns+duration(SiteTimerSlack, costs.TimerSlack, nil))
		}
		if len(pollq) > 0 {
			if r := addTime(max(pollq[0].ready, now), duration(SiteMWakeup, costs.MWakeup, nil)); wake < 0 || r < wake {
				wake = r
			}
		}
		if wake >= 0 {
			msleep(mp, wake)
		} else {
			mpark(mp) // until netpollBreak or IO
		}
		mp.inNetpoll = false
		netpollM = nil
	}
	var list gList
	n := 0
	for len(pollq) > 0 && pollq[0].ready <= now && n < 128 {
		pw := pollqPop()
		list.push(pw.gp)
		netpollWaiters--
		n++
	}
	// gList.push prepends; restore readiness order.
	list = reverseGList(list)
	stats.NetpollReady += int64(n)
	if want(EvNetpoll) {
		evbuf.Arg = int64(n)
		evbuf.Arg2 = 0
		if delay != 0 {
			evbuf.Arg2 = 1
		}
		emit(EvNetpoll, mp, nil)
	}
	return list
}

// netpollBreak interrupts a thread blocked in netpoll.
//
//go:norace
func netpollBreak() {
	if netpollM != nil {
		if netpollM.ev.index < 0 {
			wakeAt(netpollM, addTime(now, duration(SiteMWakeup, costs.MWakeup, nil)))
		} else {
			wakeEarlier(netpollM, addTime(now, duration(SiteMWakeup, costs.MWakeup, nil)))
		}
	}
}

//go:norace
func reverseGList(l gList) gList {
	var r gList
	for gp := l.pop(); gp != nil; gp = l.pop() {
		r.push(gp)
	}
	return r
}

//go:norace
func pollLess(a, b *pollWait) bool {
	if a.ready != b.ready {
		return a.ready < b.ready
	}
	return a.seq < b.seq
}

//go:norace
func pollqPush(pw *pollWait) {
	pollq = append(pollq, pw)
	i := len(pollq) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !pollLess(pollq[i], pollq[parent]) {
			break
		}
		pollq[i], pollq[parent] = pollq[parent], pollq[i]
		i = parent
	}
}

//go:norace
func pollqPop() *pollWait {
	top := pollq[0]
	last := len(pollq) - 1
	pollq[0] = pollq[last]
	pollq[last] = nil
	pollq = pollq[:last]
	i := 0
	for {
		c := 2*i + 1
		if c >= last {
			break
		}
		if r := c + 1; r < last && pollLess(pollq[r], pollq[c]) {
			c = r
		}
		if !pollLess(pollq[c], pollq[i]) {
			break
		}
		pollq[i], pollq[c] = pollq[c], pollq[i]
		i = c
	}
	return top
}
