package sqldb

import (
	"context"
	"fmt"

	"github.com/journey-kap/journey"
)

// FindClientsByIDs returns the clients of ids that exist, with their care
// teams, in no particular order: the calendar labels each session's client
// as its viewer may see them, and a week holds a few hundred sessions, so
// one read rather than one per client.
func (db *DB) FindClientsByIDs(ctx context.Context, ids []int64) ([]*journey.Client, error) {
	if len(ids) == 0 {
		return []*journey.Client{}, nil
	}
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = fmt.Sprint(id)
	}
	rows, err := db.query(ctx, `SELECT `+clientColumns+` FROM clients
		WHERE id IN (SELECT CAST(value AS BIGINT) FROM `+db.jsonValues()+`)`, jsonList(list))
	if err != nil {
		return nil, err
	}
	cs, err := db.scanClients(rows)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		cs = []*journey.Client{}
	}
	return cs, db.loadCareTeams(ctx, cs)
}
