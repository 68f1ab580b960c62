package web

import (
	"bytes"
	"net/http"
	"sync"

	"github.com/journey-kap/journey/internal/web/webkit"
)

// pageCache keeps whole rendered public pages. An entry is served while the
// database's change counters match those it was rendered at, so an edit or
// a booking made by any process is seen on the next request; checking the
// counters costs one small query. A page that carries a per-request form
// token is stored split around a placeholder and joined with a fresh token.
type pageCache struct {
	off     bool // benchmarks measure the uncached path with this
	mu      sync.Mutex
	entries map[string]*cachedPage
}

type cachedPage struct {
	calendar, content int64
	parts             [][]byte
}

const (
	maxCachedPages = 1024
	// tokenPlaceholder stands where a fresh form token goes (webkit's, so
	// the audiences' pages carry the same one).
	tokenPlaceholder = webkit.TokenPlaceholder
)

func newPageCache() *pageCache { return &pageCache{entries: map[string]*cachedPage{}} }

func (c *pageCache) get(key string, calendar, content int64) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.entries[key]
	if c.off || p == nil || p.calendar != calendar || p.content != content {
		return nil
	}
	return p
}

func (c *pageCache) put(key string, p *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedPages {
		clear(c.entries)
	}
	c.entries[key] = p
}

// servePage answers a GET from the cache, or builds the page, renders it
// and keeps it. usesCalendar says whether the page shows open slots.
// build returns the template name and page data; it may fail.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, key string, usesCalendar bool, build func() (string, any, error)) {
	calendar, content, err := s.store.Versions(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if !usesCalendar {
		calendar = 0
	}
	p := s.pages.get(key, calendar, content)
	if p == nil {
		name, page, err := build()
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		body, err := s.renderBytes(r, name, page)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		p = &cachedPage{calendar: calendar, content: content, parts: bytes.Split(body, []byte(tokenPlaceholder))}
		s.pages.put(key, p)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	token := []byte(nil)
	for i, part := range p.parts {
		if i > 0 {
			if token == nil {
				token = []byte(s.formToken())
			}
			w.Write(token)
		}
		w.Write(part)
	}
}
