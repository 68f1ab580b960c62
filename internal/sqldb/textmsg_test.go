package sqldb_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sms"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// fakeGateway is an SMS gateway in the shape of Twilio's Messages API: it
// stands for the provider outside the machine. It refuses numbers in
// refuse, as a provider refuses a number that cannot take texts.
type fakeGateway struct {
	mu     sync.Mutex
	got    []string // To|Body
	refuse map[string]bool
}

func (g *fakeGateway) serve(t *testing.T) *sms.Sender {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		g.mu.Lock()
		defer g.mu.Unlock()
		to := r.PostForm.Get("To")
		if g.refuse[to] {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]any{"code": 21614, "message": "'To' number " + to + " is not a mobile number"})
			return
		}
		g.got = append(g.got, to+"|"+r.PostForm.Get("Body"))
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"sid": "SM" + strings.Repeat("0", 30), "status": "queued"})
	}))
	t.Cleanup(srv.Close)
	s, err := sms.New(srv.URL, "AC1", "token", "+15035550100")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A client is texted only once their consent is recorded, on the number
// they gave; a withdrawal before the text stops it; a number the provider
// refuses is a failed delivery front desk sees by initials and class,
// with an email that failed, and nothing of either message.
func TestTextRemindersNeedConsent(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	ny, _ := sqldbtest.MustSeed(t, db)
	now := time.Date(2031, 3, 4, 14, 30, 0, 0, time.UTC)
	db.Now = sqldbtest.FixedClock(&now)
	ada, adaUser := sqldbtest.Client(t, db, ny.ID, "Ada Visitor", "ada@client.test", nil)
	bo, _ := sqldbtest.Client(t, db, ny.ID, "Bo Quill", "bo@client.test", nil)
	cy, cyUser := sqldbtest.Client(t, db, ny.ID, "Cy Rowe", "cy@client.test", nil)
	if err := db.RecordTextConsent(ctx, &journey.TextConsent{ClientID: ada.ID, Agreed: true, Phone: "503 555", By: adaUser.ID}); !hasFields(err, "phone") {
		t.Fatalf("agreeing without a number: %v", err)
	}
	for _, c := range []*journey.TextConsent{
		{ClientID: ada.ID, Agreed: true, Phone: "+15035550142", By: adaUser.ID},
		{ClientID: cy.ID, Agreed: true, Phone: "+15035550199", By: cyUser.ID},
	} {
		if err := db.RecordTextConsent(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := db.FindTextConsent(ctx, ada.ID); !got.Agreed || got.Phone != "+15035550142" || !got.At.Equal(now) {
		t.Fatalf("consent read back: %+v", got)
	}
	ids := sqldbtest.RawSessions(t, db, ny.ID, []sqldbtest.RawSession{
		raw(ada.ID, journey.TypePreparation, journey.ModeInPerson, now.Add(20*time.Hour), 60),
		raw(bo.ID, journey.TypePreparation, journey.ModeInPerson, now.Add(20*time.Hour), 60),
		raw(cy.ID, journey.TypePreparation, journey.ModeInPerson, now.Add(20*time.Hour), 60),
		raw(ada.ID, journey.TypeIntegration, journey.ModeInPerson, now.Add(22*time.Hour), 60),
	})
	if n, err := db.ScheduleReminders(ctx, true, 100); err != nil || n != 7 { // 4 emails, texts for Ada (2) and Cy
		t.Fatalf("made %d (%v), want 7", n, err)
	}
	// Ada withdraws before her second session's text goes.
	g := &fakeGateway{refuse: map[string]bool{"+15035550199": true}}
	sender := g.serve(t)
	send := func(sid int64) {
		rs, _ := db.FindReminders(ctx, sid)
		for _, r := range rs {
			if r.Channel == journey.ChannelText {
				if err := db.SendTextReminder(ctx, r.ID, sender); err != nil {
					t.Fatalf("text %d: %v", r.ID, err)
				}
				if err := db.SendTextReminder(ctx, r.ID, sender); err != nil { // a job run twice
					t.Fatalf("text %d again: %v", r.ID, err)
				}
			}
		}
	}
	send(ids[0])
	if err := db.RecordTextConsent(ctx, &journey.TextConsent{ClientID: ada.ID, Agreed: false, By: adaUser.ID}); err != nil {
		t.Fatal(err)
	}
	send(ids[1])
	send(ids[2])
	send(ids[3])
	if len(g.got) != 1 || !strings.HasPrefix(g.got[0], "+15035550142|Test Practice: a reminder of your session tomorrow") {
		t.Fatalf("gateway got %q", g.got)
	}
	if got := reminderKinds(t, db, ids[3]); strings.Join(got, " ") != "day/email/0/pending day/sms/0/skipped" {
		t.Errorf("after withdrawal: %v", got)
	}
	if got := reminderKinds(t, db, ids[2]); strings.Join(got, " ") != "day/email/0/pending day/sms/0/failed" {
		t.Errorf("refused number: %v", got)
	}

	// Bo's email fails for good.
	sendAll(t, db, ids[1])
	rs, _ := db.FindReminders(ctx, ids[1])
	if err := db.MarkMessage(ctx, rs[0].MessageID, journey.MailFailed, 12, "550 mailbox bo@client.test unavailable"); err != nil {
		t.Fatal(err)
	}
	failed, err := db.FindFailedDeliveries(ctx, 50)
	if err != nil || len(failed) != 2 {
		t.Fatalf("failed deliveries: %v %v", failed, err)
	}
	byChannel := map[string]*journey.FailedDelivery{}
	for _, f := range failed {
		byChannel[f.Channel] = f
	}
	if f := byChannel[journey.ChannelText]; f == nil || f.ClientInitials != "C.R." || f.ErrorClass != journey.SMSRejected || f.Kind != journey.ReminderDay {
		t.Errorf("failed text: %+v", f)
	}
	if f := byChannel[journey.ChannelEmail]; f == nil || f.ClientInitials != "B.Q." || f.ErrorClass != "smtp" || f.MessageID != rs[0].MessageID {
		t.Errorf("failed email: %+v", f)
	}
}
