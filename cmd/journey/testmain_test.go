package main

import (
	"os"
	"testing"
)

// TestMain runs the package's tests, then removes what the package run
// shares between its tests: the journey binary built once (procBuild) and
// the demo seeded once (demotemplate_test.go).
func TestMain(m *testing.M) {
	code := m.Run()
	dropDemoTemplate()
	if procBinary.dir != "" {
		os.RemoveAll(procBinary.dir)
	}
	os.Exit(code)
}
