package sync_test

import (
	"testing"

	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/sync"
)

// rwmutexWriterPreference: main holds a read lock; a writer arrives and
// waits for it; readers that arrive while the writer waits are blocked
// even though the lock is only read-held. When main's read lock goes, the
// writer runs; its Unlock releases the blocked readers (FIFO, each into
// runnext: the last one runs first).
func rwmutexWriterPreference(w *world) {
	rw, done := w.RWMutex(), w.WaitGroup()
	rw.RLock()
	reader := func(i int) func() {
		return func() {
			defer done.Done()
			w.Log("r%d rlock", i)
			rw.RLock()
			w.Log("r%d got", i)
			rw.RUnlock()
		}
	}
	done.Add(5)
	w.GoInOrder(
		func() {
			defer done.Done()
			w.Log("writer lock")
			rw.Lock()
			w.Log("writer got")
			rw.Unlock()
			w.Log("writer unlocked")
		},
		reader(1),
		func() {
			defer done.Done()
			w.Log("try: rlock %v, lock %v", rw.TryRLock(), rw.TryLock())
		},
		reader(2),
		func() {
			defer done.Done()
			w.Log("main's read lock released")
			rw.RUnlock()
		},
	)
	done.Wait()
}

func TestRWMutexWriterPreference(t *testing.T) {
	sameAsNative(t, rwmutexWriterPreference, []string{
		"writer lock",
		"r1 rlock",
		"try: rlock false, lock false",
		"r2 rlock",
		"main's read lock released",
		"writer got",
		"writer unlocked",
		"r2 got",
		"r1 got",
	})
}

// rwmutexWriters: writers serialise through the inner Mutex (FIFO), and a
// writer waiting for it does not keep readers out until it gets it.
func rwmutexWriters(w *world) {
	rw, done := w.RWMutex(), w.WaitGroup()
	rw.Lock()
	writer := func(i int) func() {
		return func() {
			defer done.Done()
			rw.Lock()
			w.Log("w%d got", i)
			rw.Unlock()
		}
	}
	reader := func(i int) func() {
		return func() {
			defer done.Done()
			rw.RLock()
			w.Log("r%d got", i)
			rw.RUnlock()
		}
	}
	done.Add(6)
	w.GoInOrder(writer(0), reader(0), writer(1), reader(1), writer(2), func() {
		defer done.Done()
		w.Log("unlock")
		rw.Unlock()
	})
	done.Wait()
}

func TestRWMutexWriters(t *testing.T) {
	sameAsNative(t, rwmutexWriters, nil)
}

// rlocker: RLocker's Lock and Unlock are RLock and RUnlock.
func TestRWMutexRLocker(t *testing.T) {
	_, err := gmp.Run(gmp.Config{Procs: 1}, func() {
		var rw sync.RWMutex
		l := rw.RLocker()
		l.Lock()
		l.Lock()
		if c, _ := sync.RWMutexCounts(&rw); c != 2 {
			t.Errorf("readerCount = %d after two RLocker().Lock, want 2", c)
		}
		if rw.TryLock() {
			t.Error("TryLock succeeded while read-locked")
		}
		l.Unlock()
		l.Unlock()
		if !rw.TryLock() {
			t.Error("TryLock failed on an unlocked RWMutex")
		}
		if c, _ := sync.RWMutexCounts(&rw); c != -1<<30 {
			t.Errorf("readerCount = %d while write-locked, want -rwmutexMaxReaders", c)
		}
		if rw.TryRLock() {
			t.Error("TryRLock succeeded while write-locked")
		}
		rw.Unlock()
		if !rw.TryRLock() {
			t.Error("TryRLock failed on an unlocked RWMutex")
		}
		rw.RUnlock()
	})
	if err != nil {
		t.Fatal(err)
	}
}
