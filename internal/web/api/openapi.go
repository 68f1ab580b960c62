package api

import (
	_ "embed"
	"encoding/json"
	"net/http"

	"github.com/journey-kap/journey/internal/web/webkit"
)

// OpenAPIDoc is the API's OpenAPI 3.1 document (openapi.json), which a
// test in internal/web checks against the route table.
//
//go:embed openapi.json
var OpenAPIDoc []byte

// HandleOpenAPI serves the OpenAPI 3.1 document with this server's URL.
func (s *Handler) HandleOpenAPI(w http.ResponseWriter, r *http.Request) {
	var doc map[string]any
	if err := json.Unmarshal(OpenAPIDoc, &doc); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	doc["servers"] = []map[string]string{{"url": s.kit.BaseURL() + "/api/v1"}}
	webkit.WriteJSON(w, http.StatusOK, doc)
}
