#include "textflag.h"

// func getcallerfp() unsafe.Pointer
// Returns the frame pointer of the calling Go function: with NOFRAME this
// function sets up no frame, so BP still holds the caller's.
TEXT ·getcallerfp(SB),NOSPLIT|NOFRAME,$0-8
	MOVQ	BP, ret+0(FP)
	RET
