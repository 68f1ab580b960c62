package site

import "net/http"

// EstimateRightPage is the public notice of the right to a Good Faith
// Estimate (the No Surprises Act), linked from every page's footer and
// from booking.
type EstimateRightPage struct {
	PracticeName, Phone, Email string
}

func (*EstimateRightPage) PageTitle() string { return "Your right to a Good Faith Estimate" }

// HandleEstimateRight shows the notice.
func (s *Site) HandleEstimateRight(w http.ResponseWriter, r *http.Request) {
	s.kit.ServePage(w, r, "good_faith_estimate", false, func() (string, any, error) {
		p, err := s.kit.Practice(r.Context())
		if err != nil {
			return "", nil, err
		}
		return "good_faith_estimate", &EstimateRightPage{PracticeName: p.Name, Phone: p.Phone, Email: p.Email}, nil
	})
}
