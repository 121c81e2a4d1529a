// Package corpus is the schedule explorer's corpus (gmptest/corpus: buggy
// programs written after real-world Go bug patterns, each with its fixed
// twin) in ordinary Go — go statements, channels, select, sync,
// sync/atomic, time, context, runtime.Gosched — never mentioning gmp. Each
// program keeps its gmp version's structure, bug and fix (a fixed bool);
// TestX runs the bug and TestXFixed the fix, X the program's name in
// CamelCase (lock-order: TestLockOrder and TestLockOrderFixed).
//
// gmp test -gmp.explore N -gmp.maxtime 200ms finds every bug, as the kind
// of failure gmptest/corpus declares, on a schedule other than the
// ordinary one, and passes every fix (internal/translate's
// TestExploreBugCorpus). The time limit is spin-wait-missed-flag's, whose
// livelock its gmp version bounds with Options.MaxTime; without it the
// livelock ends at MaxSteps, later. The fixed twins pass natively too:
// go test -run 'Fixed$' (natively a buggy test fails, or hangs, when its
// bug strikes).
//
// # Time
//
// gmp.Work(d) and gmp.Syscall(d) — CPU-bound work, a blocking read — have
// no ordinary Go spelling that takes virtual time once translated (a loop
// without calls takes none), so a time.Sleep stands for them. A sleep is
// not work: when every goroutine sleeps, Go's idle thread waits in
// epoll_wait, whose timeout is in milliseconds, so a sleep of 20µs to 1ms
// takes about 1ms, and one under ~17µs ends when a spinning thread looks
// again (the simulator models Go 1.26 on Linux). The gmp corpus's tens and
// hundreds of microseconds would fall on one tick, and most of the buggy
// programs would fail on the ordinary schedule. So the work whose
// overrunning is the bug is short, time.Sleep(10µs), and what it must not
// overrun is a millisecond or more away, in the gmp version's order: the
// explorer finds the bug on a schedule where a short sleep runs about a
// millisecond late, as sleeps do on a busy machine. (It does not stretch a
// sleep as it stretches gmp.Work: only the timer's slack, thread wake-ups
// and descheduling vary, so a window between two sleeps a millisecond apart
// is found in about one run in 10,000, some not in 50,000.) Where the gmp version's numbers
// already work in this model (the 100µs rate limit of receiver-closes, the
// 500µs before Stop in select-after-stop, waitgroup-negative's 200µs
// deadline) they are kept.
package corpus
