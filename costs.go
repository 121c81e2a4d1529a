package gmp

import (
	"fmt"
	"reflect"
	"time"

	"github.com/gmplab/gmp/internal/rt"
)

// CostModel is the virtual time, in nanoseconds, that the simulated runtime
// charges for its own operations. User code between runtime calls costs
// nothing unless it calls Work. Every field may be zero (an ideal machine).
// DefaultCosts returns the costs measured on the real runtime.
type CostModel struct {
	// GoCreate is newproc: the go statement, charged to the creating
	// goroutine.
	GoCreate int64
	// NewG is newproc1's extra cost when no dead goroutine can be reused:
	// malg allocates a G and its stack.
	NewG int64
	// GoExit is goexit0: a goroutine's function returning.
	GoExit int64
	// Schedule is one round of schedule() that finds a goroutine locally,
	// plus execute and gogo.
	Schedule int64
	// Gosched is Gosched's extra cost (the global queue's lock, requeueing).
	Gosched int64
	// Park is gopark: mcall and park_m.
	Park int64
	// Ready is goready: waking a goroutine (status change, runqput, the
	// wakep check).
	Ready int64
	// StealAttempt is one probe of a victim P's run queue in stealWork.
	StealAttempt int64
	// RunnextBackoff is runqgrab's usleep(3) before it steals a running P's
	// runnext (proc.go): Go asks for 3 µs.
	RunnextBackoff int64

	// MWakeup is notewakeup until the woken thread runs (a futex wake).
	MWakeup int64
	// MCreate is newm until the new thread runs (clone and start).
	MCreate int64

	// SyscallEnter is entersyscall.
	SyscallEnter int64
	// SyscallExit is exitsyscall's fast path.
	SyscallExit int64
	// Netpoll is one non-blocking netpoll (epoll_wait with timeout 0).
	Netpoll int64
	// TimerSlack delays every timed wakeup of a sleeping thread (epoll_wait
	// or usleep with a timeout); Linux's default timer_slack_ns is 50 µs.
	TimerSlack int64

	// PreemptSignal is preemptM: SIGURG's delivery until asyncPreempt runs.
	PreemptSignal int64

	// ChanSend is a channel send that does not block.
	ChanSend int64
	// ChanRecv is a channel receive that does not block.
	ChanRecv int64
	// ChanClose is close of a channel.
	ChanClose int64
	// Select is selectgo's cost per call, on top of SelectCase per case.
	Select int64
	// SelectCase is selectgo's cost per case.
	SelectCase int64

	// MutexLock is an uncontended Lock (an uncontended Lock and Unlock
	// pair costs twice this).
	MutexLock int64
	// MutexSpin is one active-spin iteration of a contended Lock:
	// procyield(30).
	MutexSpin int64
	// SemaAcquire is semacquire's slow path, not counting the park.
	SemaAcquire int64
	// SemaRelease is semrelease's slow path, not counting the ready.
	SemaRelease int64
	// Atomic is one atomic read-modify-write in a sync fast path.
	Atomic int64

	// TimerOp is adding, resetting or stopping a timer.
	TimerOp int64
}

// DefaultCosts returns the default cost model: the median cost of each
// operation on the real runtime (go1.26, linux/amd64), from
// `go test ./internal/calibrate -bench .`; internal/calibrate/RESULTS.md
// has the table, the method and the raw output. The thread costs (MWakeup,
// MCreate) were measured on a virtual machine, where waking an idle vCPU
// dominates them; bare metal is typically 2–5 µs for a futex wake.
//
//go:norace
func DefaultCosts() CostModel { return CostModel(rt.DefaultCosts()) }

// maxCost bounds every entry of a CostModel: a runtime operation that takes
// longer than this is a mistake in the model (a duration given in the
// wrong unit, say), not a machine.
const maxCost = int64(time.Hour)

// validate reports the first entry of c that is negative or above maxCost.
//
//go:norace
func (c *CostModel) validate() error {
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		if x := v.Field(i).Int(); x < 0 || x > maxCost {
			return fmt.Errorf("gmp: Config.Costs.%s = %d ns: a cost must be between 0 and %v", v.Type().Field(i).Name, x, time.Duration(maxCost))
		}
	}
	return nil
}
