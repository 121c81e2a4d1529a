package rt

// SetIdleJump turns sysmonIdleJump on or off for a test.
func SetIdleJump(on bool) { noIdleJump = !on }
