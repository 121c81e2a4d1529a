package rt

import (
	"fmt"
	"testing"
)

// newTestP returns a P holding n fresh Gs in its ring (goids 1..n), and
// runnext if withNext.
func newTestP(n int, withNext bool) *p {
	pp := &p{status: _Prunning}
	for i := 1; i <= n; i++ {
		runqput(pp, &g{goid: int64(i), atomicstatus: _Grunnable}, false)
	}
	if withNext {
		pp.runnext = &g{goid: 1000, atomicstatus: _Grunnable}
	}
	return pp
}

func ringGoids(pp *p) []int64 {
	var ids []int64
	for i := pp.runqhead; i != pp.runqtail; i++ {
		ids = append(ids, pp.runq[i%uint32(len(pp.runq))].goid)
	}
	return ids
}

func resetForUnitTest(t *testing.T) {
	t.Helper()
	resetGlobals()
	haveSysmon = true
	gomaxprocs = 4
	t.Cleanup(resetGlobals)
}

// TestRunqsteal: runqsteal takes ceil(half) of the victim's ring, oldest
// first, and returns the last one grabbed to run now (proc.go:runqgrab).
func TestRunqsteal(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 8, 128, 255, 256} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			resetForUnitTest(t)
			victim := newTestP(n, false)
			thief := &p{status: _Prunning}
			gp := runqsteal(thief, victim, false)
			want := n - n/2
			got := len(ringGoids(thief)) + 1
			if got != want {
				t.Fatalf("stole %d of %d, want %d", got, n, want)
			}
			if gp.goid != int64(want) {
				t.Errorf("runs G%d now, want G%d (the last grabbed)", gp.goid, want)
			}
			if rest := ringGoids(victim); len(rest) != n-want || (len(rest) > 0 && rest[0] != int64(want+1)) {
				t.Errorf("victim keeps %v, want G%d.. (%d Gs)", rest, want+1, n-want)
			}
		})
	}
}

// TestRunqstealRunnext: the victim's runnext is taken only when its ring
// is empty and only when asked (the last steal round).
func TestRunqstealRunnext(t *testing.T) {
	resetForUnitTest(t)
	victim := newTestP(0, true)
	victim.status = _Pidle // no backoff
	thief := &p{status: _Prunning}
	if gp := runqsteal(thief, victim, false); gp != nil {
		t.Fatalf("stole runnext G%d on an early round", gp.goid)
	}
	if gp := runqsteal(thief, victim, true); gp == nil || gp.goid != 1000 {
		t.Fatalf("last round did not take runnext: %v", gp)
	}
	if victim.runnext != nil {
		t.Fatal("runnext still set after it was stolen")
	}

	victim = newTestP(3, true)
	gp := runqsteal(thief, victim, true)
	if gp == nil || gp.goid == 1000 || victim.runnext == nil {
		t.Fatalf("took runnext although the ring had work (got %v)", gp)
	}
}

// TestRunqputslow: putting a G on a full ring moves its oldest half plus
// the new G — 129 — to the global queue, in order.
func TestRunqputslow(t *testing.T) {
	resetForUnitTest(t)
	pp := newTestP(256, false)
	runqput(pp, &g{goid: 999, atomicstatus: _Grunnable}, false)
	if n := len(ringGoids(pp)); n != 128 {
		t.Fatalf("ring has %d Gs after overflow, want 128", n)
	}
	if sched.runq.size != 129 {
		t.Fatalf("global queue has %d Gs, want 129", sched.runq.size)
	}
	var ids []int64
	for gp := sched.runq.head; gp != nil; gp = gp.schedlink {
		ids = append(ids, gp.goid)
	}
	if ids[0] != 1 || ids[127] != 128 || ids[128] != 999 {
		t.Errorf("global queue order %v…%v, want 1..128 then 999", ids[:3], ids[126:])
	}
	if r := ringGoids(pp); r[0] != 129 || r[127] != 256 {
		t.Errorf("ring keeps %v…, want 129..256", r[:3])
	}
}

// TestRunnextKick: with next=true the new G takes runnext and the old
// runnext goes to the tail of the ring.
func TestRunnextKick(t *testing.T) {
	resetForUnitTest(t)
	pp := newTestP(2, false)
	a := &g{goid: 10}
	b := &g{goid: 11}
	runqput(pp, a, true)
	runqput(pp, b, true)
	if pp.runnext != b {
		t.Fatalf("runnext = G%d, want G11", pp.runnext.goid)
	}
	if r := ringGoids(pp); fmt.Sprint(r) != "[1 2 10]" {
		t.Errorf("ring = %v, want [1 2 10]", r)
	}
	gp, inherit := runqget(pp)
	if gp != b || !inherit {
		t.Errorf("runqget = G%d inherit=%v, want runnext G11 inheriting the time slice", gp.goid, inherit)
	}
	gp, inherit = runqget(pp)
	if gp.goid != 1 || inherit {
		t.Errorf("runqget = G%d inherit=%v, want ring head G1 with a new time slice", gp.goid, inherit)
	}
}

// TestGlobrunqgetbatch: a P takes min(n, size, size/gomaxprocs+1) from the
// global queue.
func TestGlobrunqgetbatch(t *testing.T) {
	for _, tc := range []struct{ size, procs, n, want int32 }{
		{10, 4, 128, 3},
		{1, 4, 128, 1},
		{1000, 4, 128, 128},
		{1000, 1, 128, 128},
		{100, 1, 128, 100},
		{7, 8, 128, 1},
	} {
		resetForUnitTest(t)
		gomaxprocs = tc.procs
		for i := int32(0); i < tc.size; i++ {
			globrunqput(&g{goid: int64(i + 1)})
		}
		gp, q := globrunqgetbatch(tc.n)
		if got := q.size + 1; got != tc.want || gp.goid != 1 {
			t.Errorf("size %d, gomaxprocs %d: took %d (first G%d), want %d (first G1)", tc.size, tc.procs, got, gp.goid, tc.want)
		}
	}
}

// TestStealOrder: randomOrder visits every P exactly once for any start.
func TestStealOrder(t *testing.T) {
	for n := uint32(1); n <= 12; n++ {
		var ord randomOrder
		ord.reset(n)
		for start := uint32(0); start < 200; start++ {
			seen := make([]bool, n)
			k := 0
			for e := ord.start(start); !e.done(); e.next() {
				if seen[e.position()] {
					t.Fatalf("n=%d start=%d: P%d visited twice", n, start, e.position())
				}
				seen[e.position()] = true
				k++
			}
			if k != int(n) {
				t.Fatalf("n=%d start=%d: visited %d Ps", n, start, k)
			}
		}
	}
}
