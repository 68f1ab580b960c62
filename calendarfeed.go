package journey

import (
	"context"
	"time"
)

// A calendar feed is a private iCalendar URL a member of staff or a client
// subscribes to in their calendar program: their own sessions, kept up to
// date. The URL's token is the credential (only its hash is stored); the
// owner revokes it, and a revoked feed is "not found". What a feed says is
// decided here, once: a staff feed names each client by initials only,
// and no feed carries a reason, a note or anything clinical.

// CalendarFeed is one feed URL.
type CalendarFeed struct {
	ID        int64
	UserID    int64
	CreatedAt time.Time
	RevokedAt time.Time // zero while it works
	LastRead  time.Time // zero until a calendar program first read it
}

// MaxCalendarFeeds is the most working feeds one person may hold.
const MaxCalendarFeeds = 5

// CalendarEntry is one session as a calendar shows it: only these fields
// reach a feed or an invitation.
type CalendarEntry struct {
	UID       string // stable for the session's life (SessionUID)
	Sequence  int    // the session's sequence: raised on each change
	Start     time.Time
	End       time.Time
	Title     string
	Where     string // the room and address, or the link to join
	Cancelled bool
	Created   time.Time
	Updated   time.Time
}

// SessionEntry returns what a calendar shows of s. typeName is the
// session type's name, where the place or link. For staff (forStaff) the
// client is named by initials; for the client the title names the
// practice. Nothing else of the session is shown.
func SessionEntry(s *CareSession, forStaff bool, clientName, typeName, practiceName, where string) CalendarEntry {
	title := typeName + " · " + practiceName
	if forStaff {
		title = typeName
		if in := Initials(clientName); in != "" {
			title += " · " + in
		}
	}
	if s.Mode == ModeRemote && where == "" {
		where = "Online"
	}
	return CalendarEntry{UID: SessionUID(s.ID), Sequence: s.Sequence, Start: s.Start, End: s.End, Title: title, Where: where,
		Cancelled: s.Status == SessionCancelled, Created: s.CreatedAt, Updated: s.UpdatedAt}
}

// SessionUID is a session's iCalendar UID before the host: the same in
// every feed and invitation, so calendar programs update the event they
// already hold.
func SessionUID(id int64) string { return "session-" + itoa(int(id)) }

// CalendarFeedService keeps calendar feeds.
type CalendarFeedService interface {
	// CreateCalendarFeed stores a new feed for userID under the hash of
	// its token; ECONFLICT when the user holds MaxCalendarFeeds already.
	CreateCalendarFeed(ctx context.Context, userID int64, tokenHash string) (*CalendarFeed, error)
	// RevokeCalendarFeed revokes feed id of userID; ENOTFOUND when there
	// is no such working feed of theirs.
	RevokeCalendarFeed(ctx context.Context, userID, id int64) error
	// FindCalendarFeedByToken returns the working feed whose token hashes
	// to tokenHash; ENOTFOUND otherwise (revoked, or never made).
	FindCalendarFeedByToken(ctx context.Context, tokenHash string) (*CalendarFeed, error)
	// FindCalendarFeeds returns userID's working feeds, newest first.
	FindCalendarFeeds(ctx context.Context, userID int64) ([]*CalendarFeed, error)
}

// FeedSession is a session with what a calendar may show of it, before
// SessionEntry's rule picks what it does show.
type FeedSession struct {
	Session    *CareSession
	ClientName string // the client's name ("" for a group)
	TypeName   string // the session type's name
	Where      string // the room and address, or the video link
}

// FeedSource is what one person's feed is made of: their sessions in a
// window, and the zone they read times in.
type FeedSource struct {
	Staff    bool // the feed of a member of staff: clients by initials
	TimeZone string
	Sessions []FeedSession
}

// Entries returns what the feed shows of each session (SessionEntry).
func (f *FeedSource) Entries(practiceName string) []CalendarEntry {
	out := make([]CalendarEntry, 0, len(f.Sessions))
	for _, s := range f.Sessions {
		out = append(out, SessionEntry(s.Session, f.Staff, s.ClientName, s.TypeName, practiceName, s.Where))
	}
	return out
}
