package explore

import "time"

// SetHangTimeout sets how long a worker may make no progress, and returns
// a function that restores it.
func SetHangTimeout(d time.Duration) func() {
	old := hangTimeout
	hangTimeout = d
	return func() { hangTimeout = old }
}
