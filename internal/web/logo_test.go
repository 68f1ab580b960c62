package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// testImage encodes a w×h image as format (png, jpeg or gif).
func testImage(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, x%h, color.RGBA{R: 30, G: 90, B: 120, A: 255})
	}
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, img)
	case "jpeg":
		err = jpeg.Encode(&b, img, nil)
	case "gif":
		err = gif.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadLogo posts data as the practice page's logo form, as a browser does.
func (e *env) uploadLogo(cookie, filename string, data []byte) (int, http.Header, string) {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("logo", filename)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.ts.URL+"/admin/practice/logo", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "journey_session", Value: cookie})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

var logoSrc = regexp.MustCompile(`<img[^>]* src="(/logo/[0-9a-f]{16}\.(png|jpg))"[^>]* alt="Test Practice"|<img[^>]* alt="Test Practice"[^>]* src="(/logo/[0-9a-f]{16}\.(png|jpg))"`)

// The admin uploads the practice's logo on the practice page (or through
// the API): PNG or JPEG only, checked by decoding, at most 512 KiB and
// 2000×2000 pixels, else a message beside the field. It is served at an
// address named by its content with a long cache, shown in the headers
// of the public site, the portal and the staff workspace with the
// practice's name as its text, removable, and every change is audited.
func TestPracticeLogo(t *testing.T) {
	e := newEnv(t)
	admin := e.addUser(journey.UserStaff, "boss@practice.test", journey.RoleAdmin)
	cookie := e.session(admin, true)
	for _, bad := range []struct {
		name string
		data []byte
		want string
	}{
		{"logo.gif", testImage(t, "gif", 40, 20), "not a PNG or JPEG"},
		{"logo.png", []byte("<svg xmlns='http://www.w3.org/2000/svg'></svg>"), "not a PNG or JPEG"},
		{"big.png", testImage(t, "png", 2001, 10), "at most 2000×2000"},
		{"heavy.png", append(testImage(t, "png", 10, 10), make([]byte, 600<<10)...), "at most 512 KiB"},
	} {
		st, _, body := e.uploadLogo(cookie, bad.name, bad.data)
		if st != 422 || !strings.Contains(body, `id="logo-error"`) || !strings.Contains(body, bad.want) || !strings.Contains(body, `href="#logo"`) {
			t.Errorf("%s: %d, want 422 with %q beside the field", bad.name, st, bad.want)
		}
	}
	png := testImage(t, "png", 300, 80)
	if st, h, body := e.uploadLogo(cookie, "logo.png", png); st != 303 || h.Get("Location") != "/admin/practice?saved=logo" {
		t.Fatalf("upload: %d %q %s", st, h.Get("Location"), trim(body))
	}
	_, _, home := e.do("GET", "/", "", "")
	m := logoSrc.FindStringSubmatch(home)
	if m == nil {
		t.Fatalf("the public header shows no logo:\n%s", trim(home))
	}
	src := m[1] + m[3]
	st, h, body := e.do("GET", src, "", "")
	if st != 200 || h.Get("Content-Type") != "image/png" || !strings.Contains(h.Get("Cache-Control"), "immutable") ||
		h.Get("X-Content-Type-Options") != "nosniff" || body != string(png) {
		t.Fatalf("logo: %d %q %q %q, %d bytes", st, h.Get("Content-Type"), h.Get("Cache-Control"), h.Get("X-Content-Type-Options"), len(body))
	}
	if st, _, _ := e.do("GET", "/logo/0000000000000000.png", "", ""); st != 404 {
		t.Errorf("a logo address that is not the logo's: %d", st)
	}
	_, client := e.portalClient("Lee Client", "lee@example.test", nil)
	for who, c := range map[string]string{"portal": client, "staff": cookie} {
		path := map[string]string{"portal": "/portal", "staff": "/staff"}[who]
		if _, _, body := e.as(c, "GET", path, nil); !strings.Contains(body, `src="`+src+`"`) || !logoSrc.MatchString(body) {
			t.Errorf("the %s header shows no logo", who)
		}
	}

	// Through the API: a JPEG as the raw body replaces it; then removed.
	jpg := testImage(t, "jpeg", 120, 120)
	req, _ := http.NewRequest("PUT", e.ts.URL+"/api/v1/practice/logo", bytes.NewReader(jpg))
	req.Header.Set("Content-Type", "image/jpeg")
	req.AddCookie(&http.Cookie{Name: "journey_session", Value: cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"content_type":"image/jpeg"`) || !strings.Contains(string(b), ".jpg") {
		t.Fatalf("API upload: %d %s", resp.StatusCode, b)
	}
	if st, _, body := e.api(cookie, "PUT", "/api/v1/practice/logo", "GIF89a not really"); st != 422 || !strings.Contains(body, `"field":"logo"`) {
		t.Errorf("API refuses a non-image: %d %s", st, body)
	}
	therapist := e.session(staffUser(e.ny), true)
	if st, _, _ := e.api(therapist, "DELETE", "/api/v1/practice/logo", ""); st != 403 {
		t.Errorf("a therapist removes the logo: %d", st)
	}
	if st, h, _ := e.as(cookie, "POST", "/admin/practice/logo/remove", url.Values{}); st != 303 || h.Get("Location") != "/admin/practice?saved=logo-removed" {
		t.Fatalf("remove: %d %q", st, h.Get("Location"))
	}
	if _, _, home := e.do("GET", "/", "", ""); logoSrc.MatchString(home) || !strings.Contains(home, `class="brand" href="/">Test Practice</a>`) {
		t.Errorf("a removed logo still shows")
	}
	if _, err := e.db.FindLogo(context.Background()); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("the logo is still stored: %v", err)
	}
	if n := e.auditCount("settings.practice.logo", journey.AuditSuccess); n != 3 {
		t.Errorf("%d logo changes audited, want 3 (upload, replace, remove)", n)
	}
}
