// Package gmpdebug parses the settings gmp takes in GODEBUG's syntax: the
// GMPDEBUG environment variable, which gmp.Run reads, and the command's
// --schedtrace flag, which takes the same durations.
package gmpdebug

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Parse parses GMPDEBUG: comma-separated name=value pairs as in GODEBUG.
// schedtrace=X takes X in milliseconds (as GODEBUG does) or as a Go
// duration ("100us"); scheddetail=1 adds the detailed lines.
//
//go:norace
func Parse(s string) (trace time.Duration, detail bool, err error) {
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return 0, false, fmt.Errorf("gmp: GMPDEBUG: %q is not name=value", kv)
		}
		switch k {
		case "schedtrace":
			d, err := ParseDurationMS(v)
			if err != nil {
				return 0, false, fmt.Errorf("gmp: GMPDEBUG: schedtrace=%s: %v", v, err)
			}
			trace = d
		case "scheddetail":
			switch v {
			case "0":
				detail = false
			case "1":
				detail = true
			default:
				return 0, false, fmt.Errorf("gmp: GMPDEBUG: scheddetail=%s: want 0 or 1", v)
			}
		default:
			return 0, false, fmt.Errorf("gmp: GMPDEBUG: unknown setting %q (known: schedtrace, scheddetail)", k)
		}
	}
	return trace, detail, nil
}

// ParseDurationMS parses a duration given as a plain number of
// milliseconds (GODEBUG's unit) or as a Go duration string.
//
//go:norace
func ParseDurationMS(v string) (time.Duration, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, errors.New("must not be negative")
		}
		return time.Duration(n) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("want milliseconds or a duration such as 100us")
	}
	if d < 0 {
		return 0, errors.New("must not be negative")
	}
	return d, nil
}
