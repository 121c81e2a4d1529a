//go:build !amd64

package rt

import "runtime"

// fpcallers is the portable stand-in for the frame-pointer walk of
// callers_amd64.go: runtime.Callers, from the caller's caller.
//
//go:noinline
func fpcallers(buf []uintptr) int {
	return runtime.Callers(3, buf)
}
