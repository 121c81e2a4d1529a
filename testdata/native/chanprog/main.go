// Command chanprog interprets a small channel program (see
// internal/chanprog) on the real runtime, so gmp's tests can compare the
// order of channel operations with the simulator's on the same program.
//
// Usage: chanprog PROGRAM. It writes the log of completed operations as
// they complete, with raw write system calls that do not enter the
// scheduler (RawSyscall skips entersyscall), so that logging cannot
// change the schedule. A program that deadlocks ends with the runtime's
// own fatal error.
package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"

	"github.com/gmplab/gmp/internal/chanprog"
)

func logEntry(s string) {
	b := []byte(s + " ")
	syscall.RawSyscall(syscall.SYS_WRITE, 1, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
}

func main() {
	prog, err := chanprog.Parse(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	chans := make([]chan int, len(prog.Caps))
	for i, c := range prog.Caps {
		chans[i] = make(chan int, c)
	}
	done := make(chan struct{})
	left := len(prog.Gs)
	for gi, ops := range prog.Gs {
		go func() {
			for _, op := range ops {
				switch op.Kind {
				case chanprog.Send:
					chans[op.Ch] <- op.Val
					logEntry(chanprog.Entry(gi, op, op.Val, true))
				case chanprog.Recv:
					v, ok := <-chans[op.Ch]
					logEntry(chanprog.Entry(gi, op, v, ok))
				case chanprog.Close:
					close(chans[op.Ch])
					logEntry(chanprog.Entry(gi, op, 0, true))
				case chanprog.Yield:
					runtime.Gosched()
				}
			}
			left--
			if left == 0 {
				close(done)
			}
		}()
	}
	<-done
}
