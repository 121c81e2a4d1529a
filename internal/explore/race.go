package explore

import (
	"fmt"
	"strings"

	"github.com/gmplab/gmp/internal/racereport"
	"github.com/gmplab/gmp/internal/rt"
)

// Data races as one more oracle (a -race build of the explorer).
//
// Every run stops at the detector's first report (Config.HaltOnRace, Go's
// GORACE=halt_on_error=1 for one simulation), and the report the detector
// printed is taken from the process's standard error (raceLog) into the
// Outcome: its two accesses' program lines are the signature, so the
// same race found through different schedules is one finding, and a
// different racing pair another.
//
// The detector reports a race whose pair of stacks it has reported
// before only once per process (its suppress_equal_stacks), so replaying
// or shrinking a race in the process that found it would see nothing.
// Under -race the explorer therefore runs in worker processes started
// with suppression off (raceWorkerEnv), even with one worker.

// raceOn is true in a -race build.
const raceOn = rt.RaceEnabled

// RaceBuild is true in a -race build: only there can a data race be
// found, or a failure file of one be replayed.
const RaceBuild = raceOn

// replayCommand is o.Replay for the failure file at path; a data race
// replays only in a -race build, which the command asks for.
//
//go:norace
func replayCommand(o *Options, k Kind, path string) string {
	cmd := fmt.Sprintf(o.Replay, path)
	if k != Race {
		return cmd
	}
	for _, p := range []string{"go test ", "gmp test "} {
		if strings.HasPrefix(cmd, p) {
			return p + "-race " + cmd[len(p):]
		}
	}
	return cmd + " (with a -race build of gmp: go run -race ./cmd/gmp …)"
}

// raceWorkerEnv is the environment a worker process gets under -race:
// the user's GORACE, with reports of an already-reported pair kept.
//
//go:norace
func raceWorkerEnv(gorace string) string {
	return "GORACE=" + strings.TrimSpace(gorace+" suppress_equal_stacks=0 suppress_equal_addresses=0")
}

// raceSignature is a race's signature: the program lines of its two
// accesses (racereport's Report.Signature), as the other kinds name their
// sites.
//
//go:norace
func raceSignature(report string) string {
	if reps := racereport.Parse(report); len(reps) > 0 {
		return reps[0].Signature()
	}
	return "data race"
}
