package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/journey-kap/journey/internal/processing"
)

// tokensCommand runs `journey tokens create --user EMAIL [--expires 24h]`
// and prints a personal access token for the API.
func tokensCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("usage: journey tokens create --user EMAIL [--expires 24h] [--name NAME]")
	}
	var f tokensCreateFlags
	rest, err := splitFlags(args[1:], ownFlags("tokens create", stderr, f.define))
	if err != nil {
		return err
	}
	if f.expires <= 0 || f.expires > 90*24*time.Hour {
		return fmt.Errorf("--expires: between 1s and 2160h (90 days)")
	}
	cfg, err := parseConfig("tokens create", rest, getenv, stderr)
	if err != nil {
		return err
	}
	a, err := open(ctx, cfg, io.Discard, false)
	if err != nil {
		return err
	}
	defer a.db.Close()
	if _, err := startAudit(cfg, a.db, a.log); err != nil {
		return err
	}
	u, err := a.db.FindUserByEmail(ctx, f.user)
	if err != nil || !u.Active {
		return fmt.Errorf("no active user with the email %q", f.user)
	}
	// The same call as the API tokens page: the console acts for the user.
	token, err := processing.New(a.db).CreateAPIToken(ctx, processing.Console(u.ID), f.name, a.db.Now().Add(f.expires), "journey tokens create")
	if err != nil {
		return err
	}
	if err := a.db.FlushAudit(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}
