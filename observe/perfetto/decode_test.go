package perfetto_test

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// This file is a reader of Perfetto's protobuf trace format written for
// the tests from Perfetto's definitions alone — the field numbers of
// protos/perfetto/trace/{trace,trace_packet,trace_packet_defaults,
// clock_snapshot}.proto, interned_data/interned_data.proto and
// track_event/{track_event,track_descriptor,debug_annotation}.proto — and
// the rules trace processor applies when it imports one
// (src/trace_processor/importers/proto: proto_trace_reader.cc,
// track_event_tokenizer.cc, track_event_event_importer.h): packet
// sequences and their incremental state, sequence-scoped incremental
// clocks, interning, track descriptors, slice begin/end stacks, counters
// and flows. It shares nothing with the writer, and it is strict: what
// trace processor would drop or log as an import error fails the test.

// pTrack is a track as a TrackDescriptor declares it.
type pTrack struct {
	uuid, parent uint64
	name         string
	counter      bool
	order        uint64 // child_ordering
	rank         int64  // sibling_order_rank
	merge        uint64 // sibling_merge_behavior
}

// pSlice is a slice (or an instant: Dur 0, Instant set) on a track.
type pSlice struct {
	Track    uint64
	Name     string
	Ts, Dur  int64
	Instant  bool
	Depth    int
	Args     map[string]any
	FlowsOut []uint64 // flow_ids
	FlowsIn  []uint64 // terminating_flow_ids
}

// pCounter is a counter sample.
type pCounter struct {
	Track uint64
	Ts    int64
	Value int64
}

// pTrace is a decoded trace.
type pTrace struct {
	Tracks   map[uint64]*pTrack
	Order    []uint64 // track UUIDs in declaration order
	Slices   []*pSlice
	Counters []pCounter
	Packets  int
	Dangling int // flows with a source and no destination
}

// sequence is the incremental state of a packet sequence.
type sequence struct {
	valid        bool // a packet with SEQ_INCREMENTAL_STATE_CLEARED was seen
	defaultClock uint64
	// Interned data by field of InternedData, then iid.
	interned map[protowire.Number]map[uint64]string
	// Sequence-scoped clocks: incremental ones hold their last value.
	clocks map[uint64]*seqClock
}

type seqClock struct {
	incremental bool
	last        int64 // last value (incremental clocks)
	offset      int64 // trace time − clock time, from the snapshot
}

const (
	clockBoottime = 6
	// Flags of TracePacket.sequence_flags.
	seqIncrementalStateCleared = 1
	seqNeedsIncrementalState   = 2
)

// fields decodes a message into its fields, in order.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   uint64 // varint, fixed64
	b   []byte // bytes
}

func decodeFields(b []byte) ([]field, error) { return appendFields(nil, b) }

// appendFields decodes a message's fields into out.
func appendFields(out []field, b []byte) ([]field, error) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed64Type:
			f.v, n = protowire.ConsumeFixed64(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.v = uint64(v)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		default:
			return nil, fmt.Errorf("field %d: unexpected wire type %d", num, typ)
		}
		if n < 0 {
			return nil, fmt.Errorf("field %d: %v", num, protowire.ParseError(n))
		}
		b = b[n:]
		out = append(out, f)
	}
	return out, nil
}

// one returns the last value of a singular field (as protobuf does) and
// whether it is there.
func one(fs []field, num protowire.Number) (field, bool) {
	var f field
	ok := false
	for _, x := range fs {
		if x.num == num {
			f, ok = x, true
		}
	}
	return f, ok
}

func all(fs []field, num protowire.Number) []field {
	var out []field
	for _, x := range fs {
		if x.num == num {
			out = append(out, x)
		}
	}
	return out
}

// decodeTrace reads a whole trace and checks it.
func decodeTrace(data []byte) (*pTrace, error) {
	tr := &pTrace{Tracks: map[uint64]*pTrack{}}
	seqs := map[uint64]*sequence{}
	stacks := map[uint64][]*pSlice{}
	flowOpen := map[uint64]bool{}  // flows begun and not terminated
	flowSeen := map[uint64]int{}   // events per flow
	flowDone := map[uint64]bool{}  // terminated
	lastTs := int64(math.MinInt64) // trace time of the last timed packet
	top, err := decodeFields(data) // Trace
	if err != nil {
		return nil, fmt.Errorf("Trace: %v", err)
	}
	var p, ev []field // reused
	for pi, pf := range top {
		if pf.num != 1 || pf.typ != protowire.BytesType {
			return nil, fmt.Errorf("Trace has field %d (want only packet = 1)", pf.num)
		}
		tr.Packets++
		fail := func(format string, args ...any) error {
			return fmt.Errorf("packet %d: %s", pi, fmt.Sprintf(format, args...))
		}
		p, err = appendFields(p[:0], pf.b)
		if err != nil {
			return nil, fail("%v", err)
		}
		seqID := uint64(0)
		if f, ok := one(p, 10); ok { // trusted_packet_sequence_id
			seqID = f.v
		}
		seq := seqs[seqID]
		if seq == nil {
			seq = &sequence{}
			seqs[seqID] = seq
		}
		flags := uint64(0)
		if f, ok := one(p, 13); ok { // sequence_flags
			flags = f.v
		}
		if flags&seqIncrementalStateCleared != 0 {
			*seq = sequence{valid: true}
		}
		if flags&seqNeedsIncrementalState != 0 {
			if seqID == 0 {
				return nil, fail("SEQ_NEEDS_INCREMENTAL_STATE on sequence 0")
			}
			if !seq.valid {
				return nil, fail("SEQ_NEEDS_INCREMENTAL_STATE before the sequence's state was cleared")
			}
		}
		if f, ok := one(p, 59); ok { // trace_packet_defaults
			d, err := decodeFields(f.b)
			if err != nil {
				return nil, fail("defaults: %v", err)
			}
			if c, ok := one(d, 58); ok { // timestamp_clock_id
				seq.defaultClock = c.v
			}
		}
		if f, ok := one(p, 12); ok { // interned_data
			if err := intern(seq, f.b); err != nil {
				return nil, fail("interned_data: %v", err)
			}
		}
		if f, ok := one(p, 6); ok { // clock_snapshot
			if err := clockSnapshot(seq, seqID, f.b); err != nil {
				return nil, fail("clock_snapshot: %v", err)
			}
			continue // trace processor handles nothing else in such a packet
		}
		if f, ok := one(p, 60); ok { // track_descriptor
			t, err := trackDescriptor(f.b)
			if err != nil {
				return nil, fail("track_descriptor: %v", err)
			}
			if old := tr.Tracks[t.uuid]; old != nil {
				if old.parent != t.parent || old.counter != t.counter {
					return nil, fail("track %d redeclared differently", t.uuid)
				}
				if old.merge != 2 && old.name != t.name { // a mergeable track keeps its first name
					return nil, fail("track %d renamed from %q to %q without SIBLING_MERGE_BEHAVIOR_NONE", t.uuid, old.name, t.name)
				}
				old.name = t.name
			} else {
				if t.parent != 0 && tr.Tracks[t.parent] == nil {
					return nil, fail("track %q: parent %d not declared before it", t.name, t.parent)
				}
				tr.Tracks[t.uuid] = t
				tr.Order = append(tr.Order, t.uuid)
			}
		}
		te, ok := one(p, 11) // track_event
		if !ok {
			continue
		}
		// The packet's time, in the trace clock.
		tsf, ok := one(p, 8)
		if !ok {
			return nil, fail("track event without a timestamp")
		}
		clockID := seq.defaultClock
		if f, ok := one(p, 58); ok {
			clockID = f.v
		}
		var ts int64
		switch {
		case clockID == 0 || clockID == clockBoottime:
			ts = int64(tsf.v)
		case clockID >= 64 && clockID < 128:
			c := seq.clocks[clockID]
			if c == nil {
				return nil, fail("timestamp in sequence clock %d before any snapshot of it", clockID)
			}
			if c.incremental {
				c.last += int64(tsf.v)
				ts = c.last + c.offset
			} else {
				ts = int64(tsf.v) + c.offset
			}
		default:
			return nil, fail("timestamp in clock %d", clockID)
		}
		if ts < lastTs {
			return nil, fail("time goes back from %d to %d", lastTs, ts)
		}
		lastTs = ts
		ev, err = appendFields(ev[:0], te.b)
		if err != nil {
			return nil, fail("track_event: %v", err)
		}
		typ, _ := one(ev, 9)
		uf, ok := one(ev, 11)
		if !ok {
			return nil, fail("track event without track_uuid (no default track)")
		}
		track := tr.Tracks[uf.v]
		if track == nil {
			return nil, fail("track event on undeclared track %d", uf.v)
		}
		name := ""
		if f, ok := one(ev, 10); ok { // name_iid
			n, ok := seq.interned[2][f.v] // InternedData.event_names
			if !ok {
				return nil, fail("name_iid %d not interned", f.v)
			}
			name = n
		} else if f, ok := one(ev, 23); ok {
			name = string(f.b)
		}
		var args map[string]any
		var out, in []uint64
		var uuids, vals []field
		for _, f := range ev {
			switch f.num {
			case 4: // debug_annotations
				k, v, err := annotation(seq, f.b)
				if err != nil {
					return nil, fail("debug annotation: %v", err)
				}
				if args == nil {
					args = map[string]any{}
				}
				args[k] = v
			case 47, 48: // flow_ids, terminating_flow_ids
				if f.typ != protowire.Fixed64Type {
					return nil, fail("flow ids not fixed64")
				}
				if f.num == 47 {
					out = append(out, f.v)
				} else {
					in = append(in, f.v)
				}
			case 31: // extra_counter_track_uuids
				uuids = append(uuids, f)
			case 12: // extra_counter_values
				vals = append(vals, f)
			}
		}
		// extra_counter_values, on any type of event.
		if len(vals) > 8 {
			return nil, fail("%d extra counter values (trace processor takes 8)", len(vals))
		}
		if len(uuids) < len(vals) {
			return nil, fail("extra counter values without track uuids")
		}
		for i, v := range vals {
			t := tr.Tracks[uuids[i].v]
			if t == nil || !t.counter {
				return nil, fail("extra counter value for track %d, not a counter track", uuids[i].v)
			}
			tr.Counters = append(tr.Counters, pCounter{uuids[i].v, ts, int64(v.v)})
		}
		switch typ.v {
		case 1, 3: // TYPE_SLICE_BEGIN, TYPE_INSTANT
			if track.counter {
				return nil, fail("slice on counter track %q", track.name)
			}
			if name == "" {
				return nil, fail("slice without a name on %q", track.name)
			}
			s := &pSlice{Track: uf.v, Name: name, Ts: ts, Instant: typ.v == 3, Depth: len(stacks[uf.v]), Args: args, FlowsOut: out, FlowsIn: in}
			tr.Slices = append(tr.Slices, s)
			if typ.v == 1 {
				stacks[uf.v] = append(stacks[uf.v], s)
			}
			if err := flows(s, flowOpen, flowSeen, flowDone); err != nil {
				return nil, fail("%v", err)
			}
		case 2: // TYPE_SLICE_END
			st := stacks[uf.v]
			if len(st) == 0 {
				return nil, fail("slice end on %q with no open slice", track.name)
			}
			s := st[len(st)-1]
			stacks[uf.v] = st[:len(st)-1]
			s.Dur = ts - s.Ts
			for k, v := range args { // begin and end arguments are merged
				if s.Args == nil {
					s.Args = map[string]any{}
				}
				s.Args[k] = v
			}
			s.FlowsOut, s.FlowsIn = append(s.FlowsOut, out...), append(s.FlowsIn, in...)
			if len(out)+len(in) > 0 {
				if err := flows(&pSlice{FlowsOut: out, FlowsIn: in}, flowOpen, flowSeen, flowDone); err != nil {
					return nil, fail("%v", err)
				}
			}
		case 4: // TYPE_COUNTER
			if !track.counter {
				return nil, fail("counter value on non-counter track %q", track.name)
			}
			cv, ok := one(ev, 30)
			if !ok {
				return nil, fail("counter event without counter_value")
			}
			tr.Counters = append(tr.Counters, pCounter{uf.v, ts, int64(cv.v)})
		default:
			return nil, fail("track event of type %d", typ.v)
		}
	}
	for uuid, st := range stacks {
		if len(st) > 0 {
			return nil, fmt.Errorf("track %q ends with %d open slices (%q …)", tr.Tracks[uuid].name, len(st), st[0].Name)
		}
	}
	// A flow whose source is all there is (the goroutine never ran again)
	// draws no arrow: trace processor makes a flow of two events.
	for id, n := range flowSeen {
		if n < 2 && !flowOpen[id] {
			return nil, fmt.Errorf("flow %d has %d event", id, n)
		}
		if n < 2 {
			tr.Dangling++
		}
	}
	return tr, nil
}

// flows applies trace processor's flow rules to the flow IDs of a slice.
func flows(s *pSlice, open map[uint64]bool, seen map[uint64]int, done map[uint64]bool) error {
	for _, id := range s.FlowsOut {
		if done[id] {
			return fmt.Errorf("flow %d reused after it terminated", id)
		}
		open[id] = true
		seen[id]++
	}
	for _, id := range s.FlowsIn {
		if !open[id] {
			// trace processor: "do not begin a new one if it's not active"
			return fmt.Errorf("flow %d terminates without a source", id)
		}
		delete(open, id)
		done[id] = true
		seen[id]++
	}
	return nil
}

func intern(seq *sequence, b []byte) error {
	fs, err := decodeFields(b)
	if err != nil {
		return err
	}
	if !seq.valid {
		return fmt.Errorf("interned data before the sequence's state was cleared")
	}
	if seq.interned == nil {
		seq.interned = map[protowire.Number]map[uint64]string{}
	}
	for _, f := range fs {
		// event_names (2, EventName), debug_annotation_names (3,
		// DebugAnnotationName), debug_annotation_string_values (29,
		// InternedString): {iid = 1, name/str = 2}.
		if f.num != 2 && f.num != 3 && f.num != 29 {
			return fmt.Errorf("unexpected InternedData field %d", f.num)
		}
		e, err := decodeFields(f.b)
		if err != nil {
			return err
		}
		iid, ok1 := one(e, 1)
		s, ok2 := one(e, 2)
		if !ok1 || !ok2 || iid.v == 0 {
			return fmt.Errorf("interned entry without iid or string")
		}
		m := seq.interned[f.num]
		if m == nil {
			m = map[uint64]string{}
			seq.interned[f.num] = m
		}
		if old, ok := m[iid.v]; ok && old != string(s.b) {
			return fmt.Errorf("iid %d of field %d interned as %q and %q", iid.v, f.num, old, s.b)
		}
		m[iid.v] = string(s.b)
	}
	return nil
}

func clockSnapshot(seq *sequence, seqID uint64, b []byte) error {
	fs, err := decodeFields(b)
	if err != nil {
		return err
	}
	var boot *int64
	type clk struct {
		id, ts      uint64
		incremental bool
	}
	var seqClocks []clk
	for _, f := range all(fs, 1) { // clocks
		c, err := decodeFields(f.b)
		if err != nil {
			return err
		}
		id, _ := one(c, 1)
		ts, _ := one(c, 2)
		inc, _ := one(c, 3)
		if u, ok := one(c, 4); ok && u.v != 1 {
			return fmt.Errorf("clock %d has a unit multiplier", id.v)
		}
		switch {
		case id.v == clockBoottime:
			v := int64(ts.v)
			boot = &v
		case id.v >= 64 && id.v < 128:
			if seqID == 0 {
				return fmt.Errorf("sequence-scoped clock %d on sequence 0", id.v)
			}
			seqClocks = append(seqClocks, clk{id.v, ts.v, inc.v != 0})
		default:
			if inc.v != 0 {
				return fmt.Errorf("incremental clock %d is not sequence-scoped", id.v)
			}
		}
	}
	if pc, ok := one(fs, 2); ok && pc.v != clockBoottime {
		return fmt.Errorf("primary trace clock %d", pc.v)
	}
	if boot == nil {
		return fmt.Errorf("no BOOTTIME clock to convert to")
	}
	if seq.clocks == nil {
		seq.clocks = map[uint64]*seqClock{}
	}
	for _, c := range seqClocks {
		// The first timestamp after a snapshot is relative to the
		// snapshot's value of the clock.
		seq.clocks[c.id] = &seqClock{incremental: c.incremental, last: int64(c.ts), offset: *boot - int64(c.ts)}
	}
	return nil
}

func trackDescriptor(b []byte) (*pTrack, error) {
	fs, err := decodeFields(b)
	if err != nil {
		return nil, err
	}
	t := &pTrack{}
	u, ok := one(fs, 1)
	if !ok || u.v == 0 {
		return nil, fmt.Errorf("no uuid")
	}
	t.uuid = u.v
	if f, ok := one(fs, 5); ok {
		t.parent = f.v
	}
	if f, ok := one(fs, 2); ok {
		t.name = string(f.b)
	}
	_, t.counter = one(fs, 8)
	if f, ok := one(fs, 11); ok {
		t.order = f.v
	}
	if f, ok := one(fs, 12); ok {
		t.rank = int64(int32(f.v))
	}
	if f, ok := one(fs, 15); ok {
		t.merge = f.v
	}
	if _, ok := one(fs, 3); ok {
		return nil, fmt.Errorf("process track")
	}
	if _, ok := one(fs, 4); ok {
		return nil, fmt.Errorf("thread track")
	}
	return t, nil
}

// annotation decodes a DebugAnnotation of the kinds the writer may use.
func annotation(seq *sequence, b []byte) (string, any, error) {
	fs, err := decodeFields(b)
	if err != nil {
		return "", nil, err
	}
	var name string
	if f, ok := one(fs, 1); ok { // name_iid
		n, ok := seq.interned[3][f.v]
		if !ok {
			return "", nil, fmt.Errorf("name_iid %d not interned", f.v)
		}
		name = n
	} else if f, ok := one(fs, 10); ok {
		name = string(f.b)
	} else {
		return "", nil, fmt.Errorf("no name")
	}
	for _, f := range fs {
		switch f.num {
		case 2: // bool_value
			return name, f.v != 0, nil
		case 3: // uint_value
			return name, int64(f.v), nil
		case 4: // int_value
			return name, int64(f.v), nil
		case 6: // string_value
			return name, string(f.b), nil
		case 17: // string_value_iid
			s, ok := seq.interned[29][f.v]
			if !ok {
				return "", nil, fmt.Errorf("string_value_iid %d not interned", f.v)
			}
			return name, s, nil
		}
	}
	return "", nil, fmt.Errorf("annotation %q has no value", name)
}

// path is a track's name with its ancestors': "Ps/P0".
func (tr *pTrace) path(uuid uint64) string {
	t := tr.Tracks[uuid]
	if t.parent == 0 {
		return t.name
	}
	return tr.path(t.parent) + "/" + t.name
}
