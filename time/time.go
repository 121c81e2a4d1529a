// Package time mirrors the standard time package on the simulated clock.
// Inside gmp.Run, Now reads the virtual clock (which starts at gmp.Epoch),
// Sleep parks the goroutine on a runtime timer, and timers and tickers are
// the runtime's own: they live in the per-P timer heaps of the simulated
// runtime, are run by the scheduler (checkTimers in findRunnable, and by
// thieves on their last steal round), and a channel timer sits in a heap
// only while a goroutine is blocked on its channel — otherwise it fires
// lazily when the channel is received from, as in Go 1.23 and later.
//
// Duration, Time, Month, Location and the other value types, and the pure
// functions on them (Date, Unix, Parse, ParseDuration, …), are the
// standard library's own, so simulated and ordinary code mix freely.
//
// Timer.C and Ticker.C are simulated channels (gmp.Chan[Time]): receive
// with t.C.Recv() or in gmp.Select with t.C.RecvCase(). They behave as
// Go 1.23's synchronous timer channels: len and cap report 0, and no value
// from before a Stop or Reset is received after it returns. In Go they
// are receive-only; here the type cannot say so, but a program must not
// send on them or close them (a timer does not send on a closed channel).
//
// A Timer or Ticker belongs to the gmp.Run that created it: Stop or Reset
// in a later run panics.
//
// The functions that need the runtime panic when called outside gmp.Run.
package time

import (
	"math"
	stdtime "time"
	"unsafe"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/link"
	"github.com/gmplab/gmp/internal/rt"
)

// The standard library's value types.
type (
	Duration   = stdtime.Duration
	Time       = stdtime.Time
	Month      = stdtime.Month
	Weekday    = stdtime.Weekday
	Location   = stdtime.Location
	ParseError = stdtime.ParseError
)

// Common durations.
const (
	Nanosecond  = stdtime.Nanosecond
	Microsecond = stdtime.Microsecond
	Millisecond = stdtime.Millisecond
	Second      = stdtime.Second
	Minute      = stdtime.Minute
	Hour        = stdtime.Hour
)

// Layouts for Time.Format and Parse.
const (
	Layout      = stdtime.Layout
	ANSIC       = stdtime.ANSIC
	UnixDate    = stdtime.UnixDate
	RubyDate    = stdtime.RubyDate
	RFC822      = stdtime.RFC822
	RFC822Z     = stdtime.RFC822Z
	RFC850      = stdtime.RFC850
	RFC1123     = stdtime.RFC1123
	RFC1123Z    = stdtime.RFC1123Z
	RFC3339     = stdtime.RFC3339
	RFC3339Nano = stdtime.RFC3339Nano
	Kitchen     = stdtime.Kitchen
	Stamp       = stdtime.Stamp
	StampMilli  = stdtime.StampMilli
	StampMicro  = stdtime.StampMicro
	StampNano   = stdtime.StampNano
	DateTime    = stdtime.DateTime
	DateOnly    = stdtime.DateOnly
	TimeOnly    = stdtime.TimeOnly
)

// Months.
const (
	January   = stdtime.January
	February  = stdtime.February
	March     = stdtime.March
	April     = stdtime.April
	May       = stdtime.May
	June      = stdtime.June
	July      = stdtime.July
	August    = stdtime.August
	September = stdtime.September
	October   = stdtime.October
	November  = stdtime.November
	December  = stdtime.December
)

// Days of the week.
const (
	Sunday    = stdtime.Sunday
	Monday    = stdtime.Monday
	Tuesday   = stdtime.Tuesday
	Wednesday = stdtime.Wednesday
	Thursday  = stdtime.Thursday
	Friday    = stdtime.Friday
	Saturday  = stdtime.Saturday
)

// UTC and Local are the standard library's locations.
var (
	UTC   = stdtime.UTC
	Local = stdtime.Local
)

// Date returns the Time corresponding to yyyy-mm-dd hh:mm:ss + nsec
// nanoseconds in the appropriate zone for that time in the given
// location (time.Date).
//
//go:norace
func Date(year int, month Month, day, hour, min, sec, nsec int, loc *Location) Time {
	return stdtime.Date(year, month, day, hour, min, sec, nsec, loc)
}

// Unix returns the local Time corresponding to the given Unix time
// (time.Unix).
//
//go:norace
func Unix(sec int64, nsec int64) Time { return stdtime.Unix(sec, nsec) }

// UnixMilli returns the local Time corresponding to the given Unix time,
// msec milliseconds since January 1, 1970 UTC (time.UnixMilli).
//
//go:norace
func UnixMilli(msec int64) Time { return stdtime.UnixMilli(msec) }

// UnixMicro returns the local Time corresponding to the given Unix time,
// usec microseconds since January 1, 1970 UTC (time.UnixMicro).
//
//go:norace
func UnixMicro(usec int64) Time { return stdtime.UnixMicro(usec) }

// Parse parses a formatted string and returns the time value it
// represents (time.Parse).
//
//go:norace
func Parse(layout, value string) (Time, error) { return stdtime.Parse(layout, value) }

// ParseInLocation is like Parse but interprets a time without zone
// information in the given location (time.ParseInLocation).
//
//go:norace
func ParseInLocation(layout, value string, loc *Location) (Time, error) {
	return stdtime.ParseInLocation(layout, value, loc)
}

// ParseDuration parses a duration string such as "300ms" or "-1.5h"
// (time.ParseDuration).
//
//go:norace
func ParseDuration(s string) (Duration, error) { return stdtime.ParseDuration(s) }

// FixedZone returns a Location that always uses the given zone name and
// offset (seconds east of UTC) (time.FixedZone).
//
//go:norace
func FixedZone(name string, offset int) *Location { return stdtime.FixedZone(name, offset) }

// LoadLocation returns the Location with the given name
// (time.LoadLocation).
//
//go:norace
func LoadLocation(name string) (*Location, error) { return stdtime.LoadLocation(name) }

// LoadLocationFromTZData returns a Location with the given name,
// initialized from the IANA Time Zone database-formatted data
// (time.LoadLocationFromTZData).
//
//go:norace
func LoadLocationFromTZData(name string, data []byte) (*Location, error) {
	return stdtime.LoadLocationFromTZData(name, data)
}

// Sleep pauses the current goroutine for at least the duration d of
// virtual time. A negative or zero duration causes Sleep to return
// immediately, without yielding. The goroutine parks with wait reason
// "sleep"; its timer is armed on the P that parked it, and on Linux an
// otherwise idle program wakes from netpoll with epoll_wait's millisecond
// granularity — so a short Sleep takes about a millisecond, as in Go.
//
//go:norace
func Sleep(d Duration) {
	rt.Sleep(int64(d))
}

// Now returns the current virtual time.
//
//go:norace
func Now() Time {
	return gmp.Now()
}

// Since returns the virtual time elapsed since t. It is shorthand for
// time.Now().Sub(t).
//
//go:norace
func Since(t Time) Duration {
	return Now().Sub(t)
}

// Until returns the duration until t. It is shorthand for
// t.Sub(time.Now()).
//
//go:norace
func Until(t Time) Duration {
	return t.Sub(Now())
}

// when returns the virtual time, in ns, that is d from now; a negative d
// is ignored; an overflow gives MaxInt64. Models time.when (sleep.go).
// Deviation: the virtual clock starts at 0 and the runtime rejects a
// timer at 0, so a timer due "now" at instant 0 is due at 1 ns.
//
//go:norace
func when(d Duration) int64 {
	now := rt.RuntimeNanotime()
	if d <= 0 {
		return max(now, 1)
	}
	t := now + int64(d)
	if t < 0 {
		// N.B. now and d are always positive, so addition (including
		// overflow) will never result in t == 0.
		t = math.MaxInt64
	}
	return t
}

// The Timer type represents a single event. When the Timer expires, the
// current time will be sent on C, unless the Timer was created by
// AfterFunc. A Timer must be created with NewTimer or AfterFunc.
type Timer struct {
	C gmp.Chan[Time] // the channel on which the time is delivered
	r *rt.Timer
}

// NewTimer creates a new Timer that will send the current time on its
// channel after at least duration d.
//
// The channel is synchronous (as of Go 1.23): len(t.C) and cap(t.C) are 0,
// and the timer is in a P's timer heap only while some goroutine is
// blocked receiving from C; otherwise it fires when C is next received
// from. A receive after Stop or Reset returns never sees a value from
// before the call.
//
//go:norace
func NewTimer(d Duration) *Timer {
	c := gmp.MakeChan[Time](1)
	t := &Timer{C: c}
	t.r = rt.NewChanTimer(when(d), 0, link.ChanHchan(c), sendTime)
	return t
}

// Stop prevents the Timer from firing. It returns true if the call stops
// the timer, false if the timer has already expired or been stopped.
//
// For a func-based timer created with AfterFunc(d, f), if t.Stop returns
// false, then the timer has already expired and the function f has been
// started in its own goroutine; Stop does not wait for f to complete
// before returning.
//
// For a chan-based timer created with NewTimer(d), any receive from t.C
// after Stop has returned is guaranteed to block rather than receive a
// stale time value from before the Stop; if the program has not received
// from t.C already and the timer is running, Stop is guaranteed to return
// true.
//
//go:norace
func (t *Timer) Stop() bool {
	if t.r == nil {
		panic("time: Stop called on uninitialized Timer")
	}
	return t.r.Stop()
}

// Reset changes the timer to expire after duration d. It returns true if
// the timer had been active, false if the timer had expired or been
// stopped.
//
// For a func-based timer created with AfterFunc(d, f), Reset either
// reschedules when f will run, in which case Reset returns true, or
// schedules f to run again, in which case it returns false.
//
// For a chan-based timer created with NewTimer, any receive from t.C after
// Reset has returned is guaranteed not to receive a time value
// corresponding to the previous timer settings; if the program has not
// received from t.C already and the timer is running, Reset is guaranteed
// to return true.
//
//go:norace
func (t *Timer) Reset(d Duration) bool {
	if t.r == nil {
		panic("time: Reset called on uninitialized Timer")
	}
	w := when(d)
	return t.r.Reset(w, 0)
}

// sendTime does a non-blocking send of the current time on c. It runs
// where the timer fires: on the scheduler (findRunnable's or a thief's
// checkTimers) or in a goroutine about to receive from c (maybeRunChan).
// Models time.sendTime (sleep.go).
//
//go:norace
func sendTime(c *rt.Hchan, seq uintptr, delta int64) {
	// delta is how long ago the channel send was supposed to happen.
	// The current time can be arbitrarily far into the future, because
	// the runtime can delay a sendTime call until a goroutine tries to
	// receive from the channel. Subtract delta to go back to the old time
	// that we used to send.
	v := gmp.Epoch.Add(Duration(rt.Now() - delta))
	rt.TimerChanSend(c, seq, unsafe.Pointer(&v))
}

// After waits for the duration to elapse and then sends the current time
// on the returned channel. It is equivalent to NewTimer(d).C.
//
//go:norace
func After(d Duration) gmp.Chan[Time] {
	return NewTimer(d).C
}

// AfterFunc waits for the duration to elapse and then calls f in its own
// goroutine, started by the scheduler that runs the timer (so it goes to
// the runnext slot of that P). It returns a Timer that can be used to
// cancel the call using its Stop method. The returned Timer's C field is
// not used and will be nil.
//
//go:norace
func AfterFunc(d Duration, f func()) *Timer {
	return &Timer{r: rt.NewTimer(when(d), 0, goFunc, f)}
}

//go:norace
func init() {
	if rt.RaceEnabled {
		rt.TimerSpawn = goFuncStart
	}
}

// goFuncStart starts the host goroutine of a goroutine that goFunc
// started, under -race: the detector names it as the creator, where Go's
// names time.goFunc.
//
//go:norace
func goFuncStart(spawn func()) {
	go rt.CoroutineEntry()
	spawn()
}

// goFunc is the timer function of AfterFunc: go f(). Models time.goFunc.
//
//go:norace
func goFunc(arg any, seq uintptr, delta int64) {
	rt.TimerGo(arg.(func()), 1)
}

// A Ticker holds a channel that delivers “ticks” of a clock at intervals.
type Ticker struct {
	C gmp.Chan[Time] // The channel on which the ticks are delivered.
	r *rt.Timer
}

// NewTicker returns a new Ticker containing a channel that will send the
// current time on the channel after each tick. The period of the ticks is
// specified by the duration argument. The ticker will adjust the time
// interval or drop ticks to make up for slow receivers: after a late
// tick, the next one is due at when + period*(1+delay/period). The
// duration d must be greater than zero; if not, NewTicker will panic.
//
//go:norace
func NewTicker(d Duration) *Ticker {
	if d <= 0 {
		panic("non-positive interval for NewTicker")
	}
	// Give the channel a 1-element time buffer. If the client falls
	// behind while reading, we drop ticks on the floor until the client
	// catches up.
	c := gmp.MakeChan[Time](1)
	t := &Ticker{C: c}
	t.r = rt.NewChanTimer(when(d), int64(d), link.ChanHchan(c), sendTime)
	return t
}

// Stop turns off a ticker. After Stop, no more ticks will be sent. Stop
// does not close the channel, to prevent a concurrent goroutine reading
// from the channel from seeing an erroneous "tick".
//
//go:norace
func (t *Ticker) Stop() {
	if t.r == nil {
		// This is misuse, and the same for time.Timer would panic, but
		// this didn't always panic, and we keep it not panicking to
		// avoid breaking old programs. See issue 21874.
		return
	}
	t.r.Stop()
}

// Reset stops a ticker and resets its period to the specified duration.
// The next tick will arrive after the new period elapses. The duration d
// must be greater than zero; if not, Reset will panic.
//
//go:norace
func (t *Ticker) Reset(d Duration) {
	if d <= 0 {
		panic("non-positive interval for Ticker.Reset")
	}
	if t.r == nil {
		panic("time: Reset called on uninitialized Ticker")
	}
	t.r.Reset(when(d), int64(d))
}

// Tick is a convenience wrapper for NewTicker providing access to the
// ticking channel only. Unlike NewTicker, Tick will return nil if d <= 0.
//
//go:norace
func Tick(d Duration) gmp.Chan[Time] {
	if d <= 0 {
		return gmp.Chan[Time]{}
	}
	return NewTicker(d).C
}
