package rt

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/gmplab/gmp/observe"
)

// stamps records when the program-visible events of a run happen.
type stamps struct {
	log        []string
	tie, run   rng
	seq        uint64
	sysmonIdle int
}

func (s *stamps) Kinds() observe.KindSet {
	return observe.KindsOf(observe.GoStart, observe.GoBlock, observe.GoUnblock, observe.GoDestroy,
		observe.ProcStart, observe.ProcStop, observe.MPark, observe.MUnpark, observe.GoSyscallBegin,
		observe.GoSyscallEnd, observe.GoSyscallEndBlocked, observe.TimerFire, observe.Preempt, observe.End)
}

func (s *stamps) Event(ev *Event) {
	s.log = append(s.log, fmt.Sprint(ev.Kind, ev.Time, ev.G, ev.M, ev.P, ev.Arg))
	if ev.Kind == EvEnd {
		s.tie, s.run, s.seq, s.sysmonIdle = tieRand, runRand, evqSeq, sysmonIdle
	}
}

// TestSysmonIdleJump: sysmon's idle rounds, carried out at once, leave the
// run exactly as running them one by one does — every program-visible
// event at the same instant, the same counters, clock and random streams —
// over long idle stretches with and without a poller, timers, syscalls
// and goroutines that wake up now and then.
func TestSysmonIdleJump(t *testing.T) {
	const hour = 3600 * 1e9
	programs := map[string]func(){
		"sleep": func() { timeSleep(5 * hour) },
		"netwait": func() {
			Go(func() { netWait(2 * hour) }, 0)
			netWait(4 * hour)
		},
		"syscall": func() {
			syscall(3 * hour)
		},
		"ticks": func() {
			c := MakeChan(new(intChanOps), 2)
			for i := range 3 {
				Go(func() {
					timeSleep(int64(i+1) * hour)
					Work(1e6)
					sysSend(c)
				}, 0)
			}
			for range 3 {
				ChanRecv(c, nil, true)
			}
			timeSleep(1e9)
		},
	}
	type outcome struct {
		Log        []string
		Stats      Stats
		Now        int64
		Tie, Run   rng
		Seq        uint64
		Err        string
		SysmonIdle int
	}
	run := func(procs int, f func(), jump bool) outcome {
		SetIdleJump(jump)
		defer SetIdleJump(true)
		st := &stamps{}
		res, err := Run(Config{Procs: procs, Version: 26, Seed: 3, Costs: DefaultCosts(), AsyncPreempt: true, Observers: []Observer{st}}, func() {
			f()
		})
		o := outcome{Log: st.log, Now: res.Stats.VirtualNS, Stats: res.Stats, Tie: st.tie, Run: st.run, Seq: st.seq, SysmonIdle: st.sysmonIdle}
		o.Stats.SchedLatency = Histogram{}
		o.Stats.coroutinesCreated, o.Stats.coroutinesReused = 0, 0 // host coroutines come from a pool
		if err != nil {
			o.Err = err.Error()
		}
		return o
	}
	for name, f := range programs {
		for _, procs := range []int{1, 4} {
			on, off := run(procs, f, true), run(procs, f, false)
			if !reflect.DeepEqual(on, off) {
				t.Errorf("%s, procs %d: the jump changed the run:\n on: %v %+v\noff: %v %+v", name, procs, on.Now, on.Stats, off.Now, off.Stats)
				for i := range min(len(on.Log), len(off.Log)) {
					if on.Log[i] != off.Log[i] {
						t.Errorf("first difference at event %d: %s vs %s", i, on.Log[i], off.Log[i])
						break
					}
				}
			}
			if on.Stats.SysmonWakeups < 100 {
				t.Errorf("%s: only %d sysmon wakeups: the program is not idle long enough to test the jump", name, on.Stats.SysmonWakeups)
			}
		}
	}
}
