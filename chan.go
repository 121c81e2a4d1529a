package gmp

import (
	"iter"
	"time"
	"unsafe"

	"github.com/gmplab/gmp/internal/link"
	"github.com/gmplab/gmp/internal/rt"
)

// Chan is a simulated channel of T: chan T is Chan[T], make(chan T, n) is
// MakeChan[T](n). Like a Go channel it is a reference value: copies refer
// to the same channel, == reports whether two values are the same channel,
// and the zero value is a nil channel (sends and receives block forever,
// Close panics). Its operations follow chan.go exactly — the buffer ring
// with qcount/sendx/recvx, FIFO queues of waiting senders and receivers,
// direct hand-off to a waiting receiver (which is readied into the
// sender's P's runnext), and Go's panics.
type Chan[T any] struct {
	c *chanObj[T]
}

// chanObj is one channel: the runtime's hchan and the elements — the buffer
// ring and a pool of cells that carry one value each for the duration of
// an operation (see rt.ChanOps).
//
// A buffer of more than flatBuf elements is allocated a chunk at a time as
// the ring reaches it, and a chunk is freed once the ring has drained it:
// make(chan T, 1<<40) is valid Go, and a program that never fills such a
// channel must not need its whole buffer on the host.
type chanObj[T any] struct {
	h      rt.Hchan
	buf    []T                        // the ring, if size ≤ flatBuf
	chunks *rt.Table[uint, *chunk[T]] // the ring's allocated chunks, if larger
	cells  []*T
}

// A chunk holds chunkLen slots of a large ring and counts those in use.
type chunk[T any] struct {
	used int
	vals [chunkLen]T
}

const (
	flatBuf  = 1 << 16
	chunkLen = 1 << 12
)

// slot returns buffer slot i, allocating its chunk if need be.
//
//go:norace
func (c *chanObj[T]) slot(i uint) *T {
	if c.chunks == nil {
		return &c.buf[i]
	}
	k := i / chunkLen
	ck, _ := c.chunks.Get(k)
	if ck == nil {
		ck = new(chunk[T])
		c.chunks.Put(k, ck)
	}
	return &ck.vals[i%chunkLen]
}

// hashIndex hashes a chunk index for chanObj.chunks.
//
//go:norace
func hashIndex(k uint) uint64 { return rt.HashWord(uint64(k)) }

// MakeChan returns a new channel with a buffer of size elements, like
// make(chan T, size). It panics with "makechan: size out of range" if size
// is negative or the buffer would exceed what Go can allocate.
//
//go:norace
func MakeChan[T any](size int) Chan[T] {
	var zero T
	rt.CheckMakeChan(size, unsafe.Sizeof(zero))
	c := &chanObj[T]{}
	rt.InitChan(&c.h, c, size, unsafe.Sizeof(zero))
	switch {
	case unsafe.Sizeof(zero) == 0:
		c.buf = make([]T, size) // no memory, whatever the size
	case size > flatBuf:
		c.chunks = &rt.Table[uint, *chunk[T]]{Hash: hashIndex}
	case size > 0:
		c.buf = make([]T, size)
	}
	return Chan[T]{c}
}

//go:norace
func (c *chanObj[T]) get() *T {
	if n := len(c.cells); n > 0 {
		p := c.cells[n-1]
		c.cells = c.cells[:n-1]
		return p
	}
	return new(T)
}

//go:norace
func (c *chanObj[T]) put(p *T) {
	var zero T
	*p = zero
	c.cells = append(c.cells, p)
}

//go:norace
func (c *chanObj[T]) BufToCell(i uint, cell unsafe.Pointer) {
	if cell != nil {
		*(*T)(cell) = *c.slot(i)
	}
}

//go:norace
func (c *chanObj[T]) CellToBuf(cell unsafe.Pointer, i uint) {
	*c.slot(i) = *(*T)(cell)
	if c.chunks != nil {
		ck, _ := c.chunks.Get(i / chunkLen)
		ck.used++
	}
}

//go:norace
func (c *chanObj[T]) ClearBuf(i uint) {
	var zero T
	*c.slot(i) = zero
	if c.chunks != nil {
		// Every filled slot is cleared exactly once (received or
		// drained), so a chunk whose count drops to 0 holds nothing.
		k := i / chunkLen
		if ck, _ := c.chunks.Get(k); ck.used > 0 {
			ck.used--
			if ck.used == 0 {
				c.chunks.Del(k)
			}
		}
	}
}

//go:norace
func (c *chanObj[T]) CellToCell(dst, src unsafe.Pointer) { *(*T)(dst) = *(*T)(src) }

//go:norace
func (c *chanObj[T]) ClearCell(cell unsafe.Pointer) {
	var zero T
	*(*T)(cell) = zero
}

// Send sends v on c (c <- v). It blocks until a receiver takes v or there
// is room in the buffer, and panics with "send on closed channel" if c is
// closed.
//
//go:noinline
func (c Chan[T]) Send(v T) {
	// Instrumented under -race (not norace) and never inlined: a race
	// with Close names the caller's line, as Go's names runtime.chansend's
	// caller. The work is send's.
	if rt.RaceEnabled && c.c != nil {
		rt.RaceRead(c.c.h.RaceAddr())
	}
	c.send(v)
}

//go:norace
func (c Chan[T]) send(v T) {
	if c.c == nil {
		rt.ChanSend(nil, nil, true)
		return
	}
	cell := c.c.get()
	*cell = v
	rt.ChanSend(&c.c.h, unsafe.Pointer(cell), true)
	c.c.put(cell)
}

// TrySend sends v if it can do so without blocking and reports whether it
// did: select { case c <- v: default: }.
//
//go:noinline
func (c Chan[T]) TrySend(v T) bool {
	// Instrumented under -race, as Send.
	if rt.RaceEnabled && c.c != nil {
		rt.RaceRead(c.c.h.RaceAddr())
	}
	return c.trySend(v)
}

//go:norace
func (c Chan[T]) trySend(v T) bool {
	if c.c == nil {
		return false
	}
	cell := c.c.get()
	*cell = v
	ok := rt.ChanSend(&c.c.h, unsafe.Pointer(cell), false)
	c.c.put(cell)
	return ok
}

// Recv receives a value from c (<-c), blocking until one is available. On
// a closed, drained channel it returns the zero value.
//
//go:norace
func (c Chan[T]) Recv() T {
	v, _ := c.Recv2()
	return v
}

// Recv2 is v, ok := <-c: ok is false if the value is the zero value
// delivered because c is closed and drained.
//
//go:norace
func (c Chan[T]) Recv2() (T, bool) {
	if c.c == nil {
		rt.ChanRecv(nil, nil, true)
		var zero T
		return zero, false
	}
	cell := c.c.get()
	_, ok := rt.ChanRecv(&c.c.h, unsafe.Pointer(cell), true)
	v := *cell
	c.c.put(cell)
	return v, ok
}

// TryRecv receives without blocking: select { case v, ok := <-c: default: }.
// selected reports whether the receive happened; v and ok are as Recv2's.
//
//go:norace
func (c Chan[T]) TryRecv() (v T, ok, selected bool) {
	if c.c == nil {
		return v, false, false
	}
	cell := c.c.get()
	selected, ok = rt.ChanRecv(&c.c.h, unsafe.Pointer(cell), false)
	v = *cell
	c.c.put(cell)
	return v, ok, selected
}

// Close closes c. It panics with "close of nil channel" or "close of
// closed channel" as Go does. Waiting receivers get the zero value and
// waiting senders panic.
//
//go:noinline
func (c Chan[T]) Close() {
	// Instrumented under -race, as Send.
	if rt.RaceEnabled && c.c != nil {
		rt.RaceWrite(c.c.h.RaceAddr())
	}
	c.close()
}

//go:norace
func (c Chan[T]) close() {
	if c.c == nil {
		rt.ChanClose(nil)
		return
	}
	rt.ChanClose(&c.c.h)
}

// Len returns the number of elements queued in the buffer (len(c)).
//
//go:norace
func (c Chan[T]) Len() int {
	if c.c == nil {
		return 0
	}
	return rt.ChanLen(&c.c.h)
}

// Cap returns the buffer's capacity (cap(c)).
//
//go:norace
func (c Chan[T]) Cap() int {
	if c.c == nil {
		return 0
	}
	return rt.ChanCap(&c.c.h)
}

// All returns an iterator over the values received from c until it is
// closed and drained: for v := range c.All() is for v := range c.
//
//go:norace
func (c Chan[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, ok := c.Recv2()
			if !ok || !yield(v) {
				return
			}
		}
	}
}

// ChanState is a snapshot of a channel's runtime fields (hchan).
type ChanState struct {
	QCount   uint    // elements in the buffer
	DataqSiz uint    // the buffer's size
	SendX    uint    // ring index of the next send
	RecvX    uint    // ring index of the next receive
	Closed   bool    // close has been called
	SendQ    []int64 // goroutines waiting to send, in queue order
	RecvQ    []int64 // goroutines waiting to receive, in queue order
}

// State returns c's hchan fields.
//
//go:norace
func (c Chan[T]) State() ChanState {
	if c.c == nil {
		return ChanState{}
	}
	s := rt.ChanSnapshot(&c.c.h)
	return ChanState{QCount: s.QCount, DataqSiz: s.DataqSiz, SendX: s.SendX, RecvX: s.RecvX, Closed: s.Closed, SendQ: s.SendQ, RecvQ: s.RecvQ}
}

// SelectCase is one case of Select: made by Chan.RecvCase, Chan.SendCase
// or Default.
type SelectCase interface {
	scase() (h *rt.Hchan, cell unsafe.Pointer, send bool, dflt bool)
	done(cell unsafe.Pointer, chosen, ok bool)
	// sendHchan is the channel of a send case (nil for any other).
	sendHchan() *rt.Hchan
}

// RecvCase is a receive case; after Select chooses it, V and OK hold the
// result of v, ok := <-c.
type RecvCase[T any] struct {
	c Chan[T]
	// V is the value received, once Select chose the case.
	V T
	// OK is false if V is the zero value of a closed channel.
	OK bool
}

// RecvCase returns a receive case on c for Select. A case can be reused
// across Select calls (which then allocate nothing).
//
//go:norace
func (c Chan[T]) RecvCase() *RecvCase[T] { return &RecvCase[T]{c: c} }

//go:norace
func (r *RecvCase[T]) scase() (*rt.Hchan, unsafe.Pointer, bool, bool) {
	if r.c.c == nil {
		return nil, nil, false, false
	}
	return &r.c.c.h, unsafe.Pointer(r.c.c.get()), false, false
}

//go:norace
func (r *RecvCase[T]) done(cell unsafe.Pointer, chosen, ok bool) {
	if cell == nil {
		return
	}
	p := (*T)(cell)
	if chosen {
		r.V, r.OK = *p, ok
	}
	r.c.c.put(p)
}

// SendCase is a send case: it sends V.
type SendCase[T any] struct {
	c Chan[T]
	// V is the value to send.
	V T
}

// SendCase returns a case that sends v on c. Set V to reuse it with a new
// value.
//
//go:norace
func (c Chan[T]) SendCase(v T) *SendCase[T] { return &SendCase[T]{c: c, V: v} }

//go:norace
func (s *SendCase[T]) sendHchan() *rt.Hchan {
	if s.c.c == nil {
		return nil
	}
	return &s.c.c.h
}

//go:norace
func (*RecvCase[T]) sendHchan() *rt.Hchan { return nil }

//go:norace
func (defaultCase) sendHchan() *rt.Hchan { return nil }

//go:norace
func (s *SendCase[T]) scase() (*rt.Hchan, unsafe.Pointer, bool, bool) {
	if s.c.c == nil {
		return nil, nil, true, false
	}
	cell := s.c.c.get()
	*cell = s.V
	return &s.c.c.h, unsafe.Pointer(cell), true, false
}

//go:norace
func (s *SendCase[T]) done(cell unsafe.Pointer, chosen, ok bool) {
	if cell != nil {
		s.c.c.put((*T)(cell))
	}
}

type defaultCase struct{}

//go:norace
func (defaultCase) scase() (*rt.Hchan, unsafe.Pointer, bool, bool) { return nil, nil, false, true }

//go:norace
func (defaultCase) done(unsafe.Pointer, bool, bool) {}

// Default returns the default case of a Select.
//
//go:norace
func Default() SelectCase { return defaultCase{} }

// maxSelectCases is selectgo's limit on the cases of one select.
const maxSelectCases = 1 << 16

// Select runs a select statement over cases and returns the index of the
// case that proceeded (the default case's index if none could). Like the
// compiler, it turns a select with no cases into a block forever, one case
// into a plain channel operation, and one case plus default into a
// non-blocking one; otherwise selectgo picks among the ready cases in a
// random order from the runtime's seeded generator, or parks on all of
// them.
// It panics if given more than 65,536 cases, as reflect.Select does.
//
//go:noinline
func Select(cases ...SelectCase) int {
	// Instrumented under -race (not norace) and never inlined, as
	// Chan.Send: each send case reads its channel's race address.
	// Deviation: Go reads those of the send cases its first pass polls
	// before one proceeds; this reads every send case's.
	if rt.RaceEnabled {
		for _, c := range cases {
			if h := c.sendHchan(); h != nil {
				rt.RaceRead(h.RaceAddr())
			}
		}
	}
	return selectCases(cases)
}

//go:norace
func selectCases(cases []SelectCase) int {
	if len(cases) > maxSelectCases {
		// selectgo indexes its cases with uint16s; Go's compiler never
		// emits more, and reflect.Select panics the same way.
		panic("gmp.Select: too many cases (max 65536)")
	}
	rt.CountSelect()
	const maxStack = 8
	var scBuf [maxStack]rt.Scase
	var idxBuf [maxStack]int
	var sc []rt.Scase
	var idx []int
	if len(cases) <= maxStack {
		sc, idx = scBuf[:0], idxBuf[:0]
	} else {
		sc, idx = make([]rt.Scase, 0, len(cases)), make([]int, 0, len(cases))
	}
	dflt := -1
	nsends := 0
	// Sends first, then receives, as the compiler lays out the cases.
	for pass := 0; pass < 2; pass++ {
		for i, c := range cases {
			h, cell, send, isDefault := c.scase()
			if isDefault {
				if pass == 0 {
					if dflt >= 0 {
						panic("gmp.Select: multiple defaults")
					}
					dflt = i
				}
				continue
			}
			if send != (pass == 0) {
				if cell != nil {
					c.done(cell, false, false)
				}
				continue
			}
			sc = append(sc, rt.Scase{C: h, Elem: cell})
			idx = append(idx, i)
			if send {
				nsends++
			}
		}
	}
	var chosen int
	var ok bool
	switch {
	case len(sc) == 0 && dflt < 0:
		rt.Block() // select {}
	case len(sc) == 0:
		chosen = -1
	case len(sc) == 1:
		// select with one case (and maybe default): a plain or
		// non-blocking channel operation, as the compiler emits.
		block := dflt < 0
		var sel bool
		if nsends == 1 {
			sel = rt.ChanSend(sc[0].C, sc[0].Elem, block)
		} else {
			sel, ok = rt.ChanRecv(sc[0].C, sc[0].Elem, block)
		}
		chosen = -1
		if sel {
			chosen = 0
		}
	default:
		chosen, ok = rt.Selectgo(sc, nsends, dflt < 0)
	}
	for j := range sc {
		if sc[j].Elem == nil && sc[j].C == nil {
			continue
		}
		cases[idx[j]].done(sc[j].Elem, j == chosen, ok)
	}
	if chosen < 0 {
		return dflt
	}
	return idx[chosen]
}

//go:norace
func init() {
	link.SetChooser = func(cfg any, c rt.Chooser, abstract bool) {
		p := cfg.(*Config)
		p.chooser, p.abstract = c, abstract
	}
	link.SetLean = func(cfg any) { cfg.(*Config).lean = true }
	link.ChanHchan = func(c any) *rt.Hchan {
		if tc := c.(Chan[time.Time]); tc.c != nil {
			return &tc.c.h
		}
		return nil
	}
}
