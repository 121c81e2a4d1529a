//go:build race

package scenarios

// raceEnabled: the race detector randomizes runnext in the real runtime,
// so native orders are not comparable.
const raceEnabled = true
