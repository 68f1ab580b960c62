package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docs/deploy.md's systemd unit passes `systemd-analyze verify` with no
// warning (an unknown or misspelt option is only warned about), and every
// JOURNEY_* variable the guide sets is one Journey reads.
func TestDeployUnitVerifies(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "deploy.md"))
	if err != nil {
		t.Fatal(err)
	}
	const start = "```ini\n[Unit]\n"
	i := strings.Index(string(doc), start)
	if i < 0 {
		t.Fatal("docs/deploy.md has no unit block starting [Unit]")
	}
	unit := string(doc)[i+len("```ini\n"):]
	unit = unit[:strings.Index(unit, "```")]
	tool, err := exec.LookPath("systemd-analyze")
	if err != nil {
		needTool(t, "systemd-analyze (Debian's systemd package; make test installs it)", err)
	}
	// verify checks that ExecStart's program exists: point it at this
	// test's own executable.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(unit, "ExecStart=/usr/local/bin/journey serve\n") {
		t.Fatal("the unit no longer runs /usr/local/bin/journey serve")
	}
	unit = strings.Replace(unit, "/usr/local/bin/journey", self, 1)
	path := filepath.Join(t.TempDir(), "journey.service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}

	known := map[string]bool{}
	for _, s := range settings {
		known[s.env] = true
	}
	for _, m := range regexp.MustCompile(`(?m)^(JOURNEY_[A-Z_]+)=`).FindAllStringSubmatch(string(doc), -1) {
		if !known[m[1]] {
			t.Errorf("docs/deploy.md sets %s, which Journey does not read", m[1])
		}
	}
}
