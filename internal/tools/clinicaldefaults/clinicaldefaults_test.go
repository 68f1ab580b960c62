package clinicaldefaults

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journey-kap/journey/internal/measure"
	"github.com/journey-kap/journey/internal/screening"
)

var update = flag.Bool("update", false, "write docs/clinical-defaults.md from the code")

var docPath = filepath.Join("..", "..", "..", "docs", "clinical-defaults.md")

// The committed document is what the code's defaults say today.
func TestDocumentIsCurrent(t *testing.T) {
	want := Render()
	if *update {
		if err := os.WriteFile(docPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/clinical-defaults.md differs from the code's defaults; run: go generate ./internal/tools/clinicaldefaults")
	}
}

// Every rule, with its threshold, and every questionnaire appear; nothing
// cites the project's internal files.
func TestDocumentCoversEveryDefault(t *testing.T) {
	doc := string(Render())
	for _, r := range screening.Defaults().Rules {
		if !strings.Contains(doc, "`"+r.Code+"`") {
			t.Errorf("rule %s missing", r.Code)
		}
		if r.Threshold != nil && !strings.Contains(doc, threshold(r)) {
			t.Errorf("rule %s: threshold %q missing", r.Code, threshold(r))
		}
	}
	for _, q := range measure.All() {
		if !strings.Contains(doc, "### "+q.Title) {
			t.Errorf("questionnaire %s missing", q.Title)
		}
		if _, ok := questionnaireNotes[q.Code]; !ok && len(q.Bands) == 0 {
			t.Errorf("questionnaire %s: neither bands nor a note", q.Code)
		}
	}
	for _, bad := range []string{"DOMAIN", "shared/", "§"} {
		if strings.Contains(doc, bad) {
			t.Errorf("document cites %q", bad)
		}
	}
}
