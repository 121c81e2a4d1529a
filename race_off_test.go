//go:build !race

package gmp_test

const raceEnabled = false
