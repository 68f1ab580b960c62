package journey

import "testing"

func TestValidNPI(t *testing.T) {
	for _, s := range []string{"1234567893", "1245319599", "1003000126"} {
		if !ValidNPI(s) {
			t.Errorf("%s: refused, but its check digit is right", s)
		}
	}
	for _, s := range []string{"1234567890", "1234567892", "123456789", "12345678931", "123456789X", "abcdefghij", "", "1245319590"} {
		if ValidNPI(s) {
			t.Errorf("%q: accepted", s)
		}
	}
}

func TestStaffProfileValidate(t *testing.T) {
	p := &StaffProfile{Name: " Noor Haddad ", NPI: "1234 567 893", LicenceNumber: "t1234", LicenceState: "or", TimeZone: "America/Los_Angeles"}
	p.Normalize()
	if err := p.Validate(); err != nil || p.NPI != "1234567893" || p.LicenceState != "OR" {
		t.Fatalf("a good profile: %v %+v", err, p)
	}
	bad := &StaffProfile{Name: "", NPI: "1234567890", LicenceState: "ZZ", TimeZone: "Mars/Olympus"}
	fields := map[string]string{}
	for _, f := range ErrorFields(bad.Validate()) {
		fields[f.Field] = f.Detail
	}
	if fields["npi"] != "This NPI's check digit is wrong: check the number against the NPPES registry." || fields["name"] == "" ||
		fields["licence_state"] == "" || fields["time_zone"] == "" {
		t.Fatalf("fields: %q", fields)
	}
	short := &StaffProfile{Name: "A", NPI: "12345"}
	if f := ErrorFields(short.Validate()); len(f) != 1 || f[0].Detail != "An NPI is 10 digits." {
		t.Fatalf("short NPI: %v", f)
	}
}
