package rt

import (
	"slices"
	"testing"

	"github.com/gmplab/gmp/observe"
)

// TestWaitReasons checks observe.WaitReason's table against the runtime's
// constants: each reason prints Go's string (runtime2.go).
func TestWaitReasons(t *testing.T) {
	want := map[waitReason]string{
		waitReasonZero:                 "",
		waitReasonIOWait:               "IO wait",
		waitReasonChanReceiveNilChan:   "chan receive (nil chan)",
		waitReasonChanSendNilChan:      "chan send (nil chan)",
		waitReasonSelect:               "select",
		waitReasonSelectNoCases:        "select (no cases)",
		waitReasonGCSweepWait:          "GC sweep wait",
		waitReasonGCScavengeWait:       "GC scavenge wait",
		waitReasonChanReceive:          "chan receive",
		waitReasonChanSend:             "chan send",
		waitReasonFinalizerWait:        "finalizer wait",
		waitReasonForceGCIdle:          "force gc (idle)",
		waitReasonUpdateGOMAXPROCSIdle: "GOMAXPROCS updater (idle)",
		waitReasonSemacquire:           "semacquire",
		waitReasonSleep:                "sleep",
		waitReasonSyncCondWait:         "sync.Cond.Wait",
		waitReasonSyncMutexLock:        "sync.Mutex.Lock",
		waitReasonSyncRWMutexRLock:     "sync.RWMutex.RLock",
		waitReasonSyncRWMutexLock:      "sync.RWMutex.Lock",
		waitReasonSyncWaitGroupWait:    "sync.WaitGroup.Wait",
		waitReasonPreempted:            "preempted",
		waitReasonCleanupWait:          "cleanup wait",
		waitReasonStoppingTheWorld:     "stopping the world",
	}
	if len(want) != int(numWaitReasons) {
		t.Fatalf("the test knows %d wait reasons, runtime2.go has %d", len(want), numWaitReasons)
	}
	for w, s := range want {
		if got := w.String(); got != s {
			t.Errorf("waitReason %d: %q, want %q", w, got, s)
		}
	}
	if got := waitReason(numWaitReasons).String(); got != "unknown wait reason" {
		t.Errorf("out of range: %q", got)
	}
}

// TestGStatuses: observe's statuses are the runtime's values.
func TestGStatuses(t *testing.T) {
	for _, c := range []struct {
		pub observe.GStatus
		rt  uint32
	}{
		{observe.Gidle, _Gidle}, {observe.Grunnable, _Grunnable}, {observe.Grunning, _Grunning},
		{observe.Gsyscall, _Gsyscall}, {observe.Gwaiting, _Gwaiting}, {observe.Gdead, _Gdead},
		{observe.Gpreempted, _Gpreempted},
	} {
		if uint32(c.pub) != c.rt {
			t.Errorf("%v is %d, the runtime's is %d", c.pub, uint32(c.pub), c.rt)
		}
	}
}

type kindRecorder struct {
	kinds observe.KindSet // 0: not a Subscriber
	got   []observe.Kind
}

func (r *kindRecorder) Event(ev *Event) { r.got = append(r.got, ev.Kind) }

type subscriber struct{ kindRecorder }

func (s *subscriber) Kinds() observe.KindSet { return s.kinds }

// TestSubscription: a Subscriber receives only the kinds it names, an
// Observer everything, want answers for the union, and an event nobody
// wants leaves nothing behind in evbuf.
func TestSubscription(t *testing.T) {
	resetForUnitTest(t)
	all := &kindRecorder{}
	some := &subscriber{kindRecorder{kinds: observe.KindsOf(EvGoStart, EvEnd)}}
	none := &subscriber{}
	setObservers([]Observer{some, none})
	if !want(EvGoStart) || !want(EvEnd) || want(EvGoCreate) || want(EvRunqPut) {
		t.Errorf("want: wanted = %v", wanted)
	}
	evbuf.Arg = 42
	emit(EvGoCreate, nil, nil) // nobody's
	if evbuf.Arg != 0 || evbuf.Kind != 0 {
		t.Errorf("an unwanted event left evbuf = %+v", evbuf)
	}
	emit(EvGoStart, nil, nil)
	if len(some.got) != 1 || some.got[0] != EvGoStart || len(none.got) != 0 {
		t.Errorf("subscribers got %v and %v", some.got, none.got)
	}

	setObservers([]Observer{all, some})
	kinds := observe.AllKinds.Kinds()
	for _, k := range kinds {
		if !want(k) {
			t.Errorf("want(%v) = false with a plain Observer attached", k)
		}
		emit(k, nil, nil)
	}
	if !slices.Equal(all.got, kinds) {
		t.Errorf("the plain Observer got %v", all.got)
	}
	if !slices.Equal(some.got, []observe.Kind{EvGoStart, EvGoStart, EvEnd}) {
		t.Errorf("the subscriber got %v", some.got)
	}
}

// TestCanInspect: the scheduler's state may be read by a simulated
// goroutine, the scheduler, or an observer the runtime is calling.
func TestCanInspect(t *testing.T) {
	resetForUnitTest(t)
	if CanInspect() {
		t.Fatal("CanInspect outside a run")
	}
	var during bool
	obs := &funcObserver{f: func(*Event) { during = CanInspect() }}
	setObservers([]Observer{obs})
	emit(EvEnd, nil, nil) // as Run emits End, with no M running
	if !during {
		t.Error("an observer called for End may not inspect")
	}
	if CanInspect() {
		t.Error("CanInspect after the observer returned")
	}
}

type funcObserver struct{ f func(*Event) }

func (o *funcObserver) Event(ev *Event) { o.f(ev) }
