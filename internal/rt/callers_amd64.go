package rt

import "unsafe"

// Stack capture for events by walking frame pointers, as the Go 1.23+
// execution tracer does (runtime.fpTracebackPCs): on amd64 every Go frame
// saves its caller's frame pointer at [BP] and the return address at
// [BP+8], and a goroutine's outermost frame has a zero frame pointer. A walk
// costs a few ns per frame, against about 50 for runtime.Callers, which
// matters because tracing captures a stack on most events. The PCs are
// physical return addresses; runtime.CallersFrames expands the inlined
// frames behind each of them, exactly as it does for runtime.Callers.

// getcallerfp returns its caller's frame pointer (callers_amd64.s).
//
//go:noescape
func getcallerfp() unsafe.Pointer

// fpcallers fills buf with the return PCs of the calling goroutine's
// stack, starting with the return address into fpcallers' caller's
// caller, and returns how many it wrote.
//
//go:noinline
//go:norace
func fpcallers(buf []uintptr) int {
	fp := getcallerfp() // fpcallers' own frame
	n := 0
	for n < len(buf) && fp != nil {
		fp = *(*unsafe.Pointer)(fp) // the caller's frame
		if fp == nil {
			break
		}
		buf[n] = *(*uintptr)(unsafe.Add(fp, 8))
		n++
	}
	return n
}

// callerpc returns the return PC into the function skip frames above its
// caller's caller: callerpc(0) called by F is the PC in F's caller where
// it called F (what runtime.Callers(2, …) gives F, without the unwinder's
// cost). The frames walked must be physical: callers keep the functions
// between them and the frame they want from being inlined.
//
//go:noinline
//go:norace
func callerpc(skip int) uintptr {
	fp := getcallerfp()         // callerpc's frame
	fp = *(*unsafe.Pointer)(fp) // its caller's
	for ; skip > 0 && fp != nil; skip-- {
		fp = *(*unsafe.Pointer)(fp)
	}
	if fp == nil {
		return 0
	}
	return *(*uintptr)(unsafe.Add(fp, 8))
}
