// This file is intentionally empty. Its presence lets the test files of
// this package declare body-less functions that are bound with
// //go:linkname to runtime.gopark and runtime.goready.
