package webkit

import "testing"

func TestDisplayPhone(t *testing.T) {
	for in, want := range map[string]string{
		"+15035550142":  "(503) 555-0142",
		"+442079460000": "+44 20 7946 0000",
		"12":            "12",
		"":              "",
	} {
		if got := DisplayPhone(in); got != want {
			t.Errorf("DisplayPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
