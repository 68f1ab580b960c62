package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The README's API examples run as written against a demo server, from a
// folder holding the journey binary and its data, as a reader who ran
// `make run` would: each curl must succeed (2xx) and the answers must be
// the ones the README promises.
func TestREADMEExamplesRun(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		requireTool(t, tool)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := readmeBlock(t, string(readme), "```sh\nJ=http://127.0.0.1:8080\n")
	dir := t.TempDir()
	bin := procBuild(t)
	if err := os.Symlink(bin, filepath.Join(dir, "journey")); err != nil {
		t.Fatal(err)
	}
	p := procStart(t, bin, "--demo", "--data", filepath.Join(dir, "data"), "--rate-limit", "0")
	script := "set -euo pipefail\ncurl() { command curl -sS --fail-with-body \"$@\"; echo; }\n" +
		strings.Replace(block, "J=http://127.0.0.1:8080", "J="+p.URL, 1)
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("README examples did not finish:\n%s", out.String())
	}
	if err != nil {
		t.Fatalf("README examples failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{`"slots":[`, `"manage_url"`, `"roles":["therapist"]`, `"score":7`, `"band":"mild"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("README examples: output lacks %s:\n%s", want, out.String())
		}
	}
	readmeDrill(t, string(readme), dir)
}

// readmeDrill runs the operations section's restore drill as written,
// beside the running demo server: the last step's server is started in
// the background on a free port, must become healthy, and must hold the
// consult the API examples booked. The script waits for that server to
// exit, so it writes nothing into the folder while the test removes it.
func readmeDrill(t *testing.T, readme, dir string) {
	t.Helper()
	block := readmeBlock(t, readme, "```sh\n# 1. Back up the running practice.\n")
	addr := freeAddr(t)
	block = strings.Replace(block, "--listen 127.0.0.1:8081\n", "--listen "+addr+" >serve2.log 2>&1 &\npid=$!; trap 'kill $pid; wait $pid || true' EXIT\n", 1)
	if !strings.Contains(block, addr) {
		t.Fatal("the drill's last step no longer serves on 127.0.0.1:8081")
	}
	script := "set -euo pipefail\n" + block + `for i in $(seq 100); do curl -sf http://` + addr + `/healthz >/dev/null && break; sleep 0.2; done
curl -sS --fail-with-body http://` + addr + `/healthz; echo
` + "TOKEN=$(./journey tokens create --user admin@cedarandtide.example --data ./restored --master-key-file ./data/master.key --audit-key-file ./data/audit.key)\n" +
		"curl -sS --fail-with-body -H \"Authorization: Bearer $TOKEN\" http://" + addr + "/api/v1/consults; echo\n"
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README restore drill failed: %v\n%s", err, out)
	}
	for _, want := range []string{"Wrote backup.tar", "Restored backup.tar", "The database verifies.", "Ada Lovelace"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("README restore drill: output lacks %s:\n%s", want, out)
		}
	}
}

// readmeBlock returns the fenced block that starts with start, without its
// fences.
func readmeBlock(t *testing.T, readme, start string) string {
	t.Helper()
	i := strings.Index(readme, start)
	if i < 0 {
		t.Fatalf("README has no block starting %q", start)
	}
	body := readme[i+len("```sh\n"):]
	end := strings.Index(body, "```")
	if end < 0 {
		t.Fatal("README block not closed")
	}
	return body[:end]
}

// requireTool fails under CI (the test command installs it) and skips
// elsewhere when name is not on PATH.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (scripts/test.sh installs it)", name)
		}
		t.Skipf("%s is not installed", name)
	}
}
