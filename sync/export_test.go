package sync

import "strings"

// MutexState describes m's state word: its bits and waiter count.
func MutexState(m *Mutex) string {
	var bits []string
	if m.state&mutexLocked != 0 {
		bits = append(bits, "locked")
	}
	if m.state&mutexWoken != 0 {
		bits = append(bits, "woken")
	}
	if m.state&mutexStarving != 0 {
		bits = append(bits, "starving")
	}
	if len(bits) == 0 {
		bits = append(bits, "unlocked")
	}
	return strings.Join(bits, "|") + " waiters=" + itoa(int(m.state>>mutexWaiterShift))
}

func itoa(v int) string {
	if v < 0 {
		return "-" + itoa(-v)
	}
	if v < 10 {
		return string(rune('0' + v))
	}
	return itoa(v/10) + itoa(v%10)
}

// RWMutexCounts returns rw's readerCount and readerWait.
func RWMutexCounts(rw *RWMutex) (readerCount, readerWait int32) {
	return rw.readerCount, rw.readerWait
}

// WaitGroupState returns wg's counter and waiter count.
func WaitGroupState(wg *WaitGroup) (counter int32, waiters uint32) {
	return int32(wg.state >> 32), uint32(wg.state & 0x7fffffff)
}
