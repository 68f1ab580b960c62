package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/sqldb"
)

// startAudit loads (or, on first start, creates) the audit key and starts
// the audit writer; it returns the key in use.
func startAudit(cfg *Config, db *sqldb.DB, log interface{ Warn(string, ...any) }) (audit.Key, error) {
	key, created, err := audit.LoadOrCreateKey(cfg.AuditKeyFile)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if created {
		log.Warn("generated the audit key; keep it out of database backups and back it up separately", "path", cfg.AuditKeyFile)
	}
	db.StartAudit(key, cfg.AuditHeadFile, sqldb.AuditHeadInterval(cfg.AuditHeadInterval))
	return key, nil
}

// auditCommand runs `journey audit verify` and `journey audit export`.
func auditCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "export") {
		return fmt.Errorf("usage: journey audit verify | journey audit export --format jsonl")
	}
	var f auditFlags
	rest, err := splitFlags(args[1:], ownFlags("audit "+args[0], stderr, f.define))
	if err != nil {
		return err
	}
	cfg, err := parseConfig("audit "+args[0], rest, getenv, stderr)
	if err != nil {
		return err
	}
	key, _, err := audit.LoadOrCreateKey(cfg.AuditKeyFile)
	if err != nil {
		return fmt.Errorf("audit key: %w", err)
	}
	a, err := open(ctx, cfg, io.Discard, false)
	if err != nil {
		return err
	}
	defer a.db.Close()
	if args[0] == "verify" {
		n, problem, err := a.db.VerifyAudit(ctx, key, cfg.AuditHeadFile)
		if err != nil {
			return err
		}
		if problem != nil {
			return fmt.Errorf("audit trail NOT intact after %d entries: %s", n, problem)
		}
		fmt.Fprintf(stdout, "audit trail intact: %d entries verified\n", n)
		return nil
	}
	if f.format != "jsonl" {
		return fmt.Errorf("--format: only jsonl is supported")
	}
	return exportAudit(ctx, a.db, stdout)
}

// exportAudit prints every entry as one JSON object a line, oldest first
// (the chain's order), streamed in batches as the CSV export is.
func exportAudit(ctx context.Context, db *sqldb.DB, out io.Writer) error {
	enc := json.NewEncoder(out)
	return db.EachAudit(ctx, journey.AuditFilter{}, func(e *journey.AuditEntry) error {
		return enc.Encode(map[string]any{"seq": e.Seq, "time": e.Time, "actor_id": e.ActorID, "actor_role": e.ActorRole,
			"action": e.Action, "subject_type": e.SubjectType, "subject_id": e.SubjectID, "client_addr": e.ClientAddr,
			"outcome": e.Outcome, "reason": e.Reason, "detail": e.Detail})
	})
}
