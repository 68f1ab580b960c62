package journey

import "context"

// FAQEntry is one question and answer of the public FAQ. Answer is Markdown;
// it is rendered through a sanitiser, never trusted as HTML.
type FAQEntry struct {
	ID        int64
	Position  int
	Question  string
	Answer    string
	Published bool
	ChangedBy int64 // who saves a change, kept with the FAQ's version (settings.go)
}

// FAQService reads and edits the FAQ.
type FAQService interface {
	// FindFAQ returns the entries in order; published only when onlyPublished.
	FindFAQ(ctx context.Context, onlyPublished bool) ([]*FAQEntry, error)
	// CreateFAQEntry adds an entry and sets its ID.
	CreateFAQEntry(ctx context.Context, e *FAQEntry) error
	// CreateFAQEntries adds es in order, all or none, as one change (one
	// version of the FAQ).
	CreateFAQEntries(ctx context.Context, es []*FAQEntry) error
	// UpdateFAQEntry changes an entry's question, answer and whether it is
	// published; ENOTFOUND when there is no such entry.
	UpdateFAQEntry(ctx context.Context, e *FAQEntry) error
}

// Validate returns EINVALID when the question or answer is missing or too long.
func (e *FAQEntry) Validate() error {
	e.Question, e.Answer = Line(e.Question), Paragraphs(e.Answer)
	var v Validation
	checkText(&v, "question", e.Question, 1, 300)
	checkText(&v, "answer", e.Answer, 1, 10000)
	return v.Err()
}
