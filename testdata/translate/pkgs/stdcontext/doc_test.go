// Package context_test holds Go's own external tests of package context
// (from the Go 1.26 source tree, src/context; BSD license, see NOTICE.md),
// ported for translation with the fewest changes: the four tests that
// call into context's internals (XTest… in its internal test file) are
// removed, and internal/asan's check is false. gmp test runs them against
// gmp/context.
package context_test
