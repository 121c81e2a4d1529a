package context_test

import stdsync "sync"

// hostLog is a log the simulated goroutines of a test program append to.
// Under -race a switch between simulated goroutines publishes no
// happens-before edge, as between real goroutines, so a plain shared slice
// would be a data race; the host mutex orders the appends without the
// simulation seeing it (no virtual time, no event), and it is never
// contended: one simulated goroutine runs at a time, and none holds it
// across a gmp call.
type hostLog struct {
	mu stdsync.Mutex
	s  []string
}

func (l *hostLog) add(v string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s = append(l.s, v)
}

// get returns the log so far (a copy).
func (l *hostLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.s...)
}
