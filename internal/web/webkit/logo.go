package webkit

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/journey-kap/journey"
)

// ReadLogo returns the uploaded file: the form's "logo" part of a
// multipart body, or (the API) the raw body. A body past the bound is
// read no further: NewLogo names the bound.
func ReadLogo(r *http.Request) ([]byte, error) {
	body := io.Reader(r.Body)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); strings.HasPrefix(mt, "multipart/") {
		f, _, err := r.FormFile("logo")
		if errors.Is(err, http.ErrMissingFile) {
			return nil, nil
		}
		if err != nil {
			return nil, journey.Errorf(journey.EINVALID, "The upload could not be read: choose the file and send it again.")
		}
		defer f.Close()
		body = f
	}
	data, err := io.ReadAll(io.LimitReader(body, journey.LogoMaxBytes+1))
	if err != nil {
		return nil, journey.Errorf(journey.EINVALID, "The upload could not be read: choose the file and send it again.")
	}
	return data, nil
}

// LogoURL returns where p's logo is served ("" when it has none): the
// first 16 hex digits of its SHA-256 name it, so a new logo has a new
// address and each can be cached for good.
func LogoURL(p *journey.Practice) string {
	if p == nil || len(p.LogoSHA256) < 16 {
		return ""
	}
	return "/logo/" + p.LogoSHA256[:16] + LogoExt(p.LogoType)
}

func LogoExt(contentType string) string {
	if contentType == "image/jpeg" {
		return ".jpg"
	}
	return ".png"
}
