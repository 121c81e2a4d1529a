//go:build !amd64

package rt

import "runtime"

// fpcallers is the portable stand-in for the frame-pointer walk of
// callers_amd64.go: runtime.Callers, from the caller's caller.
//
//go:noinline
//go:norace
func fpcallers(buf []uintptr) int {
	return runtime.Callers(3, buf)
}

// callerpc returns the return PC into the function skip frames above its
// caller's caller (see callers_amd64.go).
//
//go:noinline
//go:norace
func callerpc(skip int) uintptr {
	var pcs [1]uintptr
	if runtime.Callers(skip+3, pcs[:]) == 0 {
		return 0
	}
	return pcs[0]
}
