package rt

import "github.com/gmplab/gmp/observe"

// User annotations: the entry points behind package gmp/trace (tasks,
// regions and logs, as runtime/trace has them). The runtime keeps no state
// for them — task ids, types and start times live in the trace package's
// values — it only stamps them with the time, thread and goroutine and
// hands them to the observers, like traceruntime.go's user events. None of
// them is a preemption point: runtime/trace's calls are not either.

const (
	EvUserTaskBegin   = observe.UserTaskBegin
	EvUserTaskEnd     = observe.UserTaskEnd
	EvUserRegionBegin = observe.UserRegionBegin
	EvUserRegionEnd   = observe.UserRegionEnd
)

// UserTraceEnabled reports whether some observer receives the user
// annotations (runtime/trace.IsEnabled: a trace is being written).
//
//go:norace
func UserTraceEnabled() bool {
	getg()
	return want(EvUserTaskBegin) || want(EvUserRegionBegin) || want(EvUserLog)
}

// UserTaskBegin reports that the current goroutine began task id, a child
// of parent (0: none), of type typ. It returns the virtual time, the
// task's start.
//
//go:norace
func UserTaskBegin(id, parent int64, typ string) int64 {
	gp := getg()
	if want(EvUserTaskBegin) {
		evbuf.Arg, evbuf.Arg2 = id, parent
		evbuf.Reason = raceString(typ)
		evbuf.Stack = callerStack(1)
		emit(EvUserTaskBegin, gp.m, gp)
	}
	return now
}

// UserTaskEnd reports that the current goroutine ended task id of type
// typ, begun at start.
//
//go:norace
func UserTaskEnd(id int64, typ string, start int64) {
	gp := getg()
	if want(EvUserTaskEnd) {
		evbuf.Arg, evbuf.Arg2 = id, now-start
		evbuf.Reason = raceString(typ)
		evbuf.Stack = callerStack(1)
		emit(EvUserTaskEnd, gp.m, gp)
	}
}

// UserRegionBegin reports that the current goroutine began a region of
// type typ in task (0: the background task). It returns the goroutine's
// id (regions belong to one goroutine) and the virtual time.
//
//go:norace
func UserRegionBegin(task int64, typ string) (goid, start int64) {
	gp := getg()
	if want(EvUserRegionBegin) {
		evbuf.Arg = task
		evbuf.Reason = raceString(typ)
		evbuf.Stack = callerStack(1)
		emit(EvUserRegionBegin, gp.m, gp)
	}
	return gp.goid, now
}

// UserRegionEnd reports that the current goroutine ended its region of
// type typ in task, begun at start.
//
//go:norace
func UserRegionEnd(task int64, typ string, start int64) {
	gp := getg()
	if want(EvUserRegionEnd) {
		evbuf.Arg, evbuf.Arg2 = task, now-start
		evbuf.Reason = raceString(typ)
		evbuf.Stack = callerStack(1)
		emit(EvUserRegionEnd, gp.m, gp)
	}
}

// UserLog reports a log message of the current goroutine in task (0:
// none), as Log does without a task.
//
//go:norace
func UserLog(task int64, category, message string) {
	gp := getg()
	if want(EvUserLog) {
		evbuf.Arg = task
		evbuf.Reason = raceString(category)
		evbuf.Text = raceString(message)
		evbuf.Stack = callerStack(1)
		emit(EvUserLog, gp.m, gp)
	}
}
