package calibrate

// procyield executes the PAUSE instruction n times in a tight loop. It is
// the same loop as runtime·procyield in runtime/asm_amd64.s, the spin that
// sync.Mutex runs (procyield(30)) between attempts to acquire the lock.
//
//go:noescape
func procyield(n uint32)

// pauseIsNative reports whether procyield executes a real PAUSE
// instruction (true on amd64).
const pauseIsNative = true
