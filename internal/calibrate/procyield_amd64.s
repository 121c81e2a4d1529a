#include "textflag.h"

// func procyield(n uint32)
// Identical to runtime·procyield in runtime/asm_amd64.s.
TEXT ·procyield(SB),NOSPLIT,$0-4
	MOVL	n+0(FP), AX
	TESTL	AX, AX
	JZ	done
again:
	PAUSE
	SUBL	$1, AX
	JNZ	again
done:
	RET
