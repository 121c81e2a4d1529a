//go:build !race

package rt

// raceBuild is true in a -race build (see race_on.go).
const raceBuild = false
