package scenarios

import (
	"fmt"
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
)

func init() {
	Register(&Scenario{
		Name:    "syscall-handoff",
		Section: "§2.4",
		Summary: "blocking syscalls: sysmon retakes the P, handoffp starts another M, threads grow; the go1.26 and go1.25 models side by side",
		Doc: `Sixteen goroutines alternate CPU work and 2ms blocking syscalls on 4 Ps.
A goroutine entering a syscall keeps its P (go1.26: the P stays _Prunning
and wired to the M; go1.25, as the article draws it: the P is detached
into _Psyscall with m.oldp set). sysmon retakes a P whose syscall it has
seen on two passes when the P has other work (or nobody is idle, or the
syscall is 10ms old) and hands it to another M (handoffp → startm), which
may have to be created: the thread count grows. On exit the goroutine
keeps its P if it still has it, else steals it back from another
syscalling thread (go1.26) or re-acquires it from _Psyscall (go1.25), else
takes an idle P, else queues itself globally and its M stops. The report
traces one hand-off event by event and compares the counts of the two
models.`,
		Procs: 4,
		Runs:  []string{"go1.26", "go1.25"},
		Run:   runSyscallHandoff,
	})
}

func syscallProgram() {
	const n = 16
	done := gmp.MakeChan[int](n)
	for i := range n {
		gmp.Go(func() {
			for j := range 10 {
				gmp.Work(stdtime.Duration(200+50*((i+j)%4)) * stdtime.Microsecond)
				gmp.Syscall(2 * stdtime.Millisecond)
			}
			done.Send(i)
		})
	}
	for range n {
		done.Recv()
	}
}

func runSyscallHandoff(r *Runner) error {
	type out struct {
		label  string
		res    *gmp.Result
		detail string
		status uint32 // of the P in the snapshot
		steps  []string
	}
	var outs []out
	for _, v := range []struct{ label, version string }{{"go1.26", "go1.26"}, {"go1.25", "go1.25"}} {
		rec := newRecorder(rt.EvGoSyscallBegin, rt.EvProcSteal, rt.EvGoSyscallEnd, rt.EvGoSyscallBlock, rt.EvMStart, rt.EvProcStart)
		snap := &syscallSnapshot{}
		res, err := r.Sim(v.label, func(c *gmp.Config) {
			c.Version = v.version
			c.Observers = append(c.Observers, rec, snap)
		}, syscallProgram)
		if err != nil {
			return err
		}
		outs = append(outs, out{v.label, res, snap.text, snap.status, handoffSteps(rec.evs)})
	}
	r.Printf("syscall-handoff (§2.4): 16 goroutines × 10 × (200–350µs CPU + 2ms blocking syscall) on %s\n", nPs(runProcs(outs[0].res)))
	r.overridden(r.Config.Version != "" && r.Config.Version != "go1.26", "--version", "the scenario runs the go1.26 and go1.25 models")
	for _, o := range outs {
		r.Printf("\n%s: one retaken syscall, step by step\n", o.label)
		for _, s := range o.steps {
			r.Printf("  %s\n", s)
		}
		if o.detail == "" {
			r.Printf("  (no P was seen held by a thread in a syscall)\n")
		} else {
			r.Printf("  a P whose goroutine is in a syscall, as scheddetail prints it:\n    %s\n", o.detail)
		}
	}
	r.Printf("\n  %-8s %9s %9s %10s %10s %10s %12s\n", "model", "syscalls", "handoffs", "exit fast", "exit slow", "threads", "makespan")
	for _, o := range outs {
		s := o.res.Stats
		r.Printf("  %-8s %9d %9d %10d %10d %10d %12s\n", o.label, s.Syscalls, s.SyscallHandoffs, s.ExitsyscallFast, s.ExitsyscallSlow, s.ThreadsMax, dur(o.res.VirtualTime.Nanoseconds()))
	}
	a, b := outs[0], outs[1]
	r.Printf("\n")
	if a.res.Stats.SyscallHandoffs == 0 && b.res.Stats.SyscallHandoffs == 0 {
		r.Printf("No P was retaken from a syscall")
		if r.wasm() {
			r.Printf(": retake is sysmon's, and the wasm preset has no\n")
			r.Printf("sysmon — each syscall holds the only thread and P until it returns")
		}
		r.Printf(".\n")
	}
	sa, sb := a.res.Stats, b.res.Stats
	if sa.Syscalls == sb.Syscalls && sa.SyscallHandoffs == sb.SyscallHandoffs && sa.ExitsyscallFast == sb.ExitsyscallFast &&
		sa.ExitsyscallSlow == sb.ExitsyscallSlow && sa.ThreadsMax == sb.ThreadsMax {
		r.Printf("The two models made the same scheduling decisions here (the retake rule is\n")
		r.Printf("the same); ")
	} else {
		r.Printf("The retake rule is the same in both models, but their exit paths differ,\n")
		r.Printf("and here the counts drift apart (see the table);\n")
	}
	if a.status == 1 && b.status == 2 {
		r.Printf("what differs by design is what a P in a syscall\n")
		r.Printf("looks like: go1.26 shows status=1 with its M, go1.25 status=2 (_Psyscall)\n")
		r.Printf("with m=nil, as the article's m.oldp/entersyscall drawing has it.\n")
	} else {
		r.Printf("what differs by design is what a P in a syscall\n")
		r.Printf("looks like (go1.26: _Prunning with its M; go1.25: _Psyscall with m=nil),\n")
		r.Printf("but no such P was caught in both runs to show it.\n")
	}
	r.Printf("\"exit fast\" counts exits that got a P without switching to g0; \"exit\n")
	r.Printf("slow\" those that had to queue.\n")
	return nil
}

// syscallSnapshot records, as scheddetail would print it, the first P
// seen held by a thread in a syscall: go1.26 keeps it _Prunning and wired
// (status=1 m=<id>), go1.25 parks it in _Psyscall (status=2 m=nil). It
// looks once virtual time has moved on from the syscall's start, so that
// entersyscall has finished with the P.
type syscallSnapshot struct {
	text   string
	status uint32
	begun  map[int64]int64 // M → when its goroutine entered a syscall
}

func (s *syscallSnapshot) Event(ev *rt.Event) {
	if s.text != "" {
		return
	}
	if ev.Kind == rt.EvGoSyscallBegin {
		if s.begun == nil {
			s.begun = map[int64]int64{}
		}
		s.begun[ev.M] = ev.Time
		return
	}
	settled := false
	for _, t := range s.begun {
		settled = settled || t < ev.Time
	}
	if !settled {
		return
	}
	st := rt.ReadSchedState(true)
	inSyscall := map[int64]bool{}
	for _, m := range st.Ms {
		if t, ok := s.begun[m.ID]; m.InSyscall && ok && t < ev.Time {
			inSyscall[m.ID] = true
		}
	}
	for _, p := range st.Ps {
		if p.Status == 2 || (p.Status == 1 && inSyscall[p.M]) {
			m := "nil"
			if p.M >= 0 {
				m = fmt.Sprint(p.M)
			}
			s.text = fmt.Sprintf("P%d: status=%d schedtick=%d syscalltick=%d m=%s runqsize=%d", p.ID, p.Status, p.Schedtick, p.Syscalltick, m, p.RunqSize)
			s.status = p.Status
			return
		}
	}
}

// handoffSteps describes the first syscall whose P was retaken.
func handoffSteps(evs []rt.Event) []string {
	for i, ev := range evs {
		if ev.Kind != rt.EvProcSteal {
			continue
		}
		victimM, p := ev.Arg, ev.Arg2
		// Find the syscall's start on the victim thread.
		var g int64
		var steps []string
		for j := i - 1; j >= 0; j-- {
			if evs[j].Kind == rt.EvGoSyscallBegin && evs[j].M == victimM {
				g = evs[j].G
				steps = append(steps, fmt.Sprintf("%-9s G%d entersyscall on %s/%s", dur(evs[j].Time), g, mp(victimM), pp(int32(p))))
				break
			}
		}
		steps = append(steps, fmt.Sprintf("%-9s sysmon (%s) retakes P%d from %s (syscall seen on two passes; the P has work or no P is idle): handoffp", dur(ev.Time), mp(ev.M), p, mp(victimM)))
		created := map[int64]bool{}
		started := false
		for _, e := range evs[i+1:] {
			switch {
			case e.Kind == rt.EvMStart:
				created[e.M] = true
			case e.Kind == rt.EvProcStart && int64(e.P) == p && e.M != victimM && !started:
				started = true
				how := "an idle M woken by startm"
				if created[e.M] {
					how = "a new thread: startm found no idle M (newm)"
				}
				steps = append(steps, fmt.Sprintf("%-9s %s acquires P%d — %s — and runs P%d's queue", dur(e.Time), mp(e.M), p, how, p))
			case (e.Kind == rt.EvGoSyscallEnd || e.Kind == rt.EvGoSyscallBlock) && e.G == g:
				how := "no P to be had: G to the global queue, its M stops (exitsyscallNoP)"
				switch {
				case e.Kind == rt.EvGoSyscallEnd:
					how = "still has its P (fast path)"
				case e.Arg == 1 && int64(e.P) == p:
					how = fmt.Sprintf("takes its old P%d back from the thread now holding it", p)
				case e.Arg == 1:
					how = fmt.Sprintf("takes idle P%d", e.P)
				}
				steps = append(steps, fmt.Sprintf("%-9s G%d exitsyscall: %s", dur(e.Time), g, how))
				return steps
			}
		}
		return steps
	}
	return []string{"(no syscall was retaken)"}
}
