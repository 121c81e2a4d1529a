package scenarios

import "sync"

// hostLog is a log that several simulated goroutines of a scenario's
// program append to. Under -race a switch between simulated goroutines
// publishes no happens-before edge, as between real goroutines, so a plain
// shared slice would be a data race; the host mutex orders the appends
// without the simulation seeing it (no virtual time, no event), and it is
// never contended: one simulated goroutine runs at a time, and none holds
// it across a gmp call.
type hostLog[T any] struct {
	mu sync.Mutex
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

// hostMutex is the host's sync.Mutex, for the files of this package that
// import gmp/sync as sync: it guards state several simulated goroutines
// share without the simulation seeing it (see hostLog).
type hostMutex = sync.Mutex

// hostFirst records which of several simulated goroutines arrived first,
// under a host lock (see hostLog).
type hostFirst struct {
	mu  sync.Mutex
	who string
}

// arrive records who, unless another arrived before.
func (f *hostFirst) arrive(who string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.who == "" {
		f.who = who
	}
}

// get returns the first to arrive, "" if none did.
func (f *hostFirst) get() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.who
}
