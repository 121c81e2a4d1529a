//go:build unix

package gotrace_test

import "syscall"

// cpuTime returns the process's CPU time (user and system, all threads)
// in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
