// Command pool runs a worker pool over a queue of jobs, one worker per
// CPU the Go runtime may use (GOMAXPROCS): each job waits for its input,
// as a request to a backend would, then checksums it. Every job is a
// runtime/trace task from the moment it is queued to the moment its
// result is recorded, with a region for each of its two steps, so an
// execution trace shows each job's latency and where it went.
package main

import (
	"context"
	"fmt"
	"hash/crc32"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

const (
	jobs    = 64
	size    = 4 << 10 // bytes of input per job
	rounds  = 8       // checksum passes over the input
	backlog = 16      // queued jobs at most
)

type job struct {
	id   int
	ctx  context.Context
	task *trace.Task
}

// fetch waits for the job's input, as a call to a backend would: between
// 1 and 3 ms, the same for the same job every time.
func fetch(ctx context.Context, id int) []byte {
	defer trace.StartRegion(ctx, "fetch").End()
	time.Sleep(time.Millisecond + time.Duration(id*7%5)*500*time.Microsecond)
	buf := make([]byte, size)
	for i := range buf {
		buf[i] = byte(id + i)
	}
	return buf
}

// process checksums the input, a fixed amount of CPU work.
func process(ctx context.Context, buf []byte) uint32 {
	defer trace.StartRegion(ctx, "process").End()
	var sum uint32
	for range rounds {
		sum = crc32.Update(sum, crc32.IEEETable, buf)
	}
	return sum
}

func main() {
	workers := runtime.GOMAXPROCS(0)
	queue := make(chan job, backlog)
	var (
		mu    sync.Mutex
		total uint32
		done  int
		wg    sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				sum := process(j.ctx, fetch(j.ctx, j.id))
				mu.Lock()
				total ^= sum
				done++
				mu.Unlock()
				j.task.End()
			}
		}()
	}
	for id := range jobs {
		ctx, task := trace.NewTask(context.Background(), "job")
		queue <- job{id: id, ctx: ctx, task: task}
	}
	close(queue)
	wg.Wait()
	fmt.Printf("%d jobs on %d workers: checksum %08x\n", done, workers, total)
}
