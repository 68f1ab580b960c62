package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// recordRules are the record rules of policy.go and the lookups of guarded
// records: the processing layer applies them, so a handler that calls one
// is writing a check a second time.
var recordRules = map[string]bool{
	"CanSeeClient": true, "CanSeeClinical": true, "CanSeeScreening": true, "CanAdminister": true, "CanSeeConsult": true,
	"IsClient": true, "CanBreakGlass": true, "ClientScope": true, "ConsultScope": true, "AlertScope": true, "ConsultTherapist": true,
	"FindClientByID": true, "FindConsultByID": true, "FindAlert": true, "FindAlerts": true,
}

// layerExceptions are the calls left in the web packages on purpose, by
// file and name, with why; the test fails when one appears elsewhere or
// more often, so the list can only shrink.
var layerExceptions = map[string]int{
	// The clients list's heading says "your clients" for a therapist.
	"staff/clients.go ClientScope": 1,
	// The slot grid a member of staff books from shows only the therapists
	// they may book with.
	"staff/book.go ConsultTherapist": 1,
	"staff/book.go ConsultScope":     1,
	// The zone of the signed-in client's own consult, in which the portal
	// shows them their times: no id from the URL, nothing of it shown.
	"webkit/zone.go FindConsultByID": 1,
}

// authentication places no bound on the audit entries of the files that
// sign people in: each step of it is audited where it happens.
const authentication = 1 << 20

// auditExceptions are the handlers' own audit entries left in web, by file,
// with why; each goes through processing.Audit (Server.audit), and the
// test fails when one appears elsewhere or more often.
var auditExceptions = map[string]int{
	// Signing in, the second factor, invitations, password resets and
	// sessions: authentication is web's own (session.go, login.go,
	// invite.go, and the portal's join, join.go), before there is an
	// actor to hand to a processing method.
	"login.go": authentication, "invite.go": authentication, "session.go": authentication, "join.go": authentication,
	// The portal's pages read the signed-in client's own record (no id from
	// the URL) and say which part they showed (the audience packages' own
	// audit helpers count as web's does); the questionnaire form, shared
	// by the portal and staff, says it showed the last response.
	"portal/home.go": 1, "portal/intake.go": 1, "portal/answers.go": 1, "portal/consent.go": 1, "webkit/measure.go": 1,
	// The decision screen says it was read once it is drawn, beside the
	// decision's own audit (processing.DecideClearance).
	"staff/review.go": 1,
	// The audit screen and its export record their own reads.
	"staff/audit.go": 3,
}

// TestNoRecordRulesOrAuditWritesInHandlers keeps record rules and audit
// writing below the web layer: no source file of the web packages calls a
// record rule of policy.go, looks up a guarded record itself, or writes an
// audit entry other than through the processing layer.
func TestNoRecordRulesOrAuditWritesInHandlers(t *testing.T) {
	found, audits := map[string]int{}, map[string]int{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		var fn string // the function being walked: only the audit helpers call processing.Audit
		ast.Inspect(f, func(n ast.Node) bool {
			if d, ok := n.(*ast.FuncDecl); ok {
				fn = d.Name.Name
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			name := sel.Sel.Name
			if recv, ok := sel.X.(*ast.Ident); ok && recv.Name == "s" && (name == "audit" || name == "auditAs") {
				audits[filepath.ToSlash(path)]++
			}
			if recv, ok := sel.X.(*ast.SelectorExpr); ok && recv.Sel.Name == "store" && name == "Audit" {
				t.Errorf("%s: writes an audit entry to the store directly; call processing.Audit", fset.Position(call.Pos()))
			}
			if recv, ok := sel.X.(*ast.SelectorExpr); ok && strings.EqualFold(recv.Sel.Name, "proc") && name == "Audit" && fn != "audit" && fn != "auditAs" {
				t.Errorf("%s: calls processing.Audit outside an audit helper, where this test does not count it; call s.audit", fset.Position(call.Pos()))
			}
			if recordRules[name] {
				found[filepath.ToSlash(path)+" "+name]++
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for file, n := range audits {
		if n > auditExceptions[file] {
			t.Errorf("%s: %d audit entries written by handlers (%d allowed): let the processing method that does the work write it", file, n, auditExceptions[file])
		}
	}
	var keys []string
	for k := range found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if found[k] > layerExceptions[k] {
			t.Errorf("%s: called %d times (%d allowed): apply the record rule in internal/processing, once, and call that", k, found[k], layerExceptions[k])
		}
	}
}

// TestAudiencesDoNotImportWeb keeps the direction of the cut: internal/web
// imports the audience packages and webkit, never the other way, and
// webkit imports no audience, so an audience's handlers see the web layer
// only through webkit.Kit and their own narrow Reads.
func TestAudiencesDoNotImportWeb(t *testing.T) {
	const web = "github.com/journey-kap/journey/internal/web"
	audiences := []string{"site", "api", "staff", "portal"}
	fset := token.NewFileSet()
	for _, dir := range append([]string{"webkit"}, audiences...) {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files (%v)", dir, err)
		}
		for _, path := range files {
			f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				p := strings.Trim(imp.Path.Value, `"`)
				if p == web {
					t.Errorf("%s imports internal/web: an audience reaches the web layer through webkit.Kit", path)
				}
				for _, a := range audiences {
					if dir == "webkit" && p == web+"/"+a {
						t.Errorf("%s imports the audience %s: webkit is shared by all of them", path, a)
					}
				}
			}
		}
	}
}

// TestRoutesPointAtTheirAudience keeps each route's handler in its
// audience's package, or in web itself (signing in, sessions, the
// portal's join, static files): a portal route answered by the staff
// workspace's handler of the same name would draw the wrong page.
func TestRoutesPointAtTheirAudience(t *testing.T) {
	const web = "github.com/journey-kap/journey/internal/web"
	pkgOf := map[audience]string{site: web + "/site", portal: web + "/portal", staff: web + "/staff", api: web + "/api"}
	for _, rt := range (&Server{}).routeTable() {
		// e.g. "…/internal/web/staff.(*Handler).HandleMeasureView-fm"
		name := runtime.FuncForPC(reflect.ValueOf(rt.handler).Pointer()).Name()
		if strings.HasPrefix(name, web+".") {
			continue // web's own
		}
		if !strings.HasPrefix(name, pkgOf[rt.aud]+".") {
			t.Errorf("%s (audience %s) is answered by %s", rt.pattern, pkgOf[rt.aud], name)
		}
	}
}
