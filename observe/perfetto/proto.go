package perfetto

import (
	"encoding/binary"
	"io"
	"math"
	"unsafe"
)

// protoEncoder writes Perfetto's protobuf trace format: a Trace message
// (protos/perfetto/trace/trace.proto) whose TracePackets, written one at a
// time, hold a TrackDescriptor per track and a TrackEvent per slice begin
// and end, instant and counter sample. It encodes the few messages it
// needs by hand, with the field numbers of Perfetto's .proto files:
//
//   - every packet is on sequence 1; the first clears the sequence's
//     incremental state, makes clock 64 — a sequence-scoped clock whose
//     timestamps are deltas (ClockSnapshot.Clock.is_incremental) — the
//     packets' default clock, and ties it to BOOTTIME 0, the trace clock:
//     a packet's timestamp is the virtual ns since the previous packet's;
//   - event names, argument names and the strings among argument values
//     are interned (InternedData, emitted on the packet that first uses
//     them);
//   - a slice is a TYPE_SLICE_BEGIN and a TYPE_SLICE_END on its track; an
//     arrow is an instant at its source carrying flow_ids and the
//     destination slice's begin carrying terminating_flow_ids;
//   - the counters that change at one instant are extra_counter_values of
//     the instant's last event (at most 8), or share a TYPE_COUNTER event.
//
// The tracks are custom tracks in four groups (TrackDescriptor parent_uuid),
// ordered explicitly, never merged with siblings of the same name.
type protoEncoder struct {
	w       io.Writer
	out     []byte // output not yet written to w
	e       error
	packets int64
	lastT   int64
	// Offsets in out of the packet being written and of its TrackEvent.
	pktStart, teStart int
	open              bool // the packet is open: its lengths are not set

	pkt     []byte // a packet other than a TrackEvent's
	in      []byte // the InternedData of the TrackEvent being written
	td      []byte // a TrackDescriptor
	entry   []byte // an interned entry
	scratch []byte // a name

	names    interner            // text event names
	labelIDs map[labelKey]uint64 // templated event names ("M3", "syscall G12")
	nextName uint64              // last event name iid
	keyIIDs  [numKeys]uint64     // debug annotation names' iids (0: not interned yet)
	strs     interner            // debug annotation string values
	nextStr  uint64              // last debug annotation string value iid
	counter  []bool              // series whose counter track is declared
	declared int                 // series up to which all are declared
	lvar     [binary.MaxVarintLen64 + 1]byte
}

type labelKey struct {
	kind labelKind
	n    int64
	text string
}

// Field numbers, from protos/perfetto/trace/…/*.proto.
const (
	fTracePacket = 1 // Trace.packet

	// TracePacket
	fClockSnapshot         = 6
	fTimestamp             = 8
	fTrustedSequenceID     = 10
	fTrackEvent            = 11
	fInternedData          = 12
	fSequenceFlags         = 13
	fTracePacketDefaults   = 59
	fTrackDescriptor       = 60
	fFirstPacketOnSequence = 87

	// TracePacketDefaults
	fDefaultsTimestampClockID = 58

	// ClockSnapshot, ClockSnapshot.Clock
	fClocks            = 1
	fPrimaryTraceClock = 2
	fClockID           = 1
	fClockTimestamp    = 2
	fClockIncremental  = 3

	// TrackDescriptor
	fTDUUID           = 1
	fTDName           = 2
	fTDParentUUID     = 5
	fTDCounter        = 8
	fTDChildOrdering  = 11
	fTDSiblingRank    = 12
	fTDSiblingMerge   = 15
	fCounterUnit      = 3 // CounterDescriptor.unit
	unitCount         = 2 // CounterDescriptor.UNIT_COUNT
	orderingExplicit  = 3 // TrackDescriptor.EXPLICIT
	mergeNone         = 2 // TrackDescriptor.SIBLING_MERGE_BEHAVIOR_NONE
	clockBoottime     = 6 // BuiltinClock.BUILTIN_CLOCK_BOOTTIME
	clockIncremental  = 64
	seqIncrCleared    = 1 // TracePacket.SEQ_INCREMENTAL_STATE_CLEARED
	seqNeedsIncrState = 2 // TracePacket.SEQ_NEEDS_INCREMENTAL_STATE
	sequenceID        = 1

	// TrackEvent
	fTEDebugAnnotations   = 4
	fTEType               = 9
	fTENameIID            = 10
	fTETrackUUID          = 11
	fTEExtraCounterValues = 12
	fTECounterValue       = 30
	fTEExtraCounterUUIDs  = 31
	fTEFlowIDs            = 47
	fTETerminatingFlowIDs = 48
	typeSliceBegin        = 1
	typeSliceEnd          = 2
	typeInstant           = 3
	typeCounter           = 4
	maxExtraCounters      = 8 // trace processor's TrackEventData::kMaxNumExtraCounters

	// DebugAnnotation
	fDANameIID        = 1
	fDABoolValue      = 2
	fDAIntValue       = 4
	fDAStringValue    = 6
	fDAStringValueIID = 17

	// InternedData, and its EventName, DebugAnnotationName, InternedString
	fIDEventNames      = 2
	fIDAnnotationNames = 3
	fIDStringValues    = 29
	fInternedIID       = 1
	fInternedName      = 2
)

// Track UUIDs.
const (
	uuidScheduler = 1
	uuidPs        = 2
	uuidMs        = 3
	uuidGs        = 4
	uuidEvents    = 5  // the Scheduler's instants
	uuidSeries    = 16 // + series, for the Scheduler's counters
	uuidTracks    = 64 // + 4×ID + 0 (P), 1 (P's run queue), 2 (M), 3 (goroutine)
)

// seriesNames name the Scheduler's counter tracks.
var seriesNames = [numSched]string{
	sGlobalRunq:     "global runq",
	sIdlePs:         "idle Ps",
	sBusyPs:         "busy Ps",
	sSpinning:       "spinning Ms",
	sThreads:        "threads",
	sIdleThreads:    "idle threads",
	sSyscallThreads: "threads in syscall",
	sGRunning:       "goroutines running",
	sGRunnable:      "goroutines runnable",
	sGWaiting:       "goroutines waiting",
	sGSyscall:       "goroutines in syscall",
}

//go:norace
func newProtoEncoder(w io.Writer, opts Options) *protoEncoder {
	e := &protoEncoder{
		w:        w,
		out:      make([]byte, 0, outSize+outSlack),
		labelIDs: make(map[labelKey]uint64),
	}
	// The sequence's first packet: its clock and defaults.
	p := e.pkt[:0]
	p = appendVarintField(p, fTrustedSequenceID, sequenceID)
	p = appendVarintField(p, fSequenceFlags, seqIncrCleared)
	p = appendVarintField(p, fFirstPacketOnSequence, 1)
	d := appendVarintField(nil, fDefaultsTimestampClockID, clockIncremental)
	p = appendBytesField(p, fTracePacketDefaults, d)
	boot := appendVarintField(nil, fClockID, clockBoottime)
	boot = appendVarintField(boot, fClockTimestamp, 0)
	incr := appendVarintField(nil, fClockID, clockIncremental)
	incr = appendVarintField(incr, fClockTimestamp, 0)
	incr = appendVarintField(incr, fClockIncremental, 1)
	cs := appendBytesField(nil, fClocks, boot)
	cs = appendBytesField(cs, fClocks, incr)
	cs = appendVarintField(cs, fPrimaryTraceClock, clockBoottime)
	p = appendBytesField(p, fClockSnapshot, cs)
	e.pkt = p
	e.writePacket(p)

	e.descriptor(uuidScheduler, 0, "Scheduler", 0, false, true)
	e.descriptor(uuidPs, 0, "Ps", 1, false, true)
	e.descriptor(uuidMs, 0, "Ms (threads)", 2, false, true)
	if !opts.NoGoroutineTracks {
		e.descriptor(uuidGs, 0, "Goroutines", 3, false, true)
	}
	e.descriptor(uuidEvents, uuidScheduler, "events", 0, false, false)
	return e
}

//go:norace
func (e *protoEncoder) err() error { return e.e }

//go:norace
func (e *protoEncoder) written() int64 { return e.packets }

//go:norace
func trackUUID(tr trackRef) uint64 {
	switch tr.kind {
	case tP:
		return uuidTracks + 4*uint64(tr.id)
	case tM:
		return uuidTracks + 4*uint64(tr.id) + 2
	case tG:
		return uuidTracks + 4*uint64(tr.id) + 3
	}
	return uuidEvents
}

//go:norace
func (e *protoEncoder) declare(tr trackRef, name label) {
	e.scratch = appendLabel(e.scratch[:0], name, appendRaw)
	rank := tr.id
	var parent uint64
	switch tr.kind {
	case tP:
		parent, rank = uuidPs, 2*tr.id
	case tM:
		parent = uuidMs
	case tG:
		parent = uuidGs
	}
	e.descriptorBytes(trackUUID(tr), parent, e.scratch, rank, false, false)
}

// descriptor writes a TrackDescriptor.
//
//go:norace
func (e *protoEncoder) descriptor(uuid, parent uint64, name string, rank int64, counter, group bool) {
	e.scratch = append(e.scratch[:0], name...)
	e.descriptorBytes(uuid, parent, e.scratch, rank, counter, group)
}

//go:norace
func (e *protoEncoder) descriptorBytes(uuid, parent uint64, name []byte, rank int64, counter, group bool) {
	td := e.td[:0]
	td = appendVarintField(td, fTDUUID, uuid)
	if parent != 0 {
		td = appendVarintField(td, fTDParentUUID, parent)
	}
	td = appendBytesField(td, fTDName, name)
	if counter {
		td = appendBytesField(td, fTDCounter, appendVarintField(e.lvar[:0], fCounterUnit, unitCount))
	}
	if group {
		td = appendVarintField(td, fTDChildOrdering, orderingExplicit)
	}
	td = appendVarintField(td, fTDSiblingRank, uint64(min(max(rank, 0), math.MaxInt32)))
	td = appendVarintField(td, fTDSiblingMerge, mergeNone)
	e.td = td
	p := appendBytesField(e.pkt[:0], fTrackDescriptor, td)
	e.pkt = p
	e.writePacket(p)
}

//go:norace
func (e *protoEncoder) begin(tr trackRef, t int64, s *slice, flows *pendingFlows) {
	te := e.startEvent(t)
	te = append(te, tagType, typeSliceBegin)
	te = appendVarintField(te, fTETrackUUID, trackUUID(tr))
	te = appendVarintField(te, fTENameIID, e.nameIID(s.name))
	if s.goid != 0 {
		te = e.appendAnnotation(te, intArg(kGoid, s.goid))
	}
	for _, a := range s.args {
		if a.kind != aNone {
			te = e.appendAnnotation(te, a)
		}
	}
	if flows != nil {
		for i := range flows.n {
			te = appendFixed64Field(te, fTETerminatingFlowIDs, flows.get(i).id)
		}
	}
	e.keepOpen(te)
}

//go:norace
func (e *protoEncoder) end(tr trackRef, t int64, s *slice, a arg) {
	te := e.startEvent(t)
	te = append(te, tagType, typeSliceEnd)
	te = appendVarintField(te, fTETrackUUID, trackUUID(tr))
	if a.kind != aNone {
		te = e.appendAnnotation(te, a)
	}
	e.keepOpen(te)
}

//go:norace
func (e *protoEncoder) instant(tr trackRef, t int64, name label, args [2]arg) {
	e.instantFlow(tr, t, name, args, 0)
}

//go:norace
func (e *protoEncoder) instantFlow(tr trackRef, t int64, name label, args [2]arg, flowID uint64) {
	te := e.startEvent(t)
	te = append(te, tagType, typeInstant)
	te = appendVarintField(te, fTETrackUUID, trackUUID(tr))
	te = appendVarintField(te, fTENameIID, e.nameIID(name))
	for _, a := range args {
		if a.kind != aNone {
			te = e.appendAnnotation(te, a)
		}
	}
	if flowID != 0 {
		te = appendFixed64Field(te, fTEFlowIDs, flowID)
	}
	e.keepOpen(te)
}

// flowStart writes the source of an arrow: an instant named after it.
//
//go:norace
func (e *protoEncoder) flowStart(f *flow) {
	e.instantFlow(f.src, f.ts, text(f.name), [2]arg{}, f.id)
}

// counters writes the changed series: as extra_counter_values of the
// last event if it is at t and still open, else in COUNTER events, up to
// 1+maxExtraCounters an event.
//
//go:norace
func (e *protoEncoder) counters(t int64, cur, last []int64) {
	if len(cur) > e.declared {
		// Descriptors first: they are packets of their own.
		for len(e.counter) < len(cur) {
			e.counter = append(e.counter, false)
		}
		all := true
		for i, v := range cur {
			if v != last[i] && !e.counter[i] {
				e.counter[i] = true
				e.declareSeries(i)
			}
			all = all && e.counter[i]
		}
		if all {
			e.declared = len(cur)
		}
	}
	n := 0
	var te []byte
	extra := 0 // series attached to the open event
	if e.open && e.lastT == t {
		te = e.out
		extra = maxExtraCounters
	}
	for i, v := range cur {
		if v == last[i] {
			continue
		}
		if extra > 0 {
			te = appendVarintField(te, fTEExtraCounterUUIDs, seriesUUID(i))
			te = appendVarintField(te, fTEExtraCounterValues, uint64(v))
			if extra--; extra == 0 {
				e.out = te
			}
			continue
		}
		if n == 0 {
			te = e.startEvent(t)
			te = append(te, tagType, typeCounter)
			te = appendVarintField(te, fTETrackUUID, seriesUUID(i))
			te = appendVarintField(te, fTECounterValue, uint64(v))
		} else {
			te = appendVarintField(te, fTEExtraCounterUUIDs, seriesUUID(i))
			te = appendVarintField(te, fTEExtraCounterValues, uint64(v))
		}
		if n++; n == 1+maxExtraCounters {
			e.finishEvent(te)
			n = 0
		}
	}
	if n > 0 {
		e.finishEvent(te)
	} else if extra > 0 {
		e.out = te
	}
}

//go:norace
func seriesUUID(i int) uint64 {
	if i < numSched {
		return uuidSeries + uint64(i)
	}
	return uuidTracks + 4*uint64(i-numSched) + 1
}

// declareSeries writes the descriptor of series i's counter track.
//
//go:norace
func (e *protoEncoder) declareSeries(i int) {
	if i < numSched {
		e.descriptor(seriesUUID(i), uuidScheduler, seriesNames[i], int64(1+i), true, false)
		return
	}
	id := int64(i - numSched)
	e.scratch = appendLabel(e.scratch[:0], label{kind: lRunq, n: id}, appendRaw)
	e.descriptorBytes(seriesUUID(i), uuidPs, e.scratch, 2*id+1, true, false)
}

//go:norace
func (e *protoEncoder) close() error {
	e.settle()
	e.flush()
	return e.e
}

// The output is written to w in chunks of about outSize bytes.
const (
	outSize  = 64 << 10
	outSlack = 4 << 10
)

//go:norace
func (e *protoEncoder) flush() {
	if len(e.out) > 0 && e.e == nil {
		if _, err := e.w.Write(e.out); err != nil {
			e.e = err
		}
	}
	e.out = e.out[:0]
}

// startEvent starts a packet at t holding a TrackEvent, in e.out, and
// returns e.out for the caller to append the TrackEvent's fields to;
// finishEvent completes it. The packet and TrackEvent lengths are
// patched in at the end (one byte each, but for events of 128 bytes or
// more). The interned data the TrackEvent needs goes after it: a reader
// decodes a packet's fields whatever their order.
//
//go:norace
func (e *protoEncoder) startEvent(t int64) []byte {
	e.settle()
	if t < e.lastT {
		t = e.lastT // never happens: events come in time order
	}
	dt := uint64(t - e.lastT)
	e.lastT = t
	b := e.out
	e.pktStart = len(b)
	b = append(b, tagPacket, 0)
	b = appendVarintField(b, fTimestamp, dt)
	b = append(b, tagSequenceID, sequenceID, tagSequenceFlags, seqNeedsIncrState, tagTrackEvent, 0)
	e.teStart = len(b)
	return b
}

//go:norace
func (e *protoEncoder) finishEvent(b []byte) {
	b = patchLen(b, e.teStart-1, len(b)-e.teStart)
	if len(e.in) > 0 {
		b = appendBytesField(b, fInternedData, e.in)
		e.in = e.in[:0]
	}
	b = patchLen(b, e.pktStart+1, len(b)-e.pktStart-2)
	e.out = b
	e.packets++
	if len(b) >= outSize {
		e.flush()
	}
}

// keepOpen leaves the event in b open at the end of e.out: the counters
// that change at its instant may join it. The next packet, or close,
// finishes it.
//
//go:norace
func (e *protoEncoder) keepOpen(b []byte) {
	e.out = b
	e.open = true
}

// settle finishes the open event, if any.
//
//go:norace
func (e *protoEncoder) settle() {
	if e.open {
		e.open = false
		e.finishEvent(e.out)
	}
}

// One-byte tags (field<<3 | wire type).
const (
	tagPacket        = fTracePacket<<3 | wireBytes
	tagSequenceID    = fTrustedSequenceID<<3 | wireVarint
	tagSequenceFlags = fSequenceFlags<<3 | wireVarint
	tagTrackEvent    = fTrackEvent<<3 | wireBytes
	tagType          = fTEType<<3 | wireVarint
	tagAnnotation    = fTEDebugAnnotations<<3 | wireBytes
)

// patchLen writes n as the uvarint at b[at], where one byte was reserved
// for it, moving what follows if n needs more.
//
//go:norace
func patchLen(b []byte, at, n int) []byte {
	if n < 0x80 {
		b[at] = byte(n)
		return b
	}
	k := uvarintLen(uint64(n))
	for range k - 1 {
		b = append(b, 0)
	}
	copy(b[at+k:], b[at+1:len(b)-(k-1)])
	binary.PutUvarint(b[at:at+k], uint64(n))
	return b
}

// writePacket writes p as a Trace.packet field.
//
//go:norace
func (e *protoEncoder) writePacket(p []byte) {
	e.settle()
	b := appendBytesField(e.out, fTracePacket, p)
	e.out = b
	e.packets++
	if len(b) >= outSize {
		e.flush()
	}
}

// nameIID returns the interned ID of an event name, adding it to e.in
// the first time.
//
//go:norace
func (e *protoEncoder) nameIID(l label) uint64 {
	switch {
	case l.kind == lText:
		id, isNew := e.names.id(l.text, &e.nextName)
		if isNew {
			e.internName(fIDEventNames, id, append(e.scratch[:0], l.text...))
		}
		return id
	case l.iid != nil && *l.iid != 0:
		return *l.iid
	case l.iid != nil: // a name unique to a goroutine: cached with it, not here
		e.nextName++
		*l.iid = e.nextName
		e.internName(fIDEventNames, e.nextName, appendLabel(e.scratch[:0], l, appendRaw))
		return e.nextName
	}
	k := labelKey{l.kind, l.n, l.text}
	if id, ok := e.labelIDs[k]; ok {
		return id
	}
	e.nextName++
	e.labelIDs[k] = e.nextName
	e.internName(fIDEventNames, e.nextName, appendLabel(e.scratch[:0], l, appendRaw))
	return e.nextName
}

// internName appends an interned entry {iid, name} to e.in.
//
//go:norace
func (e *protoEncoder) internName(field int, id uint64, name []byte) {
	e.scratch = name
	entry := appendVarintField(e.entry[:0], fInternedIID, id)
	entry = appendBytesField(entry, fInternedName, name)
	e.entry = entry
	e.in = appendBytesField(e.in, field, entry)
}

// appendAnnotation appends a DebugAnnotation field.
//
//go:norace
func (e *protoEncoder) appendAnnotation(te []byte, a arg) []byte {
	kid := e.keyIIDs[a.key]
	if kid == 0 {
		kid = uint64(a.key) + 1
		e.keyIIDs[a.key] = kid
		e.internName(fIDAnnotationNames, kid, append(e.scratch[:0], argKeys[a.key]...))
	}
	te = append(te, tagAnnotation, 0)
	start := len(te)
	te = appendVarintField(te, fDANameIID, kid)
	switch a.kind {
	case aInt:
		te = appendVarintField(te, fDAIntValue, uint64(a.n))
	case aBool:
		te = appendVarintField(te, fDABoolValue, uint64(a.n))
	case aText:
		te = appendTag(te, fDAStringValue, wireBytes)
		te = binary.AppendUvarint(te, uint64(len(a.s)))
		te = append(te, a.s...)
	case aStr, aTakenBy:
		s := a.s
		if a.kind == aTakenBy {
			s = "taken by M" + string(appendInt(nil, a.n))
		}
		sid, isNew := e.strs.id(s, &e.nextStr)
		if isNew {
			e.internName(fIDStringValues, sid, append(e.scratch[:0], s...))
		}
		te = appendVarintField(te, fDAStringValueIID, sid)
	}
	return patchLen(te, start-1, len(te)-start)
}

// interner gives strings IDs from 1, looking constant strings up by
// address first.
type interner struct {
	ids   map[string]uint64
	cache [32]internEntry
}

type internEntry struct {
	p  *byte
	n  int
	id uint64
}

// id returns s's ID, taking a new one from *next (pre-incremented) if s
// is new.
//
//go:norace
func (in *interner) id(s string, next *uint64) (uint64, bool) {
	p := unsafe.StringData(s)
	c := &in.cache[uintptr(unsafe.Pointer(p))>>3%uintptr(len(in.cache))]
	if c.p == p && c.n == len(s) && p != nil {
		return c.id, false
	}
	if in.ids == nil {
		in.ids = make(map[string]uint64)
	}
	id, ok := in.ids[s]
	if !ok {
		*next++
		id = *next
		in.ids[s] = id
	}
	*c = internEntry{p, len(s), id}
	return id, !ok
}

// Protobuf wire encoding.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
)

//go:norace
func appendTag(b []byte, field, wire int) []byte {
	return binary.AppendUvarint(b, uint64(field)<<3|uint64(wire))
}

//go:norace
func appendVarintField(b []byte, field int, v uint64) []byte {
	return binary.AppendUvarint(appendTag(b, field, wireVarint), v)
}

//go:norace
func appendFixed64Field(b []byte, field int, v uint64) []byte {
	return binary.LittleEndian.AppendUint64(appendTag(b, field, wireFixed64), v)
}

//go:norace
func appendBytesField(b []byte, field int, v []byte) []byte {
	b = binary.AppendUvarint(appendTag(b, field, wireBytes), uint64(len(v)))
	return append(b, v...)
}

//go:norace
func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
