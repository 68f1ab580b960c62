package auth

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// Password length limits, in characters (runes), per NIST SP 800-63B: a long
// minimum instead of composition rules, and a maximum generous enough for
// passphrases and password managers.
const (
	MinPasswordRunes = 12
	MaxPasswordRunes = 256
)

// minScore is the lowest zxcvbn score CheckPassword accepts. Score 3 means an
// estimated 10^8 to 10^10 guesses: "safely unguessable" offline against a
// slow hash like argon2id, and far beyond any throttled online attack.
const minScore = 3

// zxcvbnRunes is how much of a password zxcvbn looks at. Its matchers try
// every substring (and, for look-alike symbols, combinations of
// substitutions), so its cost grows steeply with length: on the 2-core
// server a crafted string of look-alike symbols takes about 0.55 s at 100
// characters, 0.2 s at 64 and 0.05 s at 32, while ordinary passwords take
// about a millisecond (BenchmarkCheckPassword). A strong 64-character prefix
// keeps the whole password strong.
const zxcvbnRunes = 64

// serviceWords are words naming this service, which NIST SP 800-63B lists
// among the first things to refuse in a password ("context-specific words").
var serviceWords = []string{"journey", "journeykap", "ketamine", "kap"}

// PasswordError explains, in plain words fit to show the person choosing the
// password, why CheckPassword refused it.
type PasswordError struct {
	Message string
}

func (e *PasswordError) Error() string { return e.Message }

// CheckPassword enforces the rules for new and changed passwords (NIST SP
// 800-63B: a long minimum and a check against guessable choices instead of
// composition rules):
//   - 12 to 256 characters, counted as runes; spaces and any script allowed;
//   - a zxcvbn strength score of at least 3 (of 0..4), which also refuses
//     passwords from common-password lists, keyboard walks, repeats and
//     sequences;
//   - strong even without the person's own details: userInputs are what an
//     attacker would try first for this person (email, name, ...); they are
//     split at spaces and punctuation, so "Maria Lopez" and
//     "maria.lopez@example.com" both make "maria" and "lopez" known words.
//     The password is scored with those words, and the service's own name,
//     taken out, so "MariaLopez!2024" is weak for Maria Lopez although zxcvbn
//     alone would rate it 3.
//
// It returns nil or a *PasswordError whose Message can be shown as is.
func CheckPassword(password string, userInputs ...string) error {
	if !utf8.ValidString(password) {
		return &PasswordError{Message: "This password contains characters that cannot be read. Use letters, numbers, spaces and symbols."}
	}
	n := utf8.RuneCountInString(password)
	if n < MinPasswordRunes {
		return &PasswordError{Message: "Use at least 12 characters."}
	}
	if n > MaxPasswordRunes {
		return &PasswordError{Message: "Use at most 256 characters."}
	}
	scored := password
	if n > zxcvbnRunes {
		scored = string([]rune(password)[:zxcvbnRunes])
	}
	personal := expandUserInputs(userInputs)
	rest, hadPersonal := stripWords(scored, personal)
	rest, hadService := stripWords(rest, serviceWords)
	res := zxcvbn.PasswordStrength(rest, append(personal, serviceWords...))
	if res.Score >= minScore {
		return nil
	}
	var reasons []string
	if hadPersonal {
		reasons = append(reasons, reasonPersonal)
	}
	if hadService {
		reasons = append(reasons, reasonService)
	}
	return &PasswordError{Message: weakMessage(res, reasons)}
}

// expandUserInputs returns the inputs themselves, an email's local part and
// every run of letters and digits in them, lowercased, without duplicates,
// keeping only those of at least 3 characters: shorter fragments would match
// inside nearly any password.
func expandUserInputs(inputs []string) []string {
	seen := make(map[string]bool)
	var out []string
	add := func(s string) {
		s = strings.ToLower(strings.TrimSpace(s))
		if utf8.RuneCountInString(s) < 3 || seen[s] {
			return
		}
		seen[s] = true
		out = append(out, s)
	}
	for _, in := range inputs {
		if !utf8.ValidString(in) {
			continue
		}
		add(in)
		if local, _, ok := strings.Cut(in, "@"); ok {
			add(local)
		}
		for _, part := range strings.FieldsFunc(in, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			add(part)
		}
	}
	return out
}

// stripWords removes every case-insensitive occurrence of words from s,
// longest words first, and reports whether it removed anything.
func stripWords(s string, words []string) (string, bool) {
	if len(words) == 0 {
		return s, false
	}
	sorted := slices.Clone(words)
	slices.SortFunc(sorted, func(a, b string) int { return len(b) - len(a) })
	alts := make([]string, len(sorted))
	for i, w := range sorted {
		alts[i] = regexp.QuoteMeta(w)
	}
	re := regexp.MustCompile("(?i)" + strings.Join(alts, "|"))
	out := re.ReplaceAllLiteralString(s, "")
	return out, len(out) != len(s)
}

const (
	reasonPersonal = "it contains your name or email address"
	reasonService  = "it contains the name of this service"
)

// weakMessage explains a low zxcvbn score, after the given reasons.
// trustelem/zxcvbn gives only the score and the matched pattern sequence,
// not the warnings and suggestions of the original JavaScript library, so
// the reasons are derived from the patterns found.
func weakMessage(res zxcvbn.Result, reasons []string) string {
	seen := make(map[string]bool)
	for _, r := range reasons {
		seen[r] = true
	}
	add := func(r string) {
		if !seen[r] {
			seen[r] = true
			reasons = append(reasons, r)
		}
	}
	for _, m := range res.Sequence {
		switch m.Pattern {
		case "dictionary":
			switch m.DictionaryName {
			case "user_inputs":
				if slices.Contains(serviceWords, m.MatchedWord) {
					add(reasonService)
				} else {
					add(reasonPersonal)
				}
			case "passwords":
				add("it is, or is built on, a commonly used password")
			case "female_names", "male_names", "surnames":
				add("it is built on common names")
			default:
				add("it is built on common words")
			}
			if m.L33t {
				add("swapping letters for look-alike symbols (like @ for a) does not make it harder to guess")
			}
			if m.Reversed {
				add("spelling words backwards does not make them harder to guess")
			}
		case "spatial":
			add("it contains keyboard patterns like qwerty")
		case "repeat":
			add("it repeats characters or words")
		case "sequence":
			add("it contains sequences like abc or 1234")
		case "date", "regex":
			add("it contains a date or a year")
		}
	}
	msg := "This password is too common or too easy to guess"
	if len(reasons) > 0 {
		msg += ": " + joinReasons(reasons)
	}
	return msg + ". Try a few unrelated words or a short phrase only you would think of, or let a password manager make one up."
}

func joinReasons(r []string) string {
	switch len(r) {
	case 1:
		return r[0]
	case 2:
		return r[0] + " and " + r[1]
	}
	return strings.Join(r[:len(r)-1], ", ") + " and " + r[len(r)-1]
}
