package web

import (
	"errors"

	"github.com/journey-kap/journey/internal/auth"
)

func asPasswordError(err error, target **auth.PasswordError) bool { return errors.As(err, target) }
