//go:build amd64 || arm64

package rt

// hostg returns an identity of the calling host goroutine: the address of
// its runtime g, read from the goroutine's own register or thread-local
// slot (hostg_*.s). It costs about a nanosecond, which is what lets every
// runtime call check that it comes from the simulated goroutine the
// scheduler is running (getg) rather than from a goroutine the program
// started with the go statement. The address is only compared, never
// dereferenced; a g is not freed while its goroutine lives, so two live
// goroutines never share one.
//
// On architectures without an assembly version it returns 0 and the check
// is skipped (hostg_other.go).
func hostg() uintptr
