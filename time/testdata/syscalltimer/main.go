// Command syscalltimer is run by gmp/time's tests on the real runtime with
// GOMAXPROCS=1: main blocks in a 50 ms system call (nanosleep) while an
// AfterFunc timer on the only P is due after 1 ms. sysmon retakes the P
// from the syscalling thread and hands it off, and the timer fires on
// time. The program prints when the timer's function ran, in ms.
package main

import (
	"fmt"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	start := time.Now()
	var at atomic.Int64
	time.AfterFunc(time.Millisecond, func() { at.Store(int64(time.Since(start))) })
	ts := syscall.NsecToTimespec(int64(50 * time.Millisecond))
	syscall.Nanosleep(&ts, nil)
	fmt.Printf("%.1f\n", float64(at.Load())/1e6)
}
