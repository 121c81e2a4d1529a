module example.com/libs

go 1.26.0

require (
	github.com/gammazero/workerpool v1.1.3
	github.com/sourcegraph/conc v0.3.0
	golang.org/x/time v0.16.0
)

require github.com/gammazero/deque v0.2.0 // indirect
