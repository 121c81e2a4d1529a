// Package observe defines what a simulated run looks like from outside: the
// typed event stream the runtime emits (Event, Kind), the interfaces that
// consume it (Observer, Subscriber, StackObserver), the snapshots an
// observer can take of the scheduler (SchedState, Goroutine), and the
// histogram the run's statistics use (Histogram).
//
// An observer is any value with an Event method, attached to a run with
// gmp.Config.Observers:
//
//	type blocked struct{ since, total map[int64]int64 }
//
//	func (b *blocked) Kinds() observe.KindSet {
//		return observe.KindsOf(observe.GoBlock, observe.GoUnblock)
//	}
//
//	func (b *blocked) Event(ev *observe.Event) {
//		switch ev.Kind {
//		case observe.GoBlock:
//			b.since[ev.G] = ev.Time
//		case observe.GoUnblock:
//			b.total[ev.G] += ev.Time - b.since[ev.G]
//		}
//	}
//
// The runtime calls observers synchronously, one event at a time, in the
// order things happen, and never from two goroutines at once; an observer
// needs no locking. From inside Event an observer may call gmp.Sched and
// gmp.Goroutines to look at the whole scheduler.
//
// The subpackages gotrace (Go execution traces), perfetto (Perfetto's
// protobuf format, or Chrome trace-event JSON), pprof (profiles) and
// schedtrace (GODEBUG=schedtrace text) are observers that write the
// stream in other formats; metrics
// reports a run's counters under Go's runtime/metrics names.
package observe

// Observer consumes the runtime's event stream. Event is called for every
// event (or, if the Observer is also a Subscriber, for every event of the
// kinds it subscribes to). The *Event is only valid during the call: the
// runtime reuses it, so copy what you keep, Stack included.
type Observer interface {
	Event(ev *Event)
}

// Subscriber is an Observer that receives only the kinds of event it names.
// Kinds is called once, when the run starts. The runtime skips building the
// events nobody subscribed to, so an observer that needs a few kinds costs
// the run only those.
type Subscriber interface {
	Observer
	Kinds() KindSet
}

// StackObserver is an Observer that also wants goroutine stacks (Event.Stack)
// on the events that have them. Capturing a stack costs a stack walk per
// event, so the runtime captures them only if some observer wants them.
type StackObserver interface {
	Observer
	WantStacks() bool
}
