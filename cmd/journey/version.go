package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is the release, set at build time by the Makefile from `git
// describe` (-ldflags "-X main.version=v0.2.0-3-gabc1234"). Empty in a
// plain `go build`, where journeyVersion falls back on what the toolchain
// recorded.
var version string

// journeyVersion returns the running release: the version set at build
// time; else the module version of a `go install …@v0.2.0`; else the
// commit `go build` recorded ("devel-abc1234def56", "-dirty" when the
// tree had changes); else "devel".
func journeyVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return "devel"
	}
	return "devel-" + rev[:min(12, len(rev))] + dirty
}

// printVersion is `journey version`.
func printVersion(w io.Writer) error {
	_, err := fmt.Fprintf(w, "journey %s (%s, %s/%s)\n", journeyVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
