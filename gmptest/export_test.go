package gmptest

import (
	"github.com/gmplab/gmp"
	"github.com/gmplab/gmp/internal/explore"
)

// BodyTarget is Explore's target for body, for the explorer's own tests.
func BodyTarget(name string, opts Options, body func(*T)) explore.Target {
	return &bodyTarget{name: name, body: body, allowLeaks: opts.AllowLeaks}
}

// RunConfig is the configuration Explore gives every run.
func RunConfig(opts Options) gmp.Config { return runConfig(opts) }
