package web

import (
	"bytes"
	"cmp"
	"slices"
)

// inPageOrder puts the lines of a rendered page's error summary in the
// order the page shows the fields they link to. A form's checks run in
// their own order (the domain's Validate, then what only the handler can
// check, or a map's), which is seldom the page's; measuring the page
// itself keeps the summary in step when a template moves a field. A line
// whose field is not on the page goes last. A page without a summary is
// returned as it is.
func inPageOrder(page []byte) []byte {
	at := bytes.Index(page, []byte(`class="error-summary"`))
	if at < 0 {
		return page
	}
	open := bytes.Index(page[at:], []byte("<ul>"))
	if open < 0 {
		return page
	}
	open += at + len("<ul>")
	end := bytes.Index(page[open:], []byte("</ul>"))
	if end < 0 {
		return page
	}
	end += open
	type line struct {
		html []byte
		pos  int
	}
	var lines []line
	for _, item := range bytes.SplitAfter(page[open:end], []byte("</li>")) {
		if len(bytes.TrimSpace(item)) == 0 {
			continue
		}
		pos := len(page)
		if _, rest, ok := bytes.Cut(item, []byte(`href="#`)); ok {
			if id, _, ok := bytes.Cut(rest, []byte(`"`)); ok {
				if i := bytes.Index(page[end:], []byte(`id="`+string(id)+`"`)); i >= 0 {
					pos = i
				}
			}
		}
		lines = append(lines, line{item, pos})
	}
	slices.SortStableFunc(lines, func(a, b line) int { return cmp.Compare(a.pos, b.pos) })
	out := make([]byte, 0, len(page))
	out = append(out, page[:open]...)
	for _, l := range lines {
		out = append(out, l.html...)
	}
	return append(out, page[end:]...)
}
