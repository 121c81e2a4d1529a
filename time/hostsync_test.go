package time_test

import stdsync "sync"

// hostLog is a log the simulated goroutines of a test program append to.
// Under -race a switch between simulated goroutines publishes no
// happens-before edge, as between real goroutines, so a plain shared slice
// would be a data race; the host mutex orders the appends without the
// simulation seeing it (no virtual time, no event), and it is never
// contended: one simulated goroutine runs at a time, and none holds it
// across a gmp call.
type hostLog[T any] struct {
	mu stdsync.Mutex
	s  []T
}

// add appends v and returns the log's new length.
func (l *hostLog[T]) add(v T) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s = append(l.s, v)
	return len(l.s)
}

// get returns the log so far (a copy).
func (l *hostLog[T]) get() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.s...)
}
