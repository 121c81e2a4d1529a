#include "textflag.h"

// func hostg() uintptr
// The current goroutine's g lives in register g (R28) on arm64.
TEXT ·hostg(SB),NOSPLIT|NOFRAME,$0-8
	MOVD	g, R0
	MOVD	R0, ret+0(FP)
	RET
