package sqldb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/journey-kap/journey"
)

// EachLogEntry reads f's entries, oldest first, for a file of the log: a
// month holds tens of thousands, so they are never gathered but go to fn
// as they are read, and the range is read in up to parts spans of at
// least a day, at once, each on a connection of its own (never more than
// half the read pool, so each span can look its names up beside it). A
// span is read in one snapshot: first what its entries name, the lots and
// the clients, which go to names (so a report looks each name up once
// before its span's first row), then each entry to fn in order. names and
// fn are called with the span's number, from 0 at the range's start, and
// the spans run at once: a caller keeps what it writes per span and puts
// the spans together in order. fn's entry is reused from one call to the
// next; it carries its container's number and lot and its mg, but not
// its ID, LocationID or CountID, which a file does not show. f's Limit is
// not applied: a file holds every entry. The first error from a span, or
// from names or fn, ends every span's read and is returned.
func (db *DB) EachLogEntry(ctx context.Context, f journey.LogFilter, parts int,
	names func(part int, lots, clients []int64) error, fn func(part int, e *journey.LogEntry) error) error {
	spans := logSpans(f, min(parts, db.Read.Stats().MaxOpenConnections/2))
	if len(spans) == 1 {
		return db.eachLogEntry(ctx, f, func(l, c []int64) error { return names(0, l, c) }, func(e *journey.LogEntry) error { return fn(0, e) })
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i, g := range spans {
		wg.Go(func() {
			err := db.eachLogEntry(ctx, g, func(l, c []int64) error { return names(i, l, c) }, func(e *journey.LogEntry) error { return fn(i, e) })
			if err != nil {
				once.Do(func() { first = err })
				cancel()
			}
		})
	}
	wg.Wait()
	return first
}

// logSpans splits f's range into at most n spans, in order, each at
// least a day; a range without both ends is one span.
func logSpans(f journey.LogFilter, n int) []journey.LogFilter {
	if f.From.IsZero() || f.To.IsZero() {
		return []journey.LogFilter{f}
	}
	n = max(1, min(n, int(f.To.Sub(f.From)/(24*time.Hour))))
	step := f.To.Sub(f.From) / time.Duration(n)
	out := make([]journey.LogFilter, n)
	for i := range out {
		out[i] = f
		if i > 0 {
			out[i].From = out[i-1].To
		}
		if i < n-1 {
			out[i].To = f.From.Add(time.Duration(i+1) * step).Truncate(time.Second)
		}
	}
	return out
}

// eachLogEntry reads f's entries as EachLogEntry does, as one part, in
// one snapshot.
func (db *DB) eachLogEntry(ctx context.Context, f journey.LogFilter, names func(lots, clients []int64) error, fn func(*journey.LogEntry) error) error {
	hi := int64(math.MaxInt64)
	if !f.To.IsZero() {
		hi = unix(f.To)
	}
	in := []any{unix(f.From), hi, f.LocationID, f.LocationID}
	const where = ` FROM cs_entries WHERE at >= ? AND at < ? AND (? = 0 OR location_id = ?)`
	return db.view(ctx, func(query queryFunc) error {
		type box struct {
			lot    int64
			number int
			mg     float64
		}
		boxes, lots, clients := map[int64]box{}, []int64{}, []int64{}
		rows, err := query(ctx, `SELECT c.id, c.lot_id, c.number, l.mg_per_unit FROM (SELECT DISTINCT container_id`+where+`) e
			JOIN cs_containers c ON c.id = e.container_id JOIN cs_lots l ON l.id = c.lot_id`, in...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var b box
			if err := rows.Scan(&id, &b.lot, &b.number, &b.mg); err != nil {
				rows.Close()
				return err
			}
			boxes[id] = b
			if !slices.Contains(lots, b.lot) {
				lots = append(lots, b.lot)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if rows, err = query(ctx, `SELECT DISTINCT client_id`+where+` AND client_id IS NOT NULL`, in...); err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			clients = append(clients, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		slices.Sort(lots)
		slices.Sort(clients)
		if err := names(lots, clients); err != nil {
			return err
		}
		if rows, err = query(ctx, `SELECT `+logFileFields+where+` ORDER BY at, id`, in...); err != nil {
			return err
		}
		defer rows.Close()
		var e journey.LogEntry
		var fields string
		var c float64
		for rows.Next() {
			if err := rows.Scan(&fields); err != nil {
				return err
			}
			if err := readLogFields(fields, &e, &c); err != nil {
				return err
			}
			b := boxes[e.ContainerID]
			e.LotID, e.ContainerNo = b.lot, b.number
			e.Mg = math.Round(e.Amount*b.mg*1000) / 1000
			if err := fn(&e); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// logFileFields are the fields of an entry a file of the log shows, as
// one value: words separated by single spaces (kind, container, amount,
// balance after, what was counted or nothing, session, client and
// witness or 0, signer, signature, time), then the reason, free text.
// With the SQLite driver each value read costs about as much as the rest
// of the row's work, so a month's read takes one value a row instead of
// twelve; SQLite's cs_entries_file index holds it (migration 0042, the
// same expression), so the read never visits the table.
const logFileFields = `kind || ' ' || container_id || ' ' || amount || ' ' || balance_after || ' ' || COALESCE(CAST(counted AS TEXT), '') || ' ' ||
	COALESCE(session_id, 0) || ' ' || COALESCE(client_id, 0) || ' ' || COALESCE(witness_id, 0) || ' ' || by_id || ' ' || signature || ' ' ||
	at || ' ' || reason`

// readLogFields sets e's fields from a value of logFileFields; e's
// Counted points at counted when it has one. An error names a value that
// is not one.
func readLogFields(s string, e *journey.LogEntry, counted *float64) error {
	r := fieldReader{s: s}
	e.Kind, e.ContainerID = r.word(), r.int()
	e.Amount, e.Balance = units(r.int()), units(r.int())
	e.Counted = nil
	if w := r.word(); w != "" {
		v, err := strconv.ParseInt(w, 10, 64)
		if err != nil {
			return fmt.Errorf("sqldb: log entry %q: %w", s, err)
		}
		*counted = units(v)
		e.Counted = counted
	}
	e.SessionID, e.ClientID, e.WitnessID, e.By = r.int(), r.int(), r.int(), r.int()
	e.Signature, e.At, e.Reason = r.word(), fromUnix(r.int()), r.s
	if r.err != nil {
		return fmt.Errorf("sqldb: log entry %q: %w", s, r.err)
	}
	return nil
}

// fieldReader reads space-separated words from s, keeping the first error.
type fieldReader struct {
	s   string
	err error
}

func (r *fieldReader) word() string {
	w, rest, ok := strings.Cut(r.s, " ")
	if !ok && r.err == nil {
		r.err = errors.New("too few fields")
	}
	r.s = rest
	return w
}

func (r *fieldReader) int() int64 {
	v, err := strconv.ParseInt(r.word(), 10, 64)
	if err != nil && r.err == nil {
		r.err = err
	}
	return v
}
