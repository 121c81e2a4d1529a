package gmpdebug

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in     string
		trace  time.Duration
		detail bool
		ok     bool
	}{
		{"", 0, false, true},
		{"schedtrace=5", 5 * time.Millisecond, false, true},
		{"schedtrace=250us, scheddetail=1", 250 * time.Microsecond, true, true},
		{"scheddetail=1,scheddetail=0", 0, false, true},
		{"schedtrace=-1", 0, false, false},
		{"schedtrace=-1ms", 0, false, false},
		{"schedtrace=soon", 0, false, false},
		{"scheddetail=yes", 0, false, false},
		{"gctrace=1", 0, false, false},
		{"schedtrace", 0, false, false},
	} {
		trace, detail, err := Parse(c.in)
		if (err == nil) != c.ok || trace != c.trace || detail != c.detail {
			t.Errorf("Parse(%q) = %v, %v, %v", c.in, trace, detail, err)
		}
	}
}
