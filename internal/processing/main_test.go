package processing_test

import (
	"os"
	"testing"

	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// TestMain runs the package's tests with sqldbtest.Open copying one
// database migrated for the package run instead of migrating one a test.
func TestMain(m *testing.M) { os.Exit(sqldbtest.Main(m)) }
