package starter

import "github.com/journey-kap/journey"

// FAQ returns the starter questions a practice edits into its own FAQ,
// unpublished: general answers about KAP with Journey, to be changed where
// the practice works differently (fees, forms of the medicine, remote
// sessions) before each is published.
func FAQ() []*journey.FAQEntry {
	qa := [][2]string{
		{"What is Ketamine-Assisted Psychotherapy?",
			"Psychotherapy in which, at some sessions, you take a low dose of ketamine under medical supervision. The medicine can loosen fixed patterns of thought and feeling for a while; the therapy before, during and after helps you use that time well."},
		{"How does the program run?",
			"1. A **free consult** with a therapist, to see whether KAP may suit you.\n2. An **intake**: questionnaires and a medical review by our prescriber.\n3. **Preparation** sessions with your therapist.\n4. **Medicine sessions**, with your therapist present throughout.\n5. **Integration** sessions after each medicine session."},
		{"Is it safe?",
			"Before any medicine session our medical provider reviews your health history, medicines and questionnaires, and may say KAP is not right for you now. During a session you are monitored the whole time, and you do not drive afterwards."},
		{"Who is it not for?",
			"Some conditions and medicines rule ketamine out or call for caution, for example uncontrolled high blood pressure, some heart conditions, pregnancy, a history of psychosis or mania, or current substance misuse. The medical review looks at your situation; ask at your consult if you are unsure."},
		{"How many sessions will I need?",
			"It differs from person to person. Your therapist and the medical provider plan it with you and review it as you go; you can stop at any point."},
		{"What does it cost, and does insurance pay?",
			"The consult is free. Ask us for the current fees. Some insurers cover therapy sessions but not the medicine sessions; we can give you what you need to claim."},
		{"How do I start?",
			"Book a free consult on this site. It is a short conversation by phone or video and commits you to nothing."},
	}
	out := make([]*journey.FAQEntry, len(qa))
	for i, e := range qa {
		out[i] = &journey.FAQEntry{Question: e[0], Answer: e[1], Position: i + 1}
	}
	return out
}
