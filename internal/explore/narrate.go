package explore

import (
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
)

// Sentence says what a deviation did, in the program's terms: "G7 was
// preempted before its chan send on channel #3 (worker.go:42)".
//
//go:norace
func Sentence(d *Deviation) string {
	s := sentence(d)
	if d.Where != "" {
		s += " in " + d.Where
	}
	return s
}

//go:norace
func sentence(d *Deviation) string {
	g := fmt.Sprintf("G%d", d.G)
	switch d.Kind {
	case rt.ChoicePreempt:
		return fmt.Sprintf("%s was preempted before %s", g, opPhrase(d.Op, d.Obj))
	case rt.ChoiceCost:
		who := g + "'s"
		if d.G == 0 {
			who = fmt.Sprintf("M%d's", d.M)
		}
		extra := d.Value - d.Default
		if extra > int64(time.Microsecond) && d.Value > 4*d.Default {
			return fmt.Sprintf("%s thread was descheduled for %v during %s (at %v)", who, dur(extra), costText(d.Site), dur(d.Time))
		}
		return fmt.Sprintf("%s %s took %v instead of %v", who, costText(d.Site), dur(d.Value), dur(d.Default))
	case rt.ChoiceDuration:
		switch d.Site {
		case rt.SiteMWakeup:
			return fmt.Sprintf("a thread took %v to wake up instead of %v (at %v)", dur(d.Value), dur(d.Default), dur(d.Time))
		case rt.SiteMCreate:
			return fmt.Sprintf("a new thread took %v to start instead of %v (at %v)", dur(d.Value), dur(d.Default), dur(d.Time))
		case rt.SiteTimerSlack:
			return fmt.Sprintf("a timer's wake-up came %v late instead of %v (at %v)", dur(d.Value), dur(d.Default), dur(d.Time))
		case rt.SitePreemptSignal:
			return fmt.Sprintf("a preemption signal took %v to land instead of %v (at %v)", dur(d.Value), dur(d.Default), dur(d.Time))
		}
		return fmt.Sprintf("%s's %s took %v instead of %v", g, d.Site, dur(d.Value), dur(d.Default))
	case rt.ChoiceTie:
		return fmt.Sprintf("at %v, %s went before %s (same instant)", dur(d.Time), optName(d, d.Value), optName(d, d.Default))
	case rt.ChoiceRunnable:
		return fmt.Sprintf("%s ran next instead of %s (abstract mode)", optName(d, d.Value), optName(d, d.Default))
	case rt.ChoiceRunnext:
		return fmt.Sprintf("%s, made runnable, skipped runnext (as Go's scheduler does under -race)", g)
	case rt.ChoiceShuffle:
		return fmt.Sprintf("%s's batch was shuffled (position %d took %d, as under -race)", d.Site, d.N-1, d.Value)
	case rt.ChoiceOrder:
		return fmt.Sprintf("a cancelled context's children were cancelled in another order (position %d took %d)", d.N-1, d.Value)
	case rt.ChoiceRand:
		switch d.Site {
		case rt.SiteSelectOrder:
			if d.Value == 0 {
				return fmt.Sprintf("%s's select polled its case #%d first", g, d.N-1)
			}
			return fmt.Sprintf("%s's select polled its cases in another order (draw %d of %d)", g, d.Value, d.N)
		case rt.SiteSteal:
			return fmt.Sprintf("a thread looking for work tried the Ps in another order (at %v)", dur(d.Time))
		case rt.SiteSemaTicket:
			return fmt.Sprintf("%s got another ticket in a semaphore's queue", g)
		}
		return fmt.Sprintf("cheaprand at %s gave %d instead of %d", d.Site, d.Value, d.Default)
	}
	return fmt.Sprintf("%v at %v: %d instead of %d", d.Kind, d.Site, d.Value, d.Default)
}

// sentenceShort is Sentence without the place.
//
//go:norace
func sentenceShort(d *Deviation) string { return fmt.Sprintf("#%d %s", d.Index, sentence(d)) }

// decisionShort describes a decision being asked.
//
//go:norace
func decisionShort(d *rt.Decision) string {
	return fmt.Sprintf("#%d %v at %v for G%d (default %d)", d.Index, d.Kind, d.Site, d.G, d.Default)
}

//go:norace
func optName(d *Deviation, i int64) string {
	if i >= 0 && int(i) < len(d.Gs) && d.Gs[i] != 0 {
		return fmt.Sprintf("G%d", d.Gs[i])
	}
	if d.Kind == rt.ChoiceTie {
		return fmt.Sprintf("thread option %d", i)
	}
	return fmt.Sprintf("option %d", i)
}

// opPhrase says what a goroutine was about to do.
//
//go:norace
func opPhrase(op rt.Op, obj int64) string {
	o := objName(op, obj)
	switch op {
	case rt.OpGo:
		return "a go statement"
	case rt.OpSend:
		return "a send" + strings.Replace(o, " on ", " on ", 1)
	case rt.OpRecv:
		return "a receive" + strings.Replace(o, " on ", " from ", 1)
	case rt.OpClose:
		return "closing" + strings.Replace(o, " on ", " ", 1)
	case rt.OpSelect:
		return "a select"
	case rt.OpSleep:
		return "a Sleep"
	case rt.OpSyscall:
		return "a system call"
	case rt.OpNetWait:
		return "a network wait"
	case rt.OpOther, rt.OpNone:
		return "a runtime call"
	}
	return op.String() + strings.Replace(o, " on ", " of ", 1)
}

// objName names a channel or sync object by its number in the run (the
// order channels were made in, the order sync objects were first used in).
//
//go:norace
func objName(op rt.Op, obj int64) string {
	if obj == 0 {
		return ""
	}
	if obj < 1<<32 {
		return fmt.Sprintf(" on channel #%d", obj)
	}
	n := obj - 1<<32 + 1 // numbered from 1, like channels
	switch op {
	case rt.OpLock, rt.OpUnlock, rt.OpRLock, rt.OpRUnlock:
		return fmt.Sprintf(" on mutex #%d", n)
	case rt.OpWGAdd, rt.OpWGWait:
		return fmt.Sprintf(" on WaitGroup #%d", n)
	case rt.OpNotify, rt.OpWait:
		return fmt.Sprintf(" on Cond #%d", n)
	}
	return fmt.Sprintf(" on object #%d", n)
}

var costTexts = map[rt.Site]string{
	rt.SiteGoCreate: "go statement", rt.SiteNewG: "goroutine creation", rt.SiteGoExit: "exit",
	rt.SiteSchedule: "pass through the scheduler", rt.SiteGosched: "Gosched", rt.SitePark: "parking",
	rt.SiteReady: "wake-up of another goroutine", rt.SiteStealAttempt: "steal attempt",
	rt.SiteRunnextBackoff: "runnext back-off", rt.SiteSyscallEnter: "syscall entry",
	rt.SiteSyscallExit: "syscall exit", rt.SiteNetpoll: "netpoll", rt.SiteChanSend: "chan send",
	rt.SiteChanRecv: "chan receive", rt.SiteChanClose: "close", rt.SiteSelect: "select",
	rt.SiteMutexLock: "Lock", rt.SiteMutexSpin: "Lock's spinning", rt.SiteSemaAcquire: "semacquire",
	rt.SiteSemaRelease: "semrelease", rt.SiteAtomic: "atomic operation", rt.SiteTimerOp: "timer operation",
	rt.SiteCharge: "sync operation", rt.SiteWork: "Work", rt.SiteSyscall: "syscall", rt.SiteNetWait: "network wait",
}

//go:norace
func costText(s rt.Site) string {
	if t, ok := costTexts[s]; ok {
		return t
	}
	return s.String()
}

// dur prints a duration in ns as Go does, rounded to 3 significant
// digits.
//
//go:norace
func dur(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d >= time.Second:
		d = d.Round(time.Millisecond)
	case d >= time.Millisecond:
		d = d.Round(time.Microsecond)
	case d >= time.Microsecond:
		d = d.Round(10 * time.Nanosecond)
	}
	return d.String()
}

// A narrator finds where in the program a decision was asked: the
// innermost user frame of the deciding goroutine, whose stack Choose runs
// on when the decision is about the running goroutine.
type narrator struct{ pcs [64]uintptr }

//go:norace
func (n *narrator) where(d *rt.Decision) string {
	if d.G == 0 {
		return ""
	}
	switch d.Kind {
	case rt.ChoicePreempt, rt.ChoiceCost, rt.ChoiceRand:
	case rt.ChoiceDuration:
		if d.Site != rt.SiteWork && d.Site != rt.SiteSyscall && d.Site != rt.SiteNetWait {
			return ""
		}
	default:
		return ""
	}
	k := runtime.Callers(3, n.pcs[:])
	frames := runtime.CallersFrames(n.pcs[:k])
	for {
		f, more := frames.Next()
		if userFunc(f.Function) && !rootFile(f.File) {
			return fmt.Sprintf("%s (%s:%d)", funcName(f.Function), filepath.Base(f.File), f.Line)
		}
		if !more {
			return ""
		}
	}
}

// rootDir is the directory of gmp's root package: a closure of it inlined
// into user code is named after the user's function, so its file tells it.
var rootDir = func() string {
	pc := reflect.ValueOf(gmp.Gosched).Pointer()
	f := runtime.FuncForPC(pc)
	if f == nil {
		return ""
	}
	file, _ := f.FileLine(pc)
	return filepath.Dir(file)
}()

//go:norace
func rootFile(file string) bool {
	return rootDir != "" && filepath.Dir(file) == rootDir && !strings.HasSuffix(file, "_test.go")
}
