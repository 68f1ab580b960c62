package journey

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig knows JPEG
	_ "image/png"  // and PNG: the two formats a logo may be
	"time"
)

// Bounds of the practice's logo.
const (
	LogoMaxBytes = 512 << 10 // 512 KiB
	LogoMaxSide  = 2000      // pixels, each way
)

// Logo is the practice's logo: a PNG or JPEG image shown in the header
// of every page, kept in the database.
type Logo struct {
	Data          []byte
	ContentType   string // image/png or image/jpeg
	Width, Height int
	SHA256        string // hex of Data: the logo's address changes with it
	UpdatedBy     int64
	UpdatedAt     time.Time
}

// NewLogo checks data is a PNG or JPEG image (by decoding its header, not
// by its name or the type a browser claims) of at most LogoMaxBytes and
// LogoMaxSide pixels each way, and returns it as a Logo; EINVALID naming
// the field "logo" otherwise.
func NewLogo(data []byte) (*Logo, error) {
	invalid := func(detail string) error {
		return &Error{Code: EINVALID, Message: "Please correct the highlighted fields.", Fields: []FieldError{{Field: "logo", Detail: detail}}}
	}
	if len(data) == 0 {
		return nil, invalid("Choose an image file: a PNG or a JPEG.")
	}
	if len(data) > LogoMaxBytes {
		return nil, invalid(fmt.Sprintf("This image is %d KiB: a logo may be at most %d KiB.", (len(data)+1023)>>10, LogoMaxBytes>>10))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		return nil, invalid("This file is not a PNG or JPEG image: save the logo as one of those and choose it again.")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > LogoMaxSide || cfg.Height > LogoMaxSide {
		return nil, invalid(fmt.Sprintf("This image is %d×%d pixels: a logo may be at most %d×%d.", cfg.Width, cfg.Height, LogoMaxSide, LogoMaxSide))
	}
	sum := sha256.Sum256(data)
	return &Logo{Data: data, ContentType: "image/" + format, Width: cfg.Width, Height: cfg.Height, SHA256: hex.EncodeToString(sum[:])}, nil
}

// LogoService keeps the practice's logo.
type LogoService interface {
	// FindLogo returns the logo; ENOTFOUND when the practice has none.
	FindLogo(ctx context.Context) (*Logo, error)
	// SetLogo replaces the logo with l (made by NewLogo); ECONFLICT before
	// the practice's details are saved.
	SetLogo(ctx context.Context, l *Logo) error
	// RemoveLogo removes the logo; ENOTFOUND when there is none.
	RemoveLogo(ctx context.Context) error
}
