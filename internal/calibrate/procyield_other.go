//go:build !amd64

package calibrate

import "sync/atomic"

var spinSink atomic.Uint32

// procyield is a portable stand-in for the runtime's spin-wait loop. It
// does not execute the architecture's spin hint, so it measures only loop
// overhead; use the runtime's documented spin cost for such architectures.
//
//go:noinline
func procyield(n uint32) {
	for i := uint32(0); i < n; i++ {
		spinSink.Add(0)
	}
}

// pauseIsNative reports whether procyield executes a real PAUSE
// instruction (false off amd64).
const pauseIsNative = false
