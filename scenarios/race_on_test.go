//go:build race

package scenarios_test

// raceBuild: under -race the scenarios leave out the variants that
// demonstrate a data race (the detector would report them).
const raceBuild = true
