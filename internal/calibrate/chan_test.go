package calibrate

// Channel benchmarks: cost-model entries ChanSendBuf, ChanRecvBuf,
// ChanClose, Select2Ready, SelectTryFail (the unbuffered handoff is
// BenchmarkChanPingPong in goroutine_test.go).

import (
	"testing"
	"time"
)

// chanBatch is the batch size of the phase-timed channel benchmarks.
const chanBatch = 1024

// BenchmarkChanBuffered measures send and receive on a buffered channel
// that never blocks (chansend/chanrecv fast path: lock, typedmemmove into
// or out of the ring, unlock). Each iteration fills a cap-1024 channel
// (timed as ns/send) and drains it (ns/recv); ns/op is per batch.
// ns/send-recv-pair from the "pair" sub-benchmark is one send immediately
// followed by one receive on a cap-1 channel.
func BenchmarkChanBuffered(b *testing.B) {
	b.Run("batch", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		c := make(chan int, chanBatch)
		var send, recv time.Duration
		for b.Loop() {
			t0 := time.Now()
			for i := range chanBatch {
				c <- i
			}
			t1 := time.Now()
			for range chanBatch {
				<-c
			}
			t2 := time.Now()
			send += t1.Sub(t0)
			recv += t2.Sub(t1)
		}
		perOp(b, send, b.N*chanBatch, "ns/send")
		perOp(b, recv, b.N*chanBatch, "ns/recv")
	})
	b.Run("pair", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		c := make(chan int, 1)
		for b.Loop() {
			c <- 1
			<-c
		}
		perLoop(b, 2, "ns/chanop")
	})
}

// BenchmarkChanClose measures close(c) of an unbuffered channel with no
// waiters (closechan: lock, set closed, walk the empty recvq/sendq,
// unlock). Channels are made in an untimed phase; ns/close is the cost
// model value. ns/op is per batch. "make" reports makechan for reference.
func BenchmarkChanClose(b *testing.B) {
	b.Run("close", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		cs := make([]chan int, chanBatch)
		var closing time.Duration
		for b.Loop() {
			for i := range cs {
				cs[i] = make(chan int)
			}
			t0 := time.Now()
			for _, c := range cs {
				close(c)
			}
			closing += time.Since(t0)
		}
		perOp(b, closing, b.N*chanBatch, "ns/close")
	})
	b.Run("make", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		var c chan int
		for b.Loop() {
			c = make(chan int)
		}
		_ = c
	})
}

// BenchmarkChanSelect measures a two-case select in which both cases are
// ready (selectgo: random poll order, lock order sort, lock both, pick,
// unlock both):
//
//   - closed: receive from two closed channels. Nothing is consumed, so
//     the loop is the select alone. This is the Select2Ready entry.
//   - buffered: receive from two cap-1 channels that each hold a value;
//     the consumed one is refilled with a buffered send, so subtract one
//     ns/send of BenchmarkChanBuffered.
func BenchmarkChanSelect(b *testing.B) {
	b.Run("closed", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		c1, c2 := make(chan int), make(chan int)
		close(c1)
		close(c2)
		for b.Loop() {
			select {
			case <-c1:
			case <-c2:
			}
		}
	})
	b.Run("buffered", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		c1, c2 := make(chan int, 1), make(chan int, 1)
		c1 <- 1
		c2 <- 2
		for b.Loop() {
			select {
			case v := <-c1:
				c1 <- v
			case v := <-c2:
				c2 <- v
			}
		}
	})
}

// BenchmarkChanTry measures a non-blocking select that fails: a send on a
// full channel and a receive on an empty one. Both are decided by the
// lock-free check at the top of chansend/chanrecv (no lock taken). This is
// the SelectTryFail entry.
func BenchmarkChanTry(b *testing.B) {
	b.Run("send-full", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		c := make(chan int, 1)
		c <- 1
		for b.Loop() {
			select {
			case c <- 2:
				b.Fatal("send succeeded")
			default:
			}
		}
	})
	b.Run("recv-empty", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		c := make(chan int, 1)
		for b.Loop() {
			select {
			case <-c:
				b.Fatal("recv succeeded")
			default:
			}
		}
	})
	b.Run("recv-empty-unbuffered", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		c := make(chan int)
		for b.Loop() {
			select {
			case <-c:
				b.Fatal("recv succeeded")
			default:
			}
		}
	})
}
