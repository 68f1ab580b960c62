package main

import (
	"context"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// demoTelehealth is the demo practice's video room per remote session: a
// fictional address, so the links show in the portal and the plan pages.
const demoTelehealth = "https://video.example/cedar-and-tide/room/{room}"

// seedCarePath sets the demo practice's care path: Journey's default plan
// and rules, and a telehealth link template, saved by the demo admin.
func seedCarePath(ctx context.Context, db *sqldb.DB) error {
	admin, err := db.FindUserByEmail(ctx, demoAccounts[0].Email)
	if err != nil {
		return err
	}
	cs := journey.DefaultCareSettings()
	cs.TelehealthTemplate, cs.UpdatedBy = demoTelehealth, admin.ID
	return db.UpdateCareSettings(ctx, cs)
}
