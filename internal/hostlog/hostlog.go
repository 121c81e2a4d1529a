// Package hostlog is a log that several simulated goroutines append to,
// ordered by a host mutex the simulation does not see: for tests and
// scenarios that record what their goroutines did.
//
// Under -race a switch between simulated goroutines publishes no
// happens-before edge, as between real goroutines, so a plain shared
// slice would be a data race. The mutex orders the appends without
// costing virtual time or making an event, and it is never contended:
// one simulated goroutine runs at a time, and none holds it across a gmp
// call.
package hostlog

import "sync"

// A Log is a slice of T appended to under a host mutex. The zero value
// is an empty log.
type Log[T any] struct {
	mu sync.Mutex
	s  []T
}

// Add appends v and returns the log's new length.
func (l *Log[T]) Add(v T) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s = append(l.s, v)
	return len(l.s)
}

// Get returns the log so far (a copy).
func (l *Log[T]) Get() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.s...)
}

// Reset empties the log.
func (l *Log[T]) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s = nil
}
