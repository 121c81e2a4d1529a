// Package link connects gmp's public packages to each other's internals
// without exporting internal types: a package that owns a value registers
// a function here at init, and the packages that need it call it.
package link

import "github.com/gmplab/gmp/internal/rt"

// ChanHchan returns the runtime channel of a gmp.Chan[time.Time] (nil for
// a nil channel): gmp/time binds a timer to the channel of a Timer or
// Ticker, as the runtime's newTimer does. Set by package gmp.
var ChanHchan func(c any) *rt.Hchan

// Metrics is package metrics' reader of a finished run's metrics, a
// func(*rt.Result) []metrics.Sample (link cannot name that type: package
// metrics imports link). Set by package metrics; package gmp calls it to
// fill Result.Metrics.
var Metrics any

// SetChooser makes a *gmp.Config's run take its nondeterministic decisions
// from c (abstract: any runnable goroutine may run next). Set by package
// gmp; used by the explorer.
var SetChooser func(cfg any, c rt.Chooser, abstract bool)

// SetLean makes a *gmp.Config's run skip what only a person reads
// (Result.Metrics): the explorer's thousands of runs. Set by package gmp.
var SetLean func(cfg any)

// ExploreTarget makes a gmptest body the explorer's target, a
// func(name string, opts gmptest.Options, body func(*gmptest.T)) explore.Target
// (link cannot name those types). Set by package gmptest; gmp explore
// runs the corpus through it.
var ExploreTarget any

// RunHook is called, if set, by package gmp's Run with the *gmp.Config it
// was given, before Run checks it; the function it returns, if not nil, is
// called with the run's *gmp.Result and error when the run is over. Set by
// package gmprun in a command that gmp run translated, to give its one
// simulation the knobs and observers of gmp run's sweeps and outputs.
var RunHook func(cfg any) (after func(res any, err error))
