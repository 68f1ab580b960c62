package journey

import "time"

// BookedSession is a client's place in a booked session that is still to
// come: what the estimate sweep looks at for a request the booking's own
// hook did not open.
type BookedSession struct {
	ClientID  int64
	SessionID int64
	Start     time.Time
}
