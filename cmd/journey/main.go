// Command journey runs Journey, the platform for a Ketamine-Assisted
// Psychotherapy practice: `journey serve` runs the web server, `journey
// consults list` prints upcoming consults, `journey help` documents the rest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	_ "time/tzdata" // zone data inside the binary: slots must not depend on the host's zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "journey:", err)
		os.Exit(1)
	}
}

// run is main without the process: arguments, environment and streams are
// passed in so tests can drive every command.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usage(stdout)
	}
	switch args[0] {
	case "serve":
		cfg, err := parseConfig("serve", args[1:], getenv, stderr)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stdout)
	case "consults":
		if len(args) < 2 || args[1] != "list" {
			return fmt.Errorf("usage: journey consults list [--from YYYY-MM-DD]")
		}
		var f consultsListFlags
		rest, err := splitFlags(args[2:], ownFlags("consults list", stderr, f.define))
		if err != nil {
			return err
		}
		cfg, err := parseConfig("consults list", rest, getenv, stderr)
		if err != nil {
			return err
		}
		return listConsults(ctx, cfg, f.from, stdout)
	case "audit":
		return auditCommand(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		return backupCommand(ctx, args[1:], getenv, stdout, stderr)
	case "restore":
		return restoreCommand(ctx, args[1:], getenv, stdout, stderr)
	case "verify":
		return verifyCommand(ctx, args[1:], getenv, stdout, stderr)
	case "keys":
		return keysCommand(ctx, args[1:], getenv, stdout, stderr)
	case "tokens":
		return tokensCommand(ctx, args[1:], getenv, stdout, stderr)
	case "users":
		return usersCommand(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "migrate":
		return migrateCommand(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version":
		return printVersion(stdout)
	case "help", "-h", "--help":
		if len(args) > 1 {
			return commandHelp(stdout, strings.Join(args[1:], " "))
		}
		return usage(stdout)
	}
	return fmt.Errorf("unknown command %q; see `journey help`", args[0])
}
