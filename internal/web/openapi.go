package web

import (
	_ "embed"
	"encoding/json"
	"net/http"
)

//go:embed openapi.json
var openAPIDoc []byte

// handleOpenAPI serves the OpenAPI 3.1 document with this server's URL.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		s.apiError(w, r, err)
		return
	}
	doc["servers"] = []map[string]string{{"url": s.cfg.BaseURL + "/api/v1"}}
	writeJSON(w, http.StatusOK, doc)
}
