//go:build !unix

package gotrace_test

// cpuTime returns 0: the benchmarks report CPU time on unix only.
func cpuTime() int64 { return 0 }
