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
