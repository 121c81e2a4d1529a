//go:build !race || !linux

package explore

// raceLog is the capture of the detector's reports (racelog_linux.go):
// elsewhere a race is found without its report, which stays on
// standard error.
type raceLog struct{}

//go:norace
func startRaceLog() *raceLog { return nil }

//go:norace
func (*raceLog) take() string { return "" }
