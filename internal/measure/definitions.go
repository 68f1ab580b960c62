package measure

import (
	"strconv"

	"github.com/journey-kap/journey"
)

// Licence statements, one line each, kept apart from the item text.
const (
	licencePHQ = "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues " +
		"with an educational grant from Pfizer Inc.; free to use: no permission is required to " +
		"reproduce, translate, display or distribute."
	licencePCL5 = "PCL-5 (Weathers, Litz, Keane, Palmieri, Marx & Schnurr, 2013), National Center for PTSD; " +
		"in the public domain."
	licenceCSSRS = "Columbia-Suicide Severity Rating Scale screener © The Research Foundation for Mental " +
		"Hygiene, Inc.; free to use without permission in healthcare settings (Columbia Lighthouse Project)."
)

// frequency returns the PHQ-9 and GAD-7 answer options, 0–3.
func frequency() []journey.Option {
	return []journey.Option{
		{Value: 0, Label: "Not at all"},
		{Value: 1, Label: "Several days"},
		{Value: 2, Label: "More than half the days"},
		{Value: 3, Label: "Nearly every day"},
	}
}

// bother returns the PCL-5 answer options, 0–4.
func bother() []journey.Option {
	return []journey.Option{
		{Value: 0, Label: "Not at all"},
		{Value: 1, Label: "A little bit"},
		{Value: 2, Label: "Moderately"},
		{Value: 3, Label: "Quite a bit"},
		{Value: 4, Label: "Extremely"},
	}
}

// yesNo returns the C-SSRS screener answer options: 0 no, 1 yes.
func yesNo() []journey.Option {
	return []journey.Option{{Value: 0, Label: "No"}, {Value: 1, Label: "Yes"}}
}

// scoredItems numbers texts from 1 and gives each a fresh copy of options.
func scoredItems(options func() []journey.Option, texts ...string) []journey.Item {
	items := make([]journey.Item, len(texts))
	for i, t := range texts {
		items[i] = journey.Item{Key: strconv.Itoa(i + 1), Text: t, Options: options(), Scored: true}
	}
	return items
}

// phq9 is the PHQ-9, version 1. The unscored difficulty question is left out
// of Items (so a response has exactly nine answers) and quoted in Instructions.
func phq9() *journey.Questionnaire {
	return &journey.Questionnaire{
		Code:    journey.QuestionnairePHQ9,
		Version: 1,
		Title:   "PHQ-9",
		// On paper the PHQ-9 ends with a difficulty question that is not
		// scored; Journey does not ask it, and the client is not told so.
		Instructions: "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
		Recall:       "the last 2 weeks",
		Licence:      licencePHQ,
		Items: scoredItems(frequency,
			"Little interest or pleasure in doing things",
			"Feeling down, depressed, or hopeless",
			"Trouble falling or staying asleep, or sleeping too much",
			"Feeling tired or having little energy",
			"Poor appetite or overeating",
			"Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
			"Trouble concentrating on things, such as reading the newspaper or watching television",
			"Moving or speaking so slowly that other people could have noticed? Or the opposite — "+
				"being so fidgety or restless that you have been moving around a lot more than usual",
			"Thoughts that you would be better off dead or of hurting yourself in some way",
		),
		MaxScore: 27,
		Bands: []journey.Band{
			{Min: 0, Max: 4, Code: "minimal", Label: "Minimal"},
			{Min: 5, Max: 9, Code: "mild", Label: "Mild"},
			{Min: 10, Max: 14, Code: "moderate", Label: "Moderate"},
			{Min: 15, Max: 19, Code: "moderately-severe", Label: "Moderately severe"},
			{Min: 20, Max: 27, Code: "severe", Label: "Severe"},
		},
	}
}

// gad7 is the GAD-7, version 1.
func gad7() *journey.Questionnaire {
	return &journey.Questionnaire{
		Code:         journey.QuestionnaireGAD7,
		Version:      1,
		Title:        "GAD-7",
		Instructions: "Over the last 2 weeks, how often have you been bothered by the following problems?",
		Recall:       "the last 2 weeks",
		Licence:      licencePHQ,
		Items: scoredItems(frequency,
			"Feeling nervous, anxious, or on edge",
			"Not being able to stop or control worrying",
			"Worrying too much about different things",
			"Trouble relaxing",
			"Being so restless that it is hard to sit still",
			"Becoming easily annoyed or irritable",
			"Feeling afraid, as if something awful might happen",
		),
		MaxScore: 21,
		Bands: []journey.Band{
			{Min: 0, Max: 4, Code: "minimal", Label: "Minimal"},
			{Min: 5, Max: 9, Code: "mild", Label: "Mild"},
			{Min: 10, Max: 14, Code: "moderate", Label: "Moderate"},
			{Min: 15, Max: 21, Code: "severe", Label: "Severe"},
		},
	}
}

// pcl5 is the PCL-5 (past-month version), version 1. Clusters: B items 1–5,
// C 6–7, D 8–14, E 15–20. It has no bands; the cut-off is an Option.
func pcl5() *journey.Questionnaire {
	q := &journey.Questionnaire{
		Code:    journey.QuestionnairePCL5,
		Version: 1,
		Title:   "PCL-5",
		Instructions: "Below is a list of problems that people sometimes have in response to a very stressful " +
			"experience. Please read each problem carefully and then choose the answer that shows how much " +
			"you have been bothered by that problem in the past month. In the past month, how much were you bothered by:",
		Recall:   "the past month",
		Licence:  licencePCL5,
		MaxScore: 80,
		Items: scoredItems(bother,
			"Repeated, disturbing, and unwanted memories of the stressful experience?",
			"Repeated, disturbing dreams of the stressful experience?",
			"Suddenly feeling or acting as if the stressful experience were actually happening again "+
				"(as if you were actually back there reliving it)?",
			"Feeling very upset when something reminded you of the stressful experience?",
			"Having strong physical reactions when something reminded you of the stressful experience "+
				"(for example, heart pounding, trouble breathing, sweating)?",
			"Avoiding memories, thoughts, or feelings related to the stressful experience?",
			"Avoiding external reminders of the stressful experience (for example, people, places, "+
				"conversations, activities, objects, or situations)?",
			"Trouble remembering important parts of the stressful experience?",
			"Having strong negative beliefs about yourself, other people, or the world (for example, having "+
				"thoughts such as: I am bad, there is something seriously wrong with me, no one can be trusted, "+
				"the world is completely dangerous)?",
			"Blaming yourself or someone else for the stressful experience or what happened after it?",
			"Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
			"Loss of interest in activities that you used to enjoy?",
			"Feeling distant or cut off from other people?",
			"Trouble experiencing positive feelings (for example, being unable to feel happiness or have "+
				"loving feelings for people close to you)?",
			"Irritable behavior, angry outbursts, or acting aggressively?",
			"Taking too many risks or doing things that could cause you harm?",
			"Being \"superalert\" or watchful or on guard?",
			"Feeling jumpy or easily startled?",
			"Having difficulty concentrating?",
			"Trouble falling or staying asleep?",
		),
	}
	setClusters(q.Items, "B", 1, 5)
	setClusters(q.Items, "C", 6, 7)
	setClusters(q.Items, "D", 8, 14)
	setClusters(q.Items, "E", 15, 20)
	return q
}

// setClusters puts items first..last (1-based, inclusive) in cluster c.
func setClusters(items []journey.Item, c string, first, last int) {
	for i := first - 1; i < last; i++ {
		items[i].Cluster = c
	}
}

// cssrsScreener is the six-question C-SSRS screener (past-month recall for
// questions 1–5), version 1. Questions 3–5 are asked only when question 2 is
// yes. Nothing is summed: the result is the risk level in Score.Band, so the
// items are unscored and MaxScore is 0.
func cssrsScreener() *journey.Questionnaire {
	ifQ2Yes := func(text string) journey.Item {
		return journey.Item{Text: text, Options: yesNo(), AskIf: []int{1}, AskIfValues: []int{1}}
	}
	items := []journey.Item{
		{Text: "In the past month, have you wished you were dead or wished you could go to sleep and not wake up?", Options: yesNo()},
		{Text: "In the past month, have you actually had any thoughts of killing yourself?", Options: yesNo()},
		ifQ2Yes("Have you been thinking about how you might do this?"),
		ifQ2Yes("Have you had these thoughts and had some intention of acting on them?"),
		ifQ2Yes("Have you started to work out or worked out the details of how to kill yourself? " +
			"Do you intend to carry out this plan?"),
		{
			Text: "Have you ever done anything, started to do anything, or prepared to do anything to end your life? " +
				"(For example: collected pills, obtained a gun, gave away valuables, wrote a will or suicide note, " +
				"took out pills but didn't swallow any, held a gun but changed your mind or it was grabbed from " +
				"your hand, went to the roof but didn't jump, or actually took pills, tried to shoot yourself, " +
				"cut yourself, tried to hang yourself, etc.)",
			Options: []journey.Option{
				{Value: 0, Label: "No"},
				{Value: 1, Label: "Yes, more than 3 months ago"},
				{Value: 2, Label: "Yes, in the past 3 months"},
			},
		},
	}
	for i := range items {
		items[i].Key = strconv.Itoa(i + 1)
	}
	return &journey.Questionnaire{
		Code:    journey.QuestionnaireCSSRS,
		Version: 1,
		Title:   "C-SSRS Screener",
		// With JavaScript, questions 3–5 appear only after a yes to question
		// 2; without it, each says when to answer it. The instructions name
		// no question, so they are true either way.
		Instructions: "Answer each question below. Some questions are only for certain answers to the one before, and are left out otherwise.",
		Recall:       "the past month",
		Licence:      licenceCSSRS,
		Items:        items,
	}
}
