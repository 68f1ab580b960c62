package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/journey-kap/journey"
)

// command is one subcommand as help describes it. Its own flags are
// declared by flags, the same function the command parses with, so help
// cannot drift from what the command accepts.
type command struct {
	name     string // "users add"
	synopsis string // the arguments after the name
	summary  string
	flags    func(fs *flag.FlagSet) // nil: only the shared settings
	server   bool                   // takes the server's settings too
}

var commands = []command{
	{name: "serve", summary: "run the web server", server: true},
	{name: "consults list", synopsis: "[--from YYYY-MM-DD]", summary: "print upcoming consults",
		flags: func(fs *flag.FlagSet) { new(consultsListFlags).define(fs) }},
	{name: "audit verify", summary: "check the audit trail's chain and head checkpoint; non-zero exit if it was tampered with"},
	{name: "audit export", synopsis: "[--format jsonl]", summary: "print the audit trail, one JSON object a line",
		flags: func(fs *flag.FlagSet) { new(auditFlags).define(fs) }},
	{name: "tokens create", synopsis: "--user EMAIL [--expires 24h] [--name NAME]", summary: "print a personal access token for the API",
		flags: func(fs *flag.FlagSet) { new(tokensCreateFlags).define(fs) }},
	{name: "users add", synopsis: "--email E --name N --role R[,R] --password-stdin", summary: "add a user (the first admin, say); the password comes on standard input",
		flags: func(fs *flag.FlagSet) { new(usersAddFlags).define(fs) }},
	{name: "backup", synopsis: "--to FILE", summary: "write a consistent backup of the database while it serves (the key files are never in it: keep them apart)",
		flags: func(fs *flag.FlagSet) { new(backupFlags).define(fs) }},
	{name: "restore", synopsis: "--from FILE", summary: "restore a backup into an empty --data folder or --database, check it, and write its audit head to --audit-head-file",
		flags: func(fs *flag.FlagSet) { new(restoreFlags).define(fs) }},
	{name: "verify", synopsis: "[--backup FILE]", summary: "check the database (storage integrity, schema version, every data key unwraps, the audit trail), or a backup file; non-zero exit if not",
		flags: func(fs *flag.FlagSet) { new(verifyFlags).define(fs) }},
	{name: "keys init", summary: "create the master key file (--master-key-file) that encrypts PHI"},
	{name: "keys rotate", summary: "add a new master key to that file and rewrap the data keys under it, without stopping running processes"},
	{name: "migrate", synopsis: "--dry-run", summary: "list the migrations a start would apply, applying none (no key file needed)",
		flags: func(fs *flag.FlagSet) { new(migrateFlags).define(fs) }},
	{name: "version", summary: "print the release this binary is (also in /healthz and the metrics' journey_build_info)"},
	{name: "help", synopsis: "[COMMAND]", summary: "show this help, or one command's"},
}

// consultsListFlags are `consults list`'s own flags.
type consultsListFlags struct{ from string }

func (f *consultsListFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.from, "from", "", "first day to list, YYYY-MM-DD in the practice's zone (default today)")
}

// auditFlags are `audit export`'s own flags.
type auditFlags struct{ format string }

func (f *auditFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.format, "format", "jsonl", "export format: jsonl")
}

// tokensCreateFlags are `tokens create`'s own flags.
type tokensCreateFlags struct {
	user, name string
	expires    time.Duration
}

func (f *tokensCreateFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.user, "user", "", "email of the staff member the token acts as")
	fs.DurationVar(&f.expires, "expires", 24*time.Hour, "how long the token lasts (at most 90 days)")
	fs.StringVar(&f.name, "name", "command line", "a name to recognise the token by")
}

// usersAddFlags are `users add`'s own flags.
type usersAddFlags struct {
	email, name, roles string
	passwordStdin      bool
}

func (f *usersAddFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.email, "email", "", "the person's email address (they sign in with it)")
	fs.StringVar(&f.name, "name", "", "the person's name")
	fs.StringVar(&f.roles, "role", "", "comma-separated roles: "+strings.Join(journey.StaffRoles, ", ")+", or client")
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from standard input (required: a password on the command line ends up in shell history)")
}

// ownFlags returns a flag set for the named command's own flags, its
// usage printing that command's help.
func ownFlags(name string, stderr io.Writer, define func(fs *flag.FlagSet)) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { _ = commandHelp(stderr, name) }
	define(fs)
	return fs
}

const intro = `journey runs a Ketamine-Assisted Psychotherapy practice end to end: the public
site and consult booking, the client portal (intake, questionnaires, consent),
screening and medical review, and the staff's records, with an audit trail and
encrypted records. One binary; SQLite by default, PostgreSQL with --database.
`

// usage prints the overview: every command, then the shared settings.
func usage(w io.Writer) error {
	fmt.Fprint(w, intro+"\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  journey %s\n      %s\n", strings.TrimSpace(c.name+" "+c.synopsis), c.summary)
	}
	fmt.Fprint(w, "\n`journey help COMMAND` shows a command's own flags and settings.\n")
	printSettings(w, "Settings of every command", false)
	printSettings(w, "Settings of journey serve", true)
	return nil
}

// commandHelp prints one command's help: its flags, then the settings it
// takes. name may be a whole command ("users add") or its first word.
func commandHelp(w io.Writer, name string) error {
	var found, server bool
	for _, c := range commands {
		if c.name != name && !strings.HasPrefix(c.name, name+" ") {
			continue
		}
		if found {
			fmt.Fprintln(w)
		}
		found, server = true, server || c.server
		fmt.Fprintf(w, "Usage: journey %s [settings]\n  %s\n", strings.TrimSpace(c.name+" "+c.synopsis), c.summary)
		if c.flags != nil {
			fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
			c.flags(fs)
			fmt.Fprintf(w, "\nFlags of %s:\n", c.name)
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fs.VisitAll(func(f *flag.Flag) {
				fmt.Fprintf(tw, "  --%s\t%s%s\n", f.Name, f.Usage, defaultNote(f.DefValue, f.Usage))
			})
			tw.Flush()
		}
	}
	if !found {
		return fmt.Errorf("no command %q; see `journey help`", name)
	}
	if name != "help" {
		printSettings(w, "Settings", false)
	}
	if server {
		printSettings(w, "Settings of the server", true)
	}
	return nil
}

// printSettings lists the shared settings with their variables: the
// server's own when server is true, the others otherwise.
func printSettings(w io.Writer, title string, server bool) {
	fmt.Fprintf(w, "\n%s (a flag wins over its environment variable):\n", title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range settings {
		if s.server == server {
			fmt.Fprintf(tw, "  --%s\t%s\t%s%s\n", s.flag, s.env, s.help, defaultNote(s.def, s.help))
		}
	}
	tw.Flush()
}

// defaultNote says the default once: not for an empty one, nor where the
// help already names it.
func defaultNote(def, help string) string {
	if def == "" || def == "false" || strings.Contains(help, "(default") {
		return ""
	}
	return " (default " + def + ")"
}
