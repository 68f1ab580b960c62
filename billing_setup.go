package journey

import (
	"strconv"
	"strings"
)

// NormalizeDiagnoses trims and upper-cases a client's diagnosis codes in
// pointer order (A first), dropping empty places, and returns EINVALID
// naming each wrong place (diagnoses[i], i counting the codes given):
// an unbillable code, a code twice, more than MaxDiagnoses.
func NormalizeDiagnoses(codes []string) ([]string, error) {
	var v Validation
	out := []string{}
	for i, c := range codes {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		field := "diagnoses[" + strconv.Itoa(i) + "]"
		switch err := CheckDiagnosis(c); {
		case err != nil:
			v.Add(field, err.Error())
		case contains(out, c):
			v.Add(field, c+" is already on the list.")
		default:
			out = append(out, c)
		}
	}
	if len(out) > MaxDiagnoses {
		v.Add("diagnoses", "A claim points at 12 diagnoses at most: remove "+strconv.Itoa(len(out)-MaxDiagnoses)+".")
	}
	return out, v.Err()
}

// DiagnosisPointer returns the claim form's letter for the diagnosis at
// index i of a client's list: A for 0 up to L for 11.
func DiagnosisPointer(i int) string {
	if i < 0 || i >= MaxDiagnoses {
		return ""
	}
	return string(rune('A' + i))
}

// SelfPay returns coverage of client with entity as self-pay: what an
// entity with no coverage on file bills.
func SelfPay(clientID, entityID int64) *Coverage {
	return &Coverage{ClientID: clientID, EntityID: entityID, Payer: PayerSelfPay}
}
