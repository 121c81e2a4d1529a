package scenarios

import "sync"

// hostMutex is the host's sync.Mutex, for the files of this package that
// import gmp/sync as sync: it guards state several simulated goroutines
// share without the simulation seeing it (see internal/hostlog).
type hostMutex = sync.Mutex

// hostFirst records which of several simulated goroutines arrived first,
// under a host lock (see internal/hostlog).
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
