package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/gmplab/gmp/scenarios"
)

var cmdList = &command{
	Name:      "list",
	UsageLine: "gmp list",
	Short:     "list the built-in scenarios",
	Long: `List prints one line per built-in scenario: its name, the section of the
seed article it demonstrates, and what it shows.`,
	Flags: flag.NewFlagSet("list", flag.ContinueOnError),
	Run:   runList,
}

func runList(cmd *command, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "gmp list: unexpected arguments %q\nusage: %s\n", args, cmd.UsageLine)
		return errUsage
	}
	for _, s := range scenarios.All() {
		fmt.Fprintf(stdout, "%-20s %-8s %s\n", s.Name, s.Section, s.Summary)
	}
	return nil
}
