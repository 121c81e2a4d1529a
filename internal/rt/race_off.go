//go:build !race

package rt

import (
	"iter"
	"unsafe"
)

// raceBuild is true in a -race build (see race_on.go).
const raceBuild = false

// RaceEnabled is true in a -race build (see race_on.go).
const RaceEnabled = false

//go:norace
func raceErrors() int { return 0 }

//go:norace
func raceDisable() {}

//go:norace
func raceEnable() {}

// Without -race there are no edges to publish (race_on.go).
type (
	raceCtx struct{}
	//lint:ignore U1000 Hchan.race holds the channel's sync objects under -race
	raceChan struct{}
	//lint:ignore U1000 timer.race holds the timer's sync object under -race
	raceTimer struct{}
)

//go:norace
func racegostart(*g) {}

//go:norace
func racegoentry(*g) {}

//go:norace
func racepark(*g) {}

//go:norace
func racewake(*g) {}

//go:norace
func racemergeg(*g) {}

//go:norace
func raceacquirechan(*Hchan) {}

//go:norace
func racereleasechan(*Hchan) {}

//go:norace
func racesync(*Hchan, *sudog) {}

//go:norace
func racenotify(*Hchan, uint, *sudog) {}

//go:norace
func racegostarttimer(*g, *timer) {}

//go:norace
func raceacquirerunend() {}

//go:norace
func racetimerset(*timer) {}

//go:norace
func racetimerrun(*timer) {}

//go:norace
func racetimerrunning() *timer { return nil }

//go:norace
func racenotifytimer(*Hchan, uint, *sudog, *timer) {}

// newCoroutine is iter.Pull: a host coroutine running body(c, yield).
// There is no spawn function: iter.Pull starts the coroutine itself.
//
//go:norace
func newCoroutine(c *coro, body func(c *coro, yield func(struct{}) bool)) (resume func() (struct{}, bool), stop func(), spawn func()) {
	resume, stop = iter.Pull(func(yield func(struct{}) bool) { body(c, yield) })
	return resume, stop, nil
}

// CoroutineEntry is the host goroutine function of a -race build
// (race_on.go); it is never called otherwise.
//
//go:norace
func CoroutineEntry() { panic("gmp: CoroutineEntry outside a -race build") }

// The detector's interface for the public packages (race_on.go).

//go:norace
func RaceAcquire(unsafe.Pointer) {}

//go:norace
func RaceRelease(unsafe.Pointer) {}

//go:norace
func RaceReleaseMerge(unsafe.Pointer) {}

//go:norace
func RaceRead(unsafe.Pointer) {}

//go:norace
func RaceWrite(unsafe.Pointer) {}

//go:norace
func RaceDisable() {}

//go:norace
func RaceEnable() {}

//go:norace
func racespawn(*g, *coro) {}

//go:norace
func takePreparedMain(*g) {}

//go:norace
func dropPreparedMain() {}

// TimerSpawn and PrepareMain are -race only (race_on.go).
var TimerSpawn func(spawn func())

//go:norace
func PrepareMain() (spawn func()) { return nil }

const haltOnRace = false

var raceErrorsAtStart int

//go:norace
func racecheck(*g) {}

//go:norace
func raceinit(bool) {}

// raceString is s (race_on.go copies it).
//
//go:norace
func raceString(s string) string { return s }
