//go:build linux

package calibrate

// Syscall benchmark: cost-model entry SyscallEnterExit (entersyscall +
// exitsyscall overhead).

import (
	_ "unsafe" // for go:linkname

	"syscall"
	"testing"
)

// runtime.entersyscall and runtime.exitsyscall are pull-linkable on
// purpose (go.dev/issue/67401).

//go:linkname entersyscall runtime.entersyscall
func entersyscall()

//go:linkname exitsyscall runtime.exitsyscall
func exitsyscall()

// enterExitSyscall is syscall.Syscall without the system call: it must be
// nosplit for the same reason (the stack must not move between
// entersyscall and exitsyscall). It is not race-instrumented, like the
// runtime's own syscall wrappers.
//
//go:nosplit
//go:norace
func enterExitSyscall() {
	entersyscall()
	exitsyscall()
}

// BenchmarkSyscall measures the runtime's system call bracket on
// GOMAXPROCS=1 three ways:
//
//   - syscall: getpid(2) through syscall.Syscall, which wraps the call in
//     runtime.entersyscall/exitsyscall (save pc/sp, mark the g _Gsyscall
//     so sysmon may retake the P if the call blocks, then the exitsyscall
//     fast path that keeps the P).
//   - raw: the same getpid(2) through syscall.RawSyscall, without the
//     bracket (syscall.Getpid itself takes this raw path). Its ns/op is
//     the kernel round trip of a trivial system call on this machine.
//   - enter-exit: entersyscall+exitsyscall with no system call between
//     them (linknamed). This is the SyscallEnterExit entry; it should
//     match syscall − raw, which is noisier as a difference of two
//     ~200 ns numbers.
func BenchmarkSyscall(b *testing.B) {
	b.Run("syscall", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		for b.Loop() {
			syscall.Syscall(syscall.SYS_GETPID, 0, 0, 0)
		}
	})
	b.Run("raw", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		for b.Loop() {
			syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
		}
	})
	b.Run("enter-exit", func(b *testing.B) {
		defer setProcs(1)()
		b.ReportAllocs()
		for b.Loop() {
			enterExitSyscall()
		}
	})
}
