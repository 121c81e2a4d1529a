#include "textflag.h"

// func hostg() uintptr
// Loads the current goroutine's g from thread-local storage, as the
// runtime's get_tls/g macros do.
TEXT ·hostg(SB),NOSPLIT|NOFRAME,$0-8
	MOVQ	(TLS), AX
	MOVQ	AX, ret+0(FP)
	RET
