package gotrace

import (
	"encoding/binary"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// Wire format of Go 1.22 traces: event type numbers and limits, as read by
// internal/trace (tracev2/events.go; version Go122 allows types up to UserLog).
const (
	header = "go 1.22 trace\x00\x00\x00"

	evEventBatch          = 1  // [gen, M, base tick, size] + events
	evStacks              = 2  // starts a stack-table batch
	evStack               = 3  // [id, n, n×(pc, func string, file string, line)]
	evStrings             = 4  // starts a string-table batch
	evString              = 5  // [id, len] + bytes
	evFrequency           = 8  // [ticks per second], alone in its batch before Go 1.25
	evProcsChange         = 9  // [dt, procs, stack]
	evProcStart           = 10 // [dt, p, p_seq]
	evProcStop            = 11 // [dt]
	evProcSteal           = 12 // [dt, p, p_seq, m]
	evProcStatus          = 13 // [dt, p, status]
	evGoCreate            = 14 // [dt, g, new stack, stack]
	evGoStart             = 16 // [dt, g, g_seq]
	evGoDestroy           = 17 // [dt]
	evGoStop              = 19 // [dt, reason string, stack]
	evGoBlock             = 20 // [dt, reason string, stack]
	evGoUnblock           = 21 // [dt, g, g_seq, stack]
	evGoSyscallBegin      = 22 // [dt, p_seq, stack]
	evGoSyscallEnd        = 23 // [dt]
	evGoSyscallEndBlocked = 24 // [dt]
	evGoStatus            = 25 // [dt, g, m, status]
	evUserTaskBegin       = 40 // [dt, task, parent task, name string, stack]
	evUserTaskEnd         = 41 // [dt, task, stack]
	evUserRegionBegin     = 42 // [dt, task, name string, stack]
	evUserRegionEnd       = 43 // [dt, task, name string, stack]
	evUserLog             = 44 // [dt, task, key string, value string, stack]

	maxBatchSize  = 64 << 10 // readers reject larger batches
	maxFrames     = 128      // frames per stack
	maxStringSize = 1 << 10  // bytes per string
	// Largest event we write: type byte and five uvarints. A batch is closed
	// when the next event might not fit.
	maxEventSize = 1 + 5*binary.MaxVarintLen64

	noThread       = ^uint64(0) // M argument of a GoStatus for an unbound goroutine
	ticksPerSecond = 1e9
	syntheticPC    = 1 << 48 // made-up PCs start here, far from small user PCs
)

// tables interns stacks and frames for the whole trace, and strings per
// generation. A caller's stack ID stays valid for the whole trace; each
// generation gives the stacks it uses dense wire IDs of its own.
type tables struct {
	stackIDs map[string]uint64 // encoded frames -> stack ID
	stacks   []stackEntry      // stack ID-1 -> entry
	frameIDs map[Frame]uint32  // caller's frame -> index into frames
	frames   []Frame           // with PCs made unique
	pcUsed   map[uint64]bool
	nextPC   uint64
	key      []byte

	strs     map[string]uint64 // this generation's string table
	strList  []string
	strCache [16]strCacheEntry // strs by string address
}

type stackEntry struct {
	frames []uint32
	gen    uint64 // generation in which wire was assigned
	wire   uint64
}

//go:norace
func (t *tables) init() {
	t.stackIDs = make(map[string]uint64)
	t.frameIDs = make(map[Frame]uint32)
	t.pcUsed = make(map[uint64]bool)
	t.nextPC = syntheticPC
	t.strs = make(map[string]uint64)
}

// Stack interns a stack, given innermost frame first, and returns its ID for
// use in events (0, the empty stack, for no frames). Stacks deeper than 128
// frames are cut to their innermost 128.
//
//go:norace
func (w *Writer) Stack(frames []Frame) uint64 {
	if len(frames) == 0 {
		return 0
	}
	frames = frames[:min(len(frames), maxFrames)]
	k := w.key[:0]
	for _, f := range frames {
		k = binary.AppendUvarint(k, f.PC)
		k = binary.AppendVarint(k, int64(f.Line))
		k = binary.AppendUvarint(k, uint64(len(f.Func)))
		k = append(k, f.Func...)
		k = binary.AppendUvarint(k, uint64(len(f.File)))
		k = append(k, f.File...)
	}
	w.key = k
	if id, ok := w.stackIDs[string(k)]; ok {
		return id
	}
	idx := make([]uint32, len(frames))
	for i, f := range frames {
		idx[i] = w.frame(f)
	}
	w.stacks = append(w.stacks, stackEntry{frames: idx})
	id := uint64(len(w.stacks))
	w.stackIDs[string(k)] = id
	return id
}

// frame interns one frame, giving it a PC no other frame has: readers look
// frames up by PC, so a shared PC would show the wrong function.
//
//go:norace
func (t *tables) frame(f Frame) uint32 {
	if i, ok := t.frameIDs[f]; ok {
		return i
	}
	g := f
	if g.PC == 0 || t.pcUsed[g.PC] {
		for t.pcUsed[t.nextPC] {
			t.nextPC++
		}
		g.PC = t.nextPC
		t.nextPC++
	}
	if g.Line < 0 {
		g.Line = 0
	}
	t.pcUsed[g.PC] = true
	i := uint32(len(t.frames))
	t.frames = append(t.frames, g)
	t.frameIDs[f] = i
	return i
}

// wireStack returns the ID of stack id in the current generation's table,
// adding the stack to that table on first use. id must have been checked.
//
//go:norace
func (w *Writer) wireStack(id uint64) uint64 {
	if id == 0 {
		return 0
	}
	s := &w.stacks[id-1]
	if s.gen != w.gen {
		w.genStacks = append(w.genStacks, id)
		s.gen, s.wire = w.gen, uint64(len(w.genStacks))
	}
	return s.wire
}

// str returns the ID of s in the current generation's string table.
//
//go:norace
func (t *tables) str(s string) uint64 {
	if s == "" {
		return 0
	}
	// Reasons are a few constant strings: look them up by address first.
	p := unsafe.StringData(s)
	c := &t.strCache[uintptr(unsafe.Pointer(p))>>3%uintptr(len(t.strCache))]
	if c.p == p && c.n == len(s) {
		return c.id
	}
	id, ok := t.strs[s]
	if !ok {
		t.strList = append(t.strList, s)
		id = uint64(len(t.strList))
		t.strs[s] = id
	}
	*c = strCacheEntry{p, len(s), id}
	return id
}

type strCacheEntry struct {
	p  *byte
	n  int
	id uint64
}

// genState is the output of the generation being built.
type genState struct {
	gen       uint64
	genEvents int
	events    int64 // timed events emitted, all generations
	genBytes  int
	genMinTs  uint64    // smallest batch base tick; becomes the generation's sync time
	maxTick   uint64    // largest tick written so far
	mOrder    []*mState // threads with a batch in this generation
	genStacks []uint64  // stack IDs used in this generation, by wire ID-1
	chunks    []*[]byte // closed batches of this generation (see chunkPool)
	tab       []byte    // scratch for table batches
	hdr       [40]byte  // scratch for batch headers
}

// emit appends one timed event to thread m's open batch. t is clamped to
// the thread's last tick, as a thread's ticks must not decrease; that only
// bites after a status was written into another thread's batch or a
// GoCreate was moved later.
//
//go:norace
func (w *Writer) emit(m *mState, t uint64, typ byte, args ...uint64) {
	if m.gen != w.gen {
		m.gen = w.gen
		m.batch = m.batch[:0]
		w.mOrder = append(w.mOrder, m)
	} else if len(m.batch)+maxEventSize > maxBatchSize {
		w.closeBatch(m)
	}
	if len(m.batch)+maxEventSize > cap(m.batch) {
		m.batch = growBatch(m.batch)
	}
	t = max(t, m.lastEnc)
	if len(m.batch) == 0 {
		m.base, m.lastEnc = t, t
		if w.genMinTs == 0 || t < w.genMinTs {
			w.genMinTs = t
		}
	}
	// The batch has room for the event (see above): append without
	// growing, on a local copy, and store it back once.
	b := m.batch
	n := len(b)
	b = append(b, typ)
	b = binary.AppendUvarint(b, t-m.lastEnc)
	for _, a := range args {
		b = binary.AppendUvarint(b, a)
	}
	m.batch = b
	m.lastEnc = t
	w.maxTick = max(w.maxTick, t)
	w.genEvents++
	w.events++
	w.genBytes += len(b) - n
}

// smallBatch is the capacity up to which a thread's batch grows by
// allocation; beyond it, the batch moves to a full-size buffer from
// batchPool. Most threads of a run write a few events a generation, and a
// few write nearly all of them.
const smallBatch = 4 << 10

// batchPool recycles full-size thread batches across Writers.
var batchPool = sync.Pool{New: func() any {
	b := make([]byte, 0, maxBatchSize)
	return &b
}}

// growBatch returns b with room for at least one more event.
//
//go:norace
func growBatch(b []byte) []byte {
	var nb []byte
	if cap(b) < smallBatch {
		nb = make([]byte, len(b), max(2*cap(b), 256))
	} else {
		nb = (*batchPool.Get().(*[]byte))[:len(b)]
	}
	copy(nb, b)
	return nb
}

// releaseBatches recycles the threads' full-size batches once the trace
// is written.
//
//go:norace
func (w *Writer) releaseBatches() {
	put := func(m *mState) {
		if m != nil && cap(m.batch) == maxBatchSize {
			b := m.batch[:0]
			batchPool.Put(&b)
		}
		if m != nil {
			m.batch = nil
		}
	}
	for _, m := range w.msDense {
		put(m)
	}
	for _, m := range w.ms {
		put(m)
	}
}

// closeBatch moves m's open batch, with its header, to the generation buffer.
//
//go:norace
func (w *Writer) closeBatch(m *mState) {
	w.putBatch(uint64(m.id), m.base, m.batch)
	m.batch = m.batch[:0]
}

//go:norace
func (w *Writer) putBatch(m, base uint64, data []byte) {
	h := append(w.hdr[:0], evEventBatch)
	h = binary.AppendUvarint(h, w.gen)
	h = binary.AppendUvarint(h, m)
	h = binary.AppendUvarint(h, base)
	h = binary.AppendUvarint(h, uint64(len(data)))
	n := len(h) + len(data)
	var c *[]byte
	if k := len(w.chunks); k > 0 && len(*w.chunks[k-1])+n <= cap(*w.chunks[k-1]) {
		c = w.chunks[k-1]
	} else {
		c = getChunk(n)
		w.chunks = append(w.chunks, c)
	}
	*c = append(append(*c, h...), data...)
	w.genBytes += len(h)
}

// chunkSize is the size of the chunks a generation is buffered in: a few
// batches each (batches are at most 64 KiB).
const chunkSize = 256 << 10

// chunkPool recycles generation chunks, across generations and across
// Writers. A generation of a million events is a few MB: appending it to
// one growing slice allocated twice that for every generation of every
// trace, and the host GC and page faults that fresh memory brings cost
// more than encoding the events.
var chunkPool = sync.Pool{New: func() any {
	b := make([]byte, 0, chunkSize)
	return &b
}}

// getChunk returns an empty chunk that holds at least n bytes.
//
//go:norace
func getChunk(n int) *[]byte {
	if n > chunkSize {
		b := make([]byte, 0, n)
		return &b
	}
	return chunkPool.Get().(*[]byte)
}

// putChunks writes the generation's chunks in order and recycles them.
//
//go:norace
func (w *Writer) putChunks() {
	for i, c := range w.chunks {
		w.write(*c)
		if cap(*c) == chunkSize {
			*c = (*c)[:0]
			chunkPool.Put(c)
		}
		w.chunks[i] = nil
	}
	w.chunks = w.chunks[:0]
}

// flushGen completes the current generation, writes it out and starts the
// next one.
//
//go:norace
func (w *Writer) flushGen() {
	// Declared goroutines and Ps nobody touched still need a status, or
	// the reader will not know them (goroutines: ever, after generation 1).
	if len(w.pendingP)+len(w.pendingG) > 0 {
		at, t := w.lastM, max(w.maxTick, 1)
		if at == nil {
			at = w.mstate(0)
		}
		for _, id := range w.pendingP {
			if p := w.ps[id]; p != nil && p.emitted == 0 {
				w.ensureP(id, p, at, t)
			}
		}
		for _, id := range w.pendingG {
			if g := w.gs.get(id); g != nil && g.emitted == 0 {
				w.ensureG(id, g, at, t)
			}
		}
		w.pendingP, w.pendingG = w.pendingP[:0], w.pendingG[:0]
	}
	for _, m := range w.mOrder {
		if len(m.batch) > 0 {
			w.closeBatch(m)
		}
	}
	base := w.genMinTs
	if base == 0 {
		base = max(w.maxTick, 1)
	}

	// Frequency: one tick per nanosecond.
	tab := append(w.tab[:0], evFrequency)
	tab = binary.AppendUvarint(tab, ticksPerSecond)
	w.putBatch(noThread, base, tab)

	// Stacks first: their frames add strings to the string table.
	tab = append(tab[:0], evStacks)
	for i, id := range w.genStacks {
		fr := w.stacks[id-1].frames
		if len(tab)+3*binary.MaxVarintLen64+len(fr)*4*binary.MaxVarintLen64 > maxBatchSize {
			w.putBatch(noThread, base, tab)
			tab = append(tab[:0], evStacks)
		}
		tab = append(tab, evStack)
		tab = binary.AppendUvarint(tab, uint64(i+1))
		tab = binary.AppendUvarint(tab, uint64(len(fr)))
		for _, fi := range fr {
			f := &w.frames[fi]
			tab = binary.AppendUvarint(tab, f.PC)
			tab = binary.AppendUvarint(tab, w.str(f.Func))
			tab = binary.AppendUvarint(tab, w.str(f.File))
			tab = binary.AppendUvarint(tab, uint64(f.Line))
		}
	}
	if len(w.genStacks) > 0 {
		w.putBatch(noThread, base, tab)
	}

	tab = append(tab[:0], evStrings)
	for i, s := range w.strList {
		s = truncate(s)
		if len(tab)+1+3*binary.MaxVarintLen64+len(s) > maxBatchSize {
			w.putBatch(noThread, base, tab)
			tab = append(tab[:0], evStrings)
		}
		tab = append(tab, evString)
		tab = binary.AppendUvarint(tab, uint64(i+1))
		tab = binary.AppendUvarint(tab, uint64(len(s)))
		tab = append(tab, s...)
	}
	if len(w.strList) > 0 {
		w.putBatch(noThread, base, tab)
	}
	w.tab = tab

	if !w.started {
		w.write([]byte(header))
		w.started = true
	}
	w.putChunks()

	// Reset for the next generation. Thread batches reset themselves when
	// they see the new generation number.
	w.gen++
	w.genEvents, w.genBytes, w.genMinTs = 0, 0, 0
	w.mOrder = w.mOrder[:0]
	w.genStacks = w.genStacks[:0]
	clear(w.strs)
	w.strCache = [len(w.strCache)]strCacheEntry{}
	w.gs.compact(w.gen)
	w.strList = w.strList[:0]
}

//go:norace
func (w *Writer) write(b []byte) {
	if w.outBroken {
		return
	}
	if _, err := w.out.Write(b); err != nil {
		w.outBroken = true
		if w.err == nil {
			w.err = err
		}
	}
}

// truncate cuts s to the format's string limit on a UTF-8 boundary.
//
//go:norace
func truncate(s string) string {
	if len(s) <= maxStringSize {
		return s
	}
	n := maxStringSize
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
