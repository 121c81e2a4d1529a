package sync

import stdsync "sync"

// Map is the standard library's sync.Map. Its operations never block a
// goroutine (they use atomics and a mutex held only across memory
// operations), so on the simulated runtime they run as they are and take
// no virtual time.
type Map = stdsync.Map

// Pool is the standard library's sync.Pool. It never blocks and takes no
// virtual time. Note that the simulated program has no garbage collector
// of its own: the real one may empty the pool at any time, as it may in a
// real program.
type Pool = stdsync.Pool
