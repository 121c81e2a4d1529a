package rt

// Internal reports whether e is a broken invariant of the simulator itself
// (a gmp bug) rather than a fatal error of the simulated program.
//
//go:norace
func (e *Fatal) Internal() bool { return e.internal }
