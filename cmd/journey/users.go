package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/sqldb"
)

// usersCommand runs `journey users add`: the way to create the first
// admin, before anyone can sign in to invite others.
func usersCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: journey users add --email EMAIL --name NAME --role ROLE[,ROLE] --password-stdin")
	}
	var f usersAddFlags
	rest, err := splitFlags(args[1:], ownFlags("users add", stderr, f.define))
	if err != nil {
		return err
	}
	cfg, err := parseConfig("users add", rest, getenv, stderr)
	if err != nil {
		return err
	}
	if !f.passwordStdin {
		return fmt.Errorf("--password-stdin is required: a password on the command line ends up in shell history")
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("read password: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")
	u := &journey.User{Kind: journey.UserStaff, Name: f.name, Email: f.email, Roles: journey.ParseRoles(f.roles), Active: true}
	if len(u.Roles) == 1 && u.Roles[0] == journey.RoleClient {
		u.Kind = journey.UserClient
	}
	if err := auth.CheckPassword(password, f.email, f.name); err != nil {
		return err
	}
	a, err := open(ctx, cfg, io.Discard, false)
	if err != nil {
		return err
	}
	defer a.db.Close()
	if err := addUser(ctx, a.db, u, password); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Added %s (user %d) with roles %s.\n", u.Email, u.ID, strings.Join(u.Roles, ", "))
	if u.IsStaff() {
		fmt.Fprintln(stdout, "They set up two-step sign-in the first time they sign in.")
	}
	return nil
}

// addUser hashes the password and stores the user.
func addUser(ctx context.Context, db *sqldb.DB, u *journey.User, password string) error {
	hash, err := auth.NewHasher(0, nil).Hash(ctx, password)
	if err != nil {
		return err
	}
	if err := db.CreateUser(ctx, u, hash); err != nil {
		return fmt.Errorf("%s%s", journey.ErrorMessage(err), fieldList(err))
	}
	return nil
}

func fieldList(err error) string {
	var parts []string
	for _, f := range journey.ErrorFields(err) {
		parts = append(parts, f.Field+": "+f.Detail)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// splitFlags parses the command's own flags and returns the rest for the
// shared configuration flags.
func splitFlags(args []string, fs *flag.FlagSet) ([]string, error) {
	var own, rest []string
	for i := 0; i < len(args); i++ {
		name := strings.TrimLeft(strings.SplitN(args[i], "=", 2)[0], "-")
		if f := fs.Lookup(name); f != nil {
			own = append(own, args[i])
			if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !strings.Contains(args[i], "=") && !isBool && i+1 < len(args) {
				own = append(own, args[i+1])
				i++
			}
			continue
		}
		rest = append(rest, args[i])
		if !strings.Contains(args[i], "=") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			rest = append(rest, args[i+1])
			i++
		}
	}
	return rest, fs.Parse(own)
}
