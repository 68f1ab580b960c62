package sqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// monday9 is 09:00 in New York on a Monday well ahead of the fixed clock.
var monday9 = time.Date(2030, 1, 7, 9, 0, 0, 0, mustZone("America/New_York"))

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// fixture opens a seeded database whose clock reads the Wednesday before monday9.
func fixture(t *testing.T) (*sqldb.DB, *journey.Therapist, *journey.Therapist, *time.Time) {
	t.Helper()
	db := sqldbtest.Open(t)
	now := monday9.AddDate(0, 0, -5)
	db.Now = sqldbtest.FixedClock(&now)
	ny, la := sqldbtest.MustSeed(t, db)
	return db, ny, la, &now
}

func booking(start time.Time, therapist int64, email string) *journey.BookingRequest {
	return &journey.BookingRequest{Start: start, TherapistID: therapist, Name: "Ada Visitor", Email: email,
		ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "Europe/London", Reason: "Feeling stuck", PrivacyConsent: true}
}

func outbox(t *testing.T, db *sqldb.DB) []*journey.Message {
	t.Helper()
	ms, err := db.FindMessages(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*journey.Message, 0, len(ms))
	for _, m := range ms {
		full, err := db.FindMessageByID(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, full)
	}
	return out
}

func TestFindSlots(t *testing.T) {
	db, ny, la, _ := fixture(t)
	ctx := context.Background()
	day := time.Date(2030, 1, 7, 0, 0, 0, 0, mustZone("America/New_York"))
	slots, err := db.FindSlots(ctx, journey.SlotQuery{From: day, Days: 1, TherapistID: ny.ID})
	if err != nil {
		t.Fatal(err)
	}
	// 09:00–12:00 in 30-minute steps.
	if len(slots) != 6 || !slots[0].Start.Equal(monday9) || slots[0].TherapistID != ny.ID {
		t.Fatalf("NY slots = %v", slots)
	}
	all, _ := db.FindSlots(ctx, journey.SlotQuery{From: day, Days: 1})
	// LA: 09:00–17:00 LA = 12:00–20:00 NY, 40-minute steps (30 + 10 buffer) → 12 slots; until midnight NY.
	var nLA int
	for _, s := range all {
		if s.TherapistID == la.ID {
			nLA++
		}
	}
	if len(all) != 6+nLA || nLA != 12 {
		t.Fatalf("all slots: %d (LA %d)", len(all), nLA)
	}
	for _, bad := range []int{0, journey.MaxSlotDays + 1} {
		if _, err := db.FindSlots(ctx, journey.SlotQuery{From: day, Days: bad}); journey.ErrorCode(err) != journey.EINVALID {
			t.Errorf("days=%d: %v", bad, err)
		}
	}
	if _, err := db.FindSlots(ctx, journey.SlotQuery{From: day, Days: 1, TherapistID: 424242}); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("unknown therapist: %v", err)
	}
}

func TestCreateConsult(t *testing.T) {
	db, ny, la, now := fixture(t)
	ctx := context.Background()
	var enqueued []int64
	db.Enqueue = func(ctx context.Context, tx *sql.Tx, ids []int64) error {
		if tx == nil {
			t.Error("enqueue outside a transaction")
		}
		enqueued = append(enqueued, ids...)
		return nil
	}
	c, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "Ada@Example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || len(c.ManageToken) < 40 || !c.End.Equal(monday9.Add(30*time.Minute)) || c.Status != journey.ConsultBooked {
		t.Fatalf("consult = %+v", c)
	}
	got, err := db.FindConsultByToken(ctx, c.ManageToken)
	if err != nil || got.ID != c.ID || got.Email != "Ada@Example.com" || got.TimeZone != "Europe/London" {
		t.Fatalf("by token: %+v %v", got, err)
	}
	msgs := outbox(t, db)
	if len(msgs) != 1 || len(enqueued) != 1 || enqueued[0] != msgs[0].ID {
		t.Fatalf("outbox %d, enqueued %v", len(msgs), enqueued)
	}
	m := msgs[0]
	if m.To != "Ada@Example.com" || m.ICSMethod != "REQUEST" || !strings.Contains(m.Text, "/c/"+c.ManageToken) ||
		!strings.Contains(m.Text, "2:00 PM") || !strings.Contains(m.ICS, "BEGIN:VEVENT") {
		t.Fatalf("message = %+v", m)
	}
	// The slot is gone for everyone.
	day := time.Date(2030, 1, 7, 0, 0, 0, 0, mustZone("America/New_York"))
	slots, _ := db.FindSlots(ctx, journey.SlotQuery{From: day, Days: 1, TherapistID: ny.ID})
	if len(slots) != 5 || slots[0].Start.Equal(monday9) {
		t.Fatalf("slots after booking: %v", slots)
	}

	cases := []struct {
		name  string
		req   *journey.BookingRequest
		code  string
		field string
	}{
		{"slot taken", booking(monday9, ny.ID, "bea@example.com"), journey.ECONFLICT, ""},
		{"email has an upcoming consult", booking(monday9.Add(time.Hour), ny.ID, "ada@example.COM"), journey.ECONFLICT, "email"},
		{"never offered: off grid", booking(monday9.Add(10*time.Minute), ny.ID, "c@example.com"), journey.EINVALID, "start"},
		{"never offered: weekend", booking(monday9.AddDate(0, 0, -2), ny.ID, "c@example.com"), journey.EINVALID, "start"},
		{"inside minimum notice", booking(now.Add(2*time.Hour).Truncate(time.Hour), ny.ID, "c@example.com"), journey.EINVALID, "start"},
		{"in the past", booking(now.Add(-48*time.Hour), ny.ID, "c@example.com"), journey.EINVALID, "start"},
		{"beyond the horizon", booking(monday9.AddDate(0, 3, 0), ny.ID, "c@example.com"), journey.EINVALID, "start"},
		{"unknown therapist", booking(monday9, 9999, "c@example.com"), journey.EINVALID, "therapist_id"},
		{"no consent", func() *journey.BookingRequest {
			r := booking(monday9.Add(time.Hour), ny.ID, "c@example.com")
			r.PrivacyConsent = false
			return r
		}(), journey.EINVALID, "privacy_consent"},
	}
	for _, tc := range cases {
		_, err := db.CreateConsult(ctx, tc.req)
		if journey.ErrorCode(err) != tc.code {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
			continue
		}
		if tc.field != "" && (len(journey.ErrorFields(err)) == 0 || journey.ErrorFields(err)[0].Field != tc.field) {
			t.Errorf("%s: fields = %v, want %s", tc.name, journey.ErrorFields(err), tc.field)
		}
	}

	// Any therapist: 12:00 NY is offered only by LA (09:00 there).
	noon := monday9.Add(3 * time.Hour)
	any1, err := db.CreateConsult(ctx, booking(noon, 0, "dee@example.com"))
	if err != nil || any1.TherapistID != la.ID {
		t.Fatalf("any therapist: %+v %v", any1, err)
	}
	if _, err := db.CreateConsult(ctx, booking(noon, 0, "eve@example.com")); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("any therapist, all taken: %v", err)
	}
	// The LA buffer keeps 12:30 NY free of a new booking (09:30 LA is off its 40-minute grid anyway),
	// and the next LA slot, 09:40 LA, is still open.
	if _, err := db.CreateConsult(ctx, booking(noon.Add(40*time.Minute), la.ID, "fay@example.com")); err != nil {
		t.Fatalf("after buffer: %v", err)
	}
}

// A failure to enqueue the mail job rolls the booking back: a committed
// booking always has its mail.
func TestCreateConsultIsAtomicWithItsMail(t *testing.T) {
	db, ny, _, _ := fixture(t)
	db.Enqueue = func(context.Context, *sql.Tx, []int64) error { return errors.New("queue down") }
	if _, err := db.CreateConsult(context.Background(), booking(monday9, ny.ID, "a@example.com")); err == nil {
		t.Fatal("want an error")
	}
	cs, total, _ := db.FindConsults(context.Background(), journey.ConsultFilter{})
	if total != 0 || len(cs) != 0 || len(outbox(t, db)) != 0 {
		t.Fatalf("booking or mail left behind: %d consults, %d messages", total, len(outbox(t, db)))
	}
}

func TestRescheduleAndCancel(t *testing.T) {
	db, ny, la, now := fixture(t)
	ctx := context.Background()
	c, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "a@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.CreateConsult(ctx, booking(monday9.Add(time.Hour), ny.ID, "b@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RescheduleConsult(ctx, c.ManageToken, other.Start, ny.ID); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("onto a taken slot: %v", err)
	}
	if _, err := db.RescheduleConsult(ctx, c.ManageToken, monday9.Add(7*time.Minute), 0); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("off grid: %v", err)
	}
	if _, err := db.RescheduleConsult(ctx, "nope-nope-nope-nope-nope", monday9, 0); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("bad token: %v", err)
	}
	// Moving to the next half hour overlaps the consult's own old time: allowed.
	moved, err := db.RescheduleConsult(ctx, c.ManageToken, monday9.Add(30*time.Minute), 0)
	if err != nil || moved.Sequence != 1 || moved.TherapistID != ny.ID {
		t.Fatalf("move: %+v %v", moved, err)
	}
	// The old time is free again.
	if _, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "c@example.com")); err != nil {
		t.Fatalf("old slot not freed: %v", err)
	}
	// Any therapist: 14:00 NY is only LA's.
	moved, err = db.RescheduleConsult(ctx, c.ManageToken, monday9.Add(5*time.Hour), 0)
	if err != nil || moved.TherapistID != la.ID || moved.Sequence != 2 {
		t.Fatalf("move to LA: %+v %v", moved, err)
	}
	cancelled, err := db.CancelConsult(ctx, c.ManageToken, "")
	if err != nil || cancelled.Status != journey.ConsultCancelled {
		t.Fatalf("cancel: %+v %v", cancelled, err)
	}
	if _, err := db.CancelConsult(ctx, c.ManageToken, ""); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("cancel twice: %v", err)
	}
	if _, err := db.RescheduleConsult(ctx, c.ManageToken, monday9.Add(2*time.Hour), 0); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("move a cancelled consult: %v", err)
	}
	// With the consult cancelled, the same email may book again.
	if _, err := db.CreateConsult(ctx, booking(monday9.Add(2*time.Hour), ny.ID, "a@example.com")); err != nil {
		t.Fatalf("rebook after cancel: %v", err)
	}
	var methods []string
	for _, m := range outbox(t, db) {
		if m.To == "a@example.com" {
			methods = append(methods, m.ICSMethod)
		}
	}
	// Newest first: rebooked, cancelled, moved twice, booked.
	if strings.Join(methods, ",") != "REQUEST,CANCEL,REQUEST,REQUEST,REQUEST" {
		t.Fatalf("mail to a@: %v", methods)
	}
	// Once the consult has started it can no longer change.
	sqldbtest.SetTime(now, other.Start.Add(time.Minute))
	if _, err := db.CancelConsult(ctx, other.ManageToken, ""); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("cancel a past consult: %v", err)
	}
}

func TestResendManageLink(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	c, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "a@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ResendManageLink(ctx, "nobody@example.com"); err != nil {
		t.Fatalf("unknown address must look the same: %v", err)
	}
	if err := db.ResendManageLink(ctx, "not an email"); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("bad address: %v", err)
	}
	if err := db.ResendManageLink(ctx, " A@Example.com "); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindConsultByToken(ctx, c.ManageToken); err != nil || got.ID != c.ID {
		t.Fatalf("the link made at booking stopped working after a resend: %v", err)
	}
	msgs := outbox(t, db)
	if len(msgs) != 2 || !strings.Contains(msgs[0].Subject, "link") {
		t.Fatalf("messages: %d", len(msgs))
	}
	i := strings.Index(msgs[0].Text, "/c/")
	token := strings.Fields(msgs[0].Text[i+3:])[0]
	if got, err := db.FindConsultByToken(ctx, token); err != nil || got.ID != c.ID {
		t.Fatalf("new link: %v", err)
	}
}

func TestFindConsultsFilter(t *testing.T) {
	db, ny, la, _ := fixture(t)
	ctx := context.Background()
	for i, tid := range []int64{ny.ID, ny.ID, la.ID} {
		start := monday9.Add(time.Duration(i) * time.Hour)
		if tid == la.ID {
			start = monday9.Add(4*time.Hour + 20*time.Minute)
		}
		if _, err := db.CreateConsult(ctx, booking(start, tid, string(rune('a'+i))+"@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	cs, total, err := db.FindConsults(ctx, journey.ConsultFilter{TherapistID: &ny.ID, Limit: 1})
	if err != nil || total != 2 || len(cs) != 1 || !cs[0].Start.Equal(monday9) {
		t.Fatalf("filter: %d %v %v", total, cs, err)
	}
	from := monday9.Add(90 * time.Minute)
	cs, total, _ = db.FindConsults(ctx, journey.ConsultFilter{From: &from})
	if total != 1 || cs[0].TherapistID != la.ID {
		t.Fatalf("from: %d", total)
	}
	if _, err := db.FindConsultByID(ctx, 12345); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("missing: %v", err)
	}
}

func TestOutboxMark(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	if _, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "a@example.com")); err != nil {
		t.Fatal(err)
	}
	m := outbox(t, db)[0]
	if err := db.MarkMessage(ctx, m.ID, journey.MailSent, 2, ""); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindMessageByID(ctx, m.ID)
	if got.Status != journey.MailSent || got.Attempts != 2 || got.SentAt.IsZero() {
		t.Fatalf("marked: %+v", got)
	}
	if err := db.MarkMessage(ctx, 999, journey.MailSent, 1, ""); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("missing message: %v", err)
	}
	sent, _ := db.FindMessages(ctx, journey.MailSent, 10)
	held, _ := db.FindMessages(ctx, journey.MailHeld, 10)
	if len(sent) != 1 || len(held) != 0 {
		t.Fatalf("by status: %d sent, %d held", len(sent), len(held))
	}
}

// The reason a visitor gives for cancelling is sealed in its column,
// reads back as typed, and is refused past its limit.
func TestCancelReasonSealed(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	c, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "a@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CancelConsult(ctx, c.ManageToken, strings.Repeat("x", journey.MaxCancelReasonLen+1)); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("long reason: %v", err)
	}
	if _, err := db.CancelConsult(ctx, c.ManageToken, "Found a closer practice.\u202e"); err != nil {
		t.Fatal(err)
	}
	var raw string
	if err := db.Read.QueryRow(db.Rebind(`SELECT cancel_reason FROM consults WHERE id = ?`), c.ID).Scan(&raw); err != nil || raw == "" || strings.Contains(raw, "closer") {
		t.Fatalf("cancel reason not sealed: %q %v", raw, err)
	}
	got, err := db.FindConsultByID(ctx, c.ID)
	if err != nil || got.CancelReason != "Found a closer practice." {
		t.Fatalf("read back: %q %v", got.CancelReason, err)
	}
}
