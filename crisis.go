package journey

// CrisisLine is a service a person in crisis can reach at once, at any hour.
type CrisisLine struct {
	Name   string // "Suicide & Crisis Lifeline"
	How    string // "call or text", "call", "text"
	Number string // what to dial or text: digits only, so it fits tel: and sms: links
	Word   string // for a text line, the word to send first; "" otherwise
}

// CrisisLines are the lines Journey names to someone who may be in danger.
type CrisisLines struct {
	Lifeline  CrisisLine // the national suicide and crisis line
	Emergency CrisisLine // emergency services
	TextLine  CrisisLine // a line reached by text message
}

// Crisis holds the crisis lines (United States). Every page footer, the
// portal's support page, the API's answer after a safety flag and every
// email footer read them here, so no two places can disagree; only tests
// change it. Signed consent documents quote the numbers in their own
// versioned text and are not rewritten.
var Crisis = CrisisLines{
	Lifeline:  CrisisLine{Name: "Suicide & Crisis Lifeline", How: "call or text", Number: "988"},
	Emergency: CrisisLine{Name: "Emergency services", How: "call", Number: "911"},
	TextLine:  CrisisLine{Name: "Crisis Text Line", How: "text", Number: "741741", Word: "HOME"},
}
