// Package outcomes has tests that pass, fail, leak, deadlock, panic, skip
// and time out, to check how gmp test reports each.
package outcomes

// Wait blocks until c delivers.
func Wait(c chan int) int { return <-c }
