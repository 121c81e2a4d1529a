package rt

// The runtime's side of package sync: the functions Go's sync and
// internal/sync reach through linkname (runtime_canSpin, runtime_doSpin,
// runtime_nanotime, …) besides the semaphores of sema.go, plus the cost
// and counter hooks gmp/sync needs to charge and count what it does.

// active_spin and active_spin_cnt are sync.Mutex's spinning limits
// (proc.go, go1.26).
const (
	activeSpin    = 4  // iterations of lockSlow's spin loop
	activeSpinCnt = 30 // PAUSE instructions per iteration (procyield)
)

// CanSpin reports whether a sync.Mutex may spin on iteration i: only a
// few times, on a multicore machine with GOMAXPROCS>1, at least one other
// running P and an empty local run queue (runnext included), because
// sync.Mutex is cooperative and spinning is unfair otherwise.
// Models runtime.internal_sync_runtime_canSpin (proc.go).
//
//go:norace
func CanSpin(i int) bool {
	getg()
	if i >= activeSpin || numCPUStartup <= 1 || gomaxprocs <= sched.npidle+sched.nmspinning+1 {
		return false
	}
	if pp := curm.p; pp != nil && !runqempty(pp) {
		return false
	}
	return true
}

// numCPUStartup is the simulated machine's CPU count (as many as Ps; 1
// for the wasm preset). Set by schedinit.
var numCPUStartup int32 = 64

// DoSpin spins for one iteration, procyield(active_spin_cnt), charging
// CostModel.MutexSpin of virtual time on the current P. Other Ms run
// meanwhile; the spinning goroutine keeps its P.
// Models runtime.internal_sync_runtime_doSpin (proc.go).
// Deviation: the spin costs CostModel.MutexSpin of virtual time instead of
// 30 PAUSE instructions.
//
//go:norace
func DoSpin() {
	getg()
	stats.MutexSpins++
	charge(SiteMutexSpin, costs.MutexSpin)
}

// Charge spends ns of virtual time on the current goroutine's M: the cost
// of a fast path in a mirror package (an atomic, an uncontended lock).
// Other Ms may act during it, so a caller charges before, never between,
// the steps of a read-modify-write. It is not a preemption point.
//
//go:norace
func Charge(ns int64) {
	getg()
	charge(SiteCharge, ns)
}

// Costs returns the run's cost model. It must not be modified.
//
//go:norace
func Costs() *CostModel { return &costs }

// CountStarvation records a sync.Mutex entering starvation mode
// (Stats.MutexStarvationEnters).
//
//go:norace
func CountStarvation() {
	getg()
	stats.MutexStarvationEnters++
}
