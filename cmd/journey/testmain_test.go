package main

import (
	"os"
	"testing"

	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// TestMain runs the package's tests with sqldbtest.Open copying one
// migrated database (sqldbtest.Main), then removes what the package run
// shared between its tests: the journey binary built once (procBuild) and
// the demo seeded once (demotemplate_test.go).
func TestMain(m *testing.M) {
	code := sqldbtest.Main(m)
	dropDemoTemplate()
	if procBinary.dir != "" {
		os.RemoveAll(procBinary.dir)
	}
	os.Exit(code)
}
