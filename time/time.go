// Package time mirrors the standard time package on the simulated clock:
// Sleep, timers and tickers use virtual time inside gmp.Run. Duration,
// Time, Month and the other value types are the standard library's own
// (aliases), so simulated and ordinary code mix freely.
package time

import (
	stdtime "time"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/rt"
)

type (
	Duration = stdtime.Duration
	Time     = stdtime.Time
	Month    = stdtime.Month
	Weekday  = stdtime.Weekday
	Location = stdtime.Location
)

const (
	Nanosecond  = stdtime.Nanosecond
	Microsecond = stdtime.Microsecond
	Millisecond = stdtime.Millisecond
	Second      = stdtime.Second
	Minute      = stdtime.Minute
	Hour        = stdtime.Hour
)

// Sleep pauses the current goroutine for at least d of virtual time. A
// negative or zero duration returns at once, without yielding.
func Sleep(d Duration) {
	rt.Sleep(int64(d))
}

// Now returns the current virtual time.
func Now() Time {
	return gmp.Now()
}

// Since returns the virtual time elapsed since t.
func Since(t Time) Duration {
	return gmp.Now().Sub(t)
}

// Until returns the duration until t.
func Until(t Time) Duration {
	return t.Sub(gmp.Now())
}
