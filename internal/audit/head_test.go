package audit

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testHead() Head {
	return Head{Seq: 100, Hash: bytes.Repeat([]byte{0xcd}, HashSize), Time: time.Date(2026, 3, 2, 10, 0, 0, 123456000, time.UTC)}
}

func TestHeadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "audit.head")
	h := testHead()
	if err := WriteHead(path, testKey, h); err != nil {
		t.Fatal(err)
	}
	got, err := ReadHead(path, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if got.Seq != h.Seq || !bytes.Equal(got.Hash, h.Hash) || !got.Time.Equal(h.Time) || got.Time.Location() != time.UTC {
		t.Fatalf("read %+v, wrote %+v", got, h)
	}
	b, _ := os.ReadFile(path)
	want := fmt.Sprintf("journey-audit-head v1 100 %s 1772445600123456 ", strings.Repeat("cd", HashSize))
	if !strings.HasPrefix(string(b), want) || !strings.HasSuffix(string(b), "\n") || len(b) != len(want)+2*HashSize+1 {
		t.Fatalf("head file %q, want %q<64 hex>\\n", b, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 && !isWindows() {
		t.Errorf("head file mode %v, want 0600", fi.Mode().Perm())
	}

	// Overwrite: the newer head wins, no temp files are left.
	h.Seq, h.Hash = 150, bytes.Repeat([]byte{0xef}, HashSize)
	if err := WriteHead(path, testKey, h); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadHead(path, testKey); err != nil || got.Seq != 150 {
		t.Fatalf("after overwrite: %+v, %v", got, err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("directory holds %d files, want 1", len(ents))
	}
}

func TestReadHeadMissing(t *testing.T) {
	_, err := ReadHead(filepath.Join(t.TempDir(), "audit.head"), testKey)
	if !errors.Is(err, ErrNoHead) || !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrBadHead) {
		t.Fatalf("err = %v, want ErrNoHead (and fs.ErrNotExist), not ErrBadHead", err)
	}
}

// Any edit to a head file, by hand or otherwise, must be refused.
func TestReadHeadTampered(t *testing.T) {
	line, err := FormatHead(testKey, testHead())
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(line)
	otherLine, _ := FormatHead(otherKey, testHead())
	cases := map[string]string{
		"seq changed":        strings.Replace(line, " 100 ", " 99 ", 1),
		"seq lowered by one": strings.Replace(line, " 100 ", " 10 ", 1),
		"hash changed":       strings.Replace(line, "cdcd", "cdce", 1),
		"time changed":       strings.Replace(line, f[4], "1772445600123457", 1),
		"mac changed":        strings.Replace(line, f[5], strings.Repeat("0", 64), 1),
		"mac removed":        strings.Join(f[:5], " ") + "\n",
		"other key":          otherLine,
		"version 2":          strings.Replace(line, " v1 ", " v2 ", 1),
		"extra field":        strings.TrimSuffix(line, "\n") + " x\n",
		"double space":       strings.Replace(line, " 100 ", "  100 ", 1),
		"CRLF":               strings.TrimSuffix(line, "\n") + "\r\n",
		"two lines":          line + line,
		"empty":              "",
		"garbage":            "hello\n",
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			if content == line {
				t.Fatal("case does not change the line")
			}
			path := filepath.Join(t.TempDir(), "audit.head")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			h, err := ReadHead(path, testKey)
			if !errors.Is(err, ErrBadHead) || errors.Is(err, ErrNoHead) {
				t.Fatalf("ReadHead = %+v, %v; want ErrBadHead", h, err)
			}
		})
	}
	// Validly MACed (so only a key holder could write them) but not in the
	// one form FormatHead writes.
	for name, body := range map[string]string{
		"leading zero": "journey-audit-head v1 0100 " + f[3] + " " + f[4],
		"plus sign":    "journey-audit-head v1 +100 " + f[3] + " " + f[4],
		"upper hex":    "journey-audit-head v1 100 " + strings.ToUpper(f[3]) + " " + f[4],
		"short hash":   "journey-audit-head v1 100 " + f[3][:62] + " " + f[4],
		"negative":     "journey-audit-head v1 -1 " + f[3] + " " + f[4],
	} {
		l := body + " " + hex.EncodeToString(headMAC(testKey, body)) + "\n"
		if h, err := ParseHead(testKey, l); !errors.Is(err, ErrBadHead) {
			t.Errorf("%s: ParseHead = %+v, %v; want ErrBadHead", name, h, err)
		}
	}
	// The untouched line, with or without its newline, parses.
	for _, l := range []string{line, strings.TrimSuffix(line, "\n")} {
		if _, err := ParseHead(testKey, l); err != nil {
			t.Errorf("ParseHead(%q): %v", l, err)
		}
	}
}

func TestWriteHeadRefusesBadInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.head")
	h := testHead()
	bad := []struct {
		name string
		key  Key
		h    Head
	}{
		{"short key", make(Key, 8), h},
		{"negative seq", testKey, Head{Seq: -1, Hash: h.Hash}},
		{"short hash", testKey, Head{Seq: 1, Hash: h.Hash[:8]}},
	}
	for _, b := range bad {
		if err := WriteHead(path, b.key, b.h); err == nil {
			t.Errorf("%s: WriteHead accepted it", b.name)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused head left a file: %v", err)
	}
}

// The head written by the writer and read back by the verifier catches a
// truncated table end to end.
func TestHeadFileCatchesTruncation(t *testing.T) {
	es := buildChain(testKey, 100)
	path := filepath.Join(t.TempDir(), "audit.head")
	if err := WriteHead(path, testKey, Head{Seq: 100, Hash: es[99].Hash, Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	head, err := ReadHead(path, testKey)
	if err != nil {
		t.Fatal(err)
	}
	p := verify(t, testKey, es[:90], &head, true)
	if p == nil || p.Kind != KindTruncated || p.Seq != 91 {
		t.Fatalf("got %v, want truncated at 91", p)
	}
}

func isWindows() bool { return filepath.Separator == '\\' }

// A head only moves forward: a process that checkpoints an older entry
// leaves a newer head in place.
func TestAdvanceHeadNeverMovesBack(t *testing.T) {
	key := testKey
	path := filepath.Join(t.TempDir(), "audit.head")
	h := func(seq int64) Head {
		return Head{Seq: seq, Hash: bytes.Repeat([]byte{byte(seq)}, HashSize), Time: time.Unix(seq, 0)}
	}
	for _, step := range []struct {
		seq   int64
		wrote bool
		want  int64
	}{{5, true, 5}, {3, false, 5}, {5, true, 5}, {9, true, 9}, {0, false, 9}} {
		wrote, err := AdvanceHead(path, key, h(step.seq))
		got, rerr := ReadHead(path, key)
		if err != nil || rerr != nil || wrote != step.wrote || got.Seq != step.want {
			t.Fatalf("advance to %d: wrote %v, %v; head %d, %v; want wrote %v, head %d", step.seq, wrote, err, got.Seq, rerr, step.wrote, step.want)
		}
	}
	// A head that does not verify is evidence: it stays.
	if err := os.WriteFile(path, []byte("journey-audit-head v1 forged\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if wrote, err := AdvanceHead(path, key, h(10)); wrote || !errors.Is(err, ErrBadHead) {
		t.Fatalf("over a bad head: wrote %v, %v", wrote, err)
	}
}
