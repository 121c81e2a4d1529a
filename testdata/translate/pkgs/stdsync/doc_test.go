// Package sync_test holds Go's own tests of package sync (from the Go
// 1.26 source tree, src/sync; BSD license, see NOTICE.md), ported for
// translation with the fewest changes: the tests that reach into sync's
// internals (Runtime_Semacquire through export_test.go, the GC cleanup
// queue through linkname) are removed, and internal/testenv's helpers are
// replaced by os.Args[0]. gmp test runs them against gmp/sync.
package sync_test
