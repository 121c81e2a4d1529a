//go:build !amd64 && !arm64

package rt

// hostg has no portable implementation: 0 for every goroutine disables
// getg's check that a runtime call comes from the running simulated G.
//
//go:norace
func hostg() uintptr { return 0 }
