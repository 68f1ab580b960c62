// Package sms sends text messages through an HTTP gateway in the shape of
// Twilio's Messages API: a form POST to
// {URL}/2010-04-01/Accounts/{account}/Messages.json with To, From and Body,
// under HTTP basic authentication by the account and its token; the
// gateway answers 201 with the message's sid, or an error as JSON with a
// code and a message. Other gateways offer the same shape (and a relay can
// stand in front of any other one).
package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// Sender sends texts through the gateway at URL.
type Sender struct {
	URL     string // the gateway's base URL, e.g. https://api.twilio.com
	Account string
	Token   string
	From    string // the number texts come from (E.164)
	Client  *http.Client
}

var _ journey.SMSSender = (*Sender)(nil)

// New returns a sender; with an empty URL, one that is not configured.
// It fails when the URL is not https (http only to this machine, for a
// relay or a test) or the account, token or number is missing.
func New(rawURL, account, token, from string) (*Sender, error) {
	s := &Sender{URL: strings.TrimRight(rawURL, "/"), Account: account, Token: token, From: from,
		Client: &http.Client{Timeout: 15 * time.Second}}
	if rawURL == "" {
		return s, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && (u.Scheme != "http" || !loopback(u.Hostname()))) {
		return nil, fmt.Errorf("sms: the gateway URL must be https://host (http only to localhost), got %q", rawURL)
	}
	if account == "" || token == "" || from == "" {
		return nil, errors.New("sms: the gateway needs an account, a token and the number texts come from")
	}
	return s, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Configured reports whether a gateway is set up.
func (s *Sender) Configured() bool { return s != nil && s.URL != "" }

// gatewayAnswer is the part of the gateway's JSON answer Journey reads.
type gatewayAnswer struct {
	SID     string `json:"sid"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// SendText posts one message and returns the gateway's sid. A 4xx answer
// is SMSRejected (401 and 403: SMSUnauthorized), and is not retried; a 5xx
// or 429 answer, or no answer, is SMSUnavailable.
func (s *Sender) SendText(ctx context.Context, to, body string) (string, error) {
	if !s.Configured() {
		return "", &journey.SMSError{Class: journey.SMSUnavailable, Err: errors.New("no gateway configured")}
	}
	form := url.Values{"To": {to}, "From": {s.From}, "Body": {body}}
	endpoint := s.URL + "/2010-04-01/Accounts/" + url.PathEscape(s.Account) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", &journey.SMSError{Class: journey.SMSUnavailable, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(s.Account, s.Token)
	resp, err := s.Client.Do(req)
	if err != nil {
		return "", &journey.SMSError{Class: journey.SMSUnavailable, Err: err}
	}
	defer resp.Body.Close()
	var a gatewayAnswer
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	jerr := json.Unmarshal(raw, &a)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300 && jerr == nil && a.SID != "":
		return a.SID, nil
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return "", &journey.SMSError{Class: journey.SMSUnavailable, Err: fmt.Errorf("gateway answered %d without a message id", resp.StatusCode)}
	}
	cause := fmt.Errorf("gateway answered %d: code %d: %s", resp.StatusCode, a.Code, a.Message)
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return "", &journey.SMSError{Class: journey.SMSUnauthorized, Err: cause}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return "", &journey.SMSError{Class: journey.SMSUnavailable, Err: cause}
	}
	return "", &journey.SMSError{Class: journey.SMSRejected, Err: cause}
}
