// Package schedtrace prints the simulated runtime's state in the exact text
// of Go 1.26's GODEBUG=schedtrace=X[,scheddetail=1] (proc.go:schedtrace).
//
// It is an observer of the event stream: sysmon emits a SchedTrace event
// every X of virtual time, and this package formats a snapshot of the
// scheduler at that instant. The first line is always "SCHED 0ms", as in
// Go, because the first call fixes the start time.
package schedtrace

import (
	"io"
	"strconv"
	"time"

	"github.com/gmplab/gmp/internal/rt"
	"github.com/gmplab/gmp/observe"
)

// Writer is an observe.Subscriber that writes schedtrace lines to W at
// each SchedTrace event.
type Writer struct {
	// W receives the lines.
	W io.Writer
	// Version is the Go version whose format to print, as in
	// gmp.Config.Version: "go1.24" prints that version's bracket format
	// without schedticks; "" and later versions print go1.26's.
	Version   string
	started   bool
	starttime int64
	buf       []byte
	err       error
}

// Kinds implements observe.Subscriber: a Writer needs only SchedTrace.
//
//go:norace
func (w *Writer) Kinds() observe.KindSet { return observe.KindsOf(observe.SchedTrace) }

// Event implements observe.Observer.
//
//go:norace
func (w *Writer) Event(ev *observe.Event) {
	if ev.Kind != observe.SchedTrace {
		return
	}
	detailed := ev.Arg != 0
	st := rt.ReadSchedState(detailed)
	w.buf = Append(w.buf[:0], &st, detailed, time.Duration(w.since(st.Time)), w.Version)
	if w.err == nil {
		_, w.err = w.W.Write(w.buf)
	}
}

//go:norace
func (w *Writer) since(t int64) int64 {
	if !w.started {
		w.started = true
		w.starttime = t
	}
	return t - w.starttime
}

// Err returns the first write error, if any.
//
//go:norace
func (w *Writer) Err() error { return w.err }

// Append appends the schedtrace text for st to b: the line Go prints
// every schedtrace period, and with detailed the per-P, per-M and per-G
// lines of scheddetail. elapsed is the time since the first line, which Go
// prints in whole milliseconds; version is as in Writer.Version.
//
//go:norace
func Append(b []byte, st *observe.SchedState, detailed bool, elapsed time.Duration, version string) []byte {
	b = append(b, "SCHED "...)
	b = strconv.AppendInt(b, elapsed.Milliseconds(), 10)
	b = append(b, "ms: gomaxprocs="...)
	b = strconv.AppendInt(b, int64(st.Gomaxprocs), 10)
	b = append(b, " idleprocs="...)
	b = strconv.AppendInt(b, int64(st.Idleprocs), 10)
	b = append(b, " threads="...)
	b = strconv.AppendInt(b, int64(st.Threads), 10)
	b = append(b, " spinningthreads="...)
	b = strconv.AppendInt(b, int64(st.Spinning), 10)
	b = append(b, " needspinning="...)
	b = strconv.AppendInt(b, int64(st.NeedSpinning), 10)
	b = append(b, " idlethreads="...)
	b = strconv.AppendInt(b, int64(st.IdleThreads), 10)
	b = append(b, " runqueue="...)
	b = strconv.AppendInt(b, int64(st.Runqueue), 10)
	if detailed {
		b = append(b, " gcwaiting="...)
		b = strconv.AppendBool(b, st.GCWaiting)
		b = append(b, " nmidlelocked="...)
		b = strconv.AppendInt(b, int64(st.NMIdleLocked), 10)
		b = append(b, " stopwait="...)
		b = strconv.AppendInt(b, int64(st.StopWait), 10)
		b = append(b, " sysmonwait="...)
		b = strconv.AppendBool(b, st.SysmonWait)
		b = append(b, '\n')
		for i, p := range st.Ps {
			b = append(b, "  P"...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, ": status="...)
			b = strconv.AppendUint(b, uint64(p.Status), 10)
			b = append(b, " schedtick="...)
			b = strconv.AppendUint(b, uint64(p.Schedtick), 10)
			b = append(b, " syscalltick="...)
			b = strconv.AppendUint(b, uint64(p.Syscalltick), 10)
			b = append(b, " m="...)
			b = appendID(b, p.M)
			b = append(b, " runqsize="...)
			b = strconv.AppendUint(b, uint64(p.RunqSize), 10)
			b = append(b, " gfreecnt="...)
			b = strconv.AppendInt(b, int64(p.GFreeCnt), 10)
			b = append(b, " timerslen="...)
			b = strconv.AppendInt(b, int64(p.TimersLen), 10)
			b = append(b, '\n')
		}
		for _, m := range st.Ms {
			b = append(b, "  M"...)
			b = strconv.AppendInt(b, m.ID, 10)
			b = append(b, ": p="...)
			b = appendID(b, int64(m.P))
			b = append(b, " curg="...)
			b = appendGoid(b, m.CurG)
			b = append(b, " mallocing=0 throwing=0 preemptoff="...)
			b = append(b, m.Preemptoff...)
			b = append(b, " locks="...)
			b = strconv.AppendInt(b, int64(m.Locks), 10)
			b = append(b, " dying=0 spinning="...)
			b = strconv.AppendBool(b, m.Spinning)
			b = append(b, " blocked="...)
			b = strconv.AppendBool(b, m.Blocked)
			b = append(b, " lockedg="...)
			b = appendGoid(b, m.LockedG)
			b = append(b, '\n')
		}
		for _, g := range st.Gs {
			b = append(b, "  G"...)
			b = strconv.AppendInt(b, g.Goid, 10)
			b = append(b, ": status="...)
			b = strconv.AppendUint(b, uint64(g.Status), 10)
			b = append(b, '(')
			b = append(b, g.WaitReason...)
			b = append(b, ") m="...)
			b = appendID(b, g.M)
			b = append(b, " lockedm="...)
			b = appendID(b, g.LockedM)
			b = append(b, '\n')
		}
		return b
	}
	if version == "go1.24" {
		// go1.24: "[a b c]" ends the line, no schedticks.
		b = append(b, " ["...)
		for i, p := range st.Ps {
			if i > 0 {
				b = append(b, ' ')
			}
			b = strconv.AppendUint(b, uint64(p.RunqSize), 10)
		}
		return append(b, "]\n"...)
	}
	for i, p := range st.Ps {
		b = append(b, ' ')
		if i == 0 {
			b = append(b, "[ "...)
		}
		b = strconv.AppendUint(b, uint64(p.RunqSize), 10)
		if i == len(st.Ps)-1 {
			b = append(b, " ]"...)
		}
	}
	b = append(b, " schedticks=[ "...)
	for _, p := range st.Ps {
		b = strconv.AppendUint(b, uint64(p.Schedtick), 10)
		b = append(b, ' ')
	}
	return append(b, "]\n"...)
}

//go:norace
func appendID(b []byte, id int64) []byte {
	if id < 0 {
		return append(b, "nil"...)
	}
	return strconv.AppendInt(b, id, 10)
}

//go:norace
func appendGoid(b []byte, id int64) []byte {
	if id == 0 {
		return append(b, "nil"...)
	}
	return strconv.AppendInt(b, id, 10)
}
