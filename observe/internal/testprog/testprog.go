// Package testprog holds the simulated programs the output packages'
// tests run: between them they reach every event the runtime emits —
// channels, select, the sync primitives, timers, the netpoller, blocking
// syscalls and their P hand-off, preemption, GOMAXPROCS changes (a
// stop-the-world), Goexit, user logs — and every way a run ends: exit,
// leaked goroutines, deadlock and panic.
package testprog

import (
	"runtime"
	"time"

	"github.com/gmplab/gmp"
	gsync "github.com/gmplab/gmp/sync"
	gtime "github.com/gmplab/gmp/time"
)

// Program is a simulated program.
type Program struct {
	Name string
	Main func()
	// End is how the run ends: "exit", "deadlock" or "panic".
	End string
	// Funcs are functions of this package that profiles of the run must
	// show (e.g. the one that burns CPU), by unqualified name.
	Funcs []string
}

// Pkg is this package's import path, the prefix of its function names.
const Pkg = "github.com/gmplab/gmp/observe/internal/testprog"

// All returns the programs.
func All() []Program {
	return []Program{
		{Name: "mixed", Main: Mixed, End: "exit", Funcs: []string{"cruncher", "locker", "pingPong"}},
		{Name: "syscalls", Main: Syscalls, End: "exit", Funcs: []string{"syscaller"}},
		{Name: "gomaxprocs", Main: Gomaxprocs, End: "exit", Funcs: []string{"spinner"}},
		{Name: "deadlock", Main: Deadlock, End: "deadlock", Funcs: []string{"stuckReceiver"}},
		{Name: "panic", Main: Panic, End: "panic", Funcs: []string{"panicker"}},
	}
}

// Mixed exercises most of the runtime at once.
func Mixed() {
	gmp.Log("phase", "start")
	var wg gsync.WaitGroup
	var mu gsync.Mutex
	total := 0
	for i := range 4 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			locker(&mu, &total, i)
		})
	}
	ping, pong := gmp.MakeChan[int](0), gmp.MakeChan[int](0)
	gmp.Go(func() { pingPong(ping, pong, 20) })
	for i := range 20 {
		ping.Send(i)
		pong.Recv()
	}
	// Buffered channel, select with a timer, a Cond.
	results := gmp.MakeChan[int](3)
	for i := range 3 {
		gmp.Go(func() { cruncher(results, i) })
	}
	timeout := gtime.After(5 * time.Millisecond)
	got := 0
	for got < 3 {
		switch gmp.Select(results.RecvCase(), timeout.RecvCase()) {
		case 0:
			got++
		case 1:
			got = 3
		}
	}
	var cmu gsync.Mutex
	cond := gsync.NewCond(&cmu)
	ready := false
	gmp.Go(func() {
		gtime.Sleep(200 * time.Microsecond)
		cmu.Lock()
		ready = true
		cond.Broadcast()
		cmu.Unlock()
	})
	cmu.Lock()
	for !ready {
		cond.Wait()
	}
	cmu.Unlock()
	// Network waits, a Goexit, Gosched, syscalls.
	for i := range 3 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			gmp.NetWait(time.Duration(i+1) * 300 * time.Microsecond)
		})
	}
	wg.Add(1)
	gmp.Go(func() {
		defer wg.Done()
		gmp.Gosched()
		runtime.Goexit()
	})
	gmp.Syscall(20 * time.Microsecond)
	gmp.Syscall(15 * time.Millisecond)
	wg.Wait()
	gmp.Log("phase", "done")
}

func locker(mu *gsync.Mutex, total *int, i int) {
	for range 5 {
		mu.Lock()
		gmp.Work(time.Duration(20+i) * time.Microsecond)
		*total++
		mu.Unlock()
		gmp.Work(5 * time.Microsecond)
	}
}

func pingPong(ping, pong gmp.Chan[int], n int) {
	for range n {
		v := ping.Recv()
		gmp.Work(time.Microsecond)
		pong.Send(v)
	}
}

func cruncher(out gmp.Chan[int], i int) {
	gmp.Work(time.Duration(i+1) * 12 * time.Millisecond) // long enough to be preempted
	out.Send(i)
}

// Syscalls makes many blocking syscalls of every length on two Ps: short
// ones keep their P, long ones lose it to sysmon's retake, and threads
// leaving a syscall take idle Ps or steal their old P back.
func Syscalls() {
	gmp.GOMAXPROCS(2)
	var wg gsync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			syscaller(i)
		})
	}
	wg.Wait()
}

func syscaller(i int) {
	for j := range 6 {
		gmp.Work(time.Duration(10+i*j) * time.Microsecond)
		d := time.Duration((i*7+j*3)%11) * time.Millisecond / 4
		gmp.Syscall(d)
	}
}

// Gomaxprocs changes GOMAXPROCS up and down while goroutines run and make
// syscalls, each change a stop-the-world.
func Gomaxprocs() {
	var wg gsync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		gmp.Go(func() {
			defer wg.Done()
			spinner(i)
		})
	}
	for _, n := range []int{2, 5, 1, 3} {
		gtime.Sleep(700 * time.Microsecond)
		gmp.GOMAXPROCS(n)
	}
	wg.Wait()
}

func spinner(i int) {
	for j := range 8 {
		gmp.Work(time.Duration(100+50*i) * time.Microsecond)
		if j%3 == i%3 {
			gmp.Syscall(time.Duration(j) * 100 * time.Microsecond)
		}
	}
}

// Deadlock ends in "all goroutines are asleep - deadlock!" with goroutines
// blocked in several ways.
func Deadlock() {
	c := gmp.MakeChan[int](0)
	var mu gsync.Mutex
	mu.Lock()
	for i := range 3 {
		gmp.Go(func() { stuckReceiver(c, i) })
	}
	gmp.Go(func() { mu.Lock() })
	gmp.Work(50 * time.Microsecond)
	c.Send(1) // one receiver takes it
	gmp.MakeChan[int](0).Recv()
}

func stuckReceiver(c gmp.Chan[int], i int) {
	gmp.Work(time.Duration(i+1) * 30 * time.Microsecond)
	c.Recv()
	c.Recv()
}

// Panic ends with a goroutine's unrecovered panic while others run, sleep
// and block.
func Panic() {
	c := gmp.MakeChan[int](0)
	gmp.Go(func() { c.Recv() })
	gmp.Go(func() { gmp.Work(3 * time.Millisecond) })
	gmp.Go(func() { gtime.Sleep(time.Second) })
	gmp.Go(panicker)
	gtime.Sleep(10 * time.Millisecond)
}

func panicker() {
	gmp.Work(500 * time.Microsecond)
	gmp.Syscall(time.Millisecond)
	panic("testprog: boom")
}

// Configs are the configurations each program runs under in tests.
func Configs() []Config {
	return []Config{
		{Name: "procs4", Config: gmp.Config{Procs: 4, Seed: 1}},
		{Name: "procs1", Config: gmp.Config{Procs: 1, Seed: 2}},
		{Name: "coop", Config: gmp.Config{Procs: 3, Seed: 3, Preempt: gmp.PreemptCooperative}},
		{Name: "go1.25", Config: gmp.Config{Procs: 4, Seed: 4, Version: "go1.25"}},
		{Name: "go1.24", Config: gmp.Config{Procs: 2, Seed: 5, Version: "go1.24"}},
		{Name: "wasm", Config: gmp.Config{Seed: 6, Preset: "wasm"}},
	}
}

// Config is a named configuration.
type Config struct {
	Name   string
	Config gmp.Config
}
