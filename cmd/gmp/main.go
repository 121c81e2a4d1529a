// Command gmp runs the built-in scenarios of the gmp simulator — programs
// that show the Go runtime's scheduler at work, in virtual time, with the
// same output for the same seed — and ordinary Go packages and their
// tests, translated to run on it.
//
// Usage:
//
//	gmp list
//	gmp run NAME [flags]
//	gmp run ./cmd/x [flags] [args]
//	gmp test [go test flags] [-gmp.* flags] [packages]
//	gmp explore NAME|./pkg [flags]
//	gmp translate [-explain] [-o DIR] [packages]
//	gmp help [COMMAND]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// A command is one subcommand of gmp, like the go command's base.Command.
type command struct {
	Name      string
	UsageLine string
	Short     string
	Long      string
	Flags     *flag.FlagSet
	// CustomFlags: the command parses its own arguments (gmp test passes
	// go test's flags through).
	CustomFlags bool
	Run         func(cmd *command, args []string, stdout, stderr io.Writer) error
}

var commands = []*command{cmdList, cmdRun, cmdTest, cmdExplore, cmdTranslate}

func main() {
	handleSignals = true
	os.Exit(gmpMain(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage reports a command-line error; the message is already printed.
var errUsage = errors.New("usage")

func gmpMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		if len(args) > 1 {
			if cmd := lookup(args[1]); cmd != nil {
				helpCommand(stdout, cmd)
				return 0
			}
			fmt.Fprintf(stderr, "gmp help %s: unknown command\n", args[1])
			return 2
		}
		usage(stdout)
		return 0
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "gmp %s: unknown command\nRun 'gmp help' for usage.\n", name)
		return 2
	}
	cmd.Flags.SetOutput(io.Discard)
	if cmd.CustomFlags {
		return finish(cmd, cmd.Run(cmd, args[1:], stdout, stderr), stderr)
	}
	// Flags may come before or after the positional arguments
	// (gmp run NAME --procs 2), so parse around each positional one.
	var positional []string
	rest := args[1:]
	for {
		if err := cmd.Flags.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				helpCommand(stdout, cmd)
				return 0
			}
			fmt.Fprintf(stderr, "gmp %s: %v\nusage: %s\nRun 'gmp help %s' for details.\n", cmd.Name, err, cmd.UsageLine, cmd.Name)
			return 2
		}
		rest = cmd.Flags.Args()
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		rest = rest[1:]
	}
	return finish(cmd, cmd.Run(cmd, positional, stdout, stderr), stderr)
}

// finish turns a command's error into the exit status.
func finish(cmd *command, err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, errUsage) {
		return 2
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code // a child's failure: its output says why
	}
	fmt.Fprintf(stderr, "gmp %s: %v\n", cmd.Name, err)
	var ie *interruptedError
	if errors.As(err, &ie) {
		return ie.exitCode()
	}
	return 1
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "gmp runs Go programs on a simulated, deterministic Go runtime scheduler.\n\nUsage:\n\n\tgmp <command> [arguments]\n\nThe commands are:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-8s %s\n", c.Name, c.Short)
	}
	fmt.Fprintf(w, "\nUse \"gmp help <command>\" for more information about a command.\n")
}

func helpCommand(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n", cmd.UsageLine, strings.TrimSpace(cmd.Long))
	var flags strings.Builder
	cmd.Flags.SetOutput(&flags)
	cmd.Flags.PrintDefaults()
	cmd.Flags.SetOutput(io.Discard)
	if flags.Len() > 0 {
		fmt.Fprintf(w, "\nFlags:\n%s", flags.String())
	}
}
