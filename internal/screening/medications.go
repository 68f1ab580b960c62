package screening

import (
	"strings"
	"sync"
	"unicode"

	journey "github.com/journey-kap/journey"
)

// Medication classes. Each screening medication rule looks at one or two
// classes; ClassAntipsychotic and ClassOther have no rule and exist so that
// common medicines are recognised rather than reported as unknown.
const (
	ClassBenzodiazepine = "benzodiazepine" // rules benzodiazepine and benzodiazepine_high_dose
	ClassLamotrigine    = "lamotrigine"    // rule lamotrigine
	ClassOpioid         = "opioid"         // rule opioid_sedative
	ClassSedative       = "sedative"       // rule opioid_sedative (Z-drugs, gabapentinoids, barbiturates)
	ClassStimulant      = "stimulant"      // rule stimulant
	ClassMAOI           = "maoi"           // rule maoi
	ClassCYP            = "cyp3a4_2b6"     // rule cyp_interaction: strong CYP3A4/2B6 inducers or inhibitors
	ClassAntipsychotic  = "antipsychotic"  // no rule
	ClassOther          = "other"          // no rule
)

// Medication is one medicine Journey recognises: its generic name (lower
// case), its class, and for benzodiazepines the factor that turns a daily
// dose in mg into mg of diazepam (Ashton table: alprazolam 0.5 mg ≈
// diazepam 10 mg, so 20). Brands are the brand and other names that also
// match it, lower case.
type Medication struct {
	Name           string
	Class          string
	DiazepamFactor float64
	Brands         []string
}

func med(class, name string, brands ...string) Medication {
	return Medication{Name: name, Class: class, Brands: brands}
}

func benzo(name string, factor float64, brands ...string) Medication {
	return Medication{Name: name, Class: ClassBenzodiazepine, DiazepamFactor: factor, Brands: brands}
}

// catalogue is the medication list. Names must be unique across entries
// once normalised (the tests check).
func catalogue() []Medication {
	l, o, se, st, m, c, a, x := ClassLamotrigine, ClassOpioid, ClassSedative, ClassStimulant, ClassMAOI, ClassCYP, ClassAntipsychotic, ClassOther
	return []Medication{
		// Benzodiazepines: factor = 10 mg diazepam / Ashton's equivalent dose.
		benzo("diazepam", 1, "valium"),
		benzo("alprazolam", 20, "xanax"),
		benzo("clonazepam", 20, "klonopin", "rivotril"),
		benzo("lorazepam", 10, "ativan"),
		benzo("temazepam", 0.5, "restoril"),
		benzo("oxazepam", 0.5, "serax"),
		benzo("chlordiazepoxide", 0.4, "librium"),
		benzo("clobazam", 0.5, "onfi", "sympazan"),
		benzo("triazolam", 20, "halcion"),
		benzo("clorazepate", 10.0/15, "tranxene"),
		benzo("nitrazepam", 1, "mogadon"),

		med(l, "lamotrigine", "lamictal"),

		med(o, "oxycodone", "oxycontin", "roxicodone", "percocet", "xtampza"),
		med(o, "hydrocodone", "vicodin", "norco", "hysingla", "zohydro"),
		med(o, "morphine", "ms contin", "kadian"),
		med(o, "tramadol", "ultram"),
		med(o, "buprenorphine", "subutex", "suboxone", "butrans", "belbuca", "sublocade", "zubsolv"),
		med(o, "methadone", "dolophine", "methadose"),
		med(o, "fentanyl", "duragesic"),
		med(o, "codeine", "tylenol with codeine", "tylenol 3", "tylenol 4"),
		med(o, "hydromorphone", "dilaudid"),
		med(o, "tapentadol", "nucynta"),
		med(o, "oxymorphone", "opana"),

		med(se, "zolpidem", "ambien", "edluar", "intermezzo"),
		med(se, "eszopiclone", "lunesta"),
		med(se, "zaleplon", "sonata"),
		med(se, "zopiclone", "imovane"),
		med(se, "suvorexant", "belsomra"),
		med(se, "gabapentin", "neurontin", "gralise"),
		med(se, "pregabalin", "lyrica"),
		med(se, "phenobarbital", "phenobarbitone"),
		med(se, "butalbital", "fioricet", "fiorinal"),
		med(se, "carisoprodol", "soma"),

		med(st, "amphetamine", "adderall", "mydayis", "evekeo", "adzenys"),
		med(st, "dextroamphetamine", "dexedrine", "zenzedi"),
		med(st, "lisdexamfetamine", "vyvanse"),
		med(st, "methylphenidate", "ritalin", "concerta", "metadate", "methylin", "daytrana", "quillivant"),
		med(st, "dexmethylphenidate", "focalin"),
		med(st, "methamphetamine", "desoxyn"),
		med(st, "modafinil", "provigil"),
		med(st, "armodafinil", "nuvigil"),

		med(m, "phenelzine", "nardil"),
		med(m, "tranylcypromine", "parnate"),
		med(m, "isocarboxazid", "marplan"),
		med(m, "selegiline", "emsam", "eldepryl", "zelapar"),

		med(c, "rifampin", "rifampicin", "rifadin"),
		med(c, "carbamazepine", "tegretol", "equetro", "carbatrol"),
		med(c, "phenytoin", "dilantin"),
		med(c, "st john's wort", "saint john's wort", "hypericum"),
		med(c, "ketoconazole", "nizoral"),
		med(c, "itraconazole", "sporanox"),
		med(c, "voriconazole", "vfend"),
		med(c, "clarithromycin", "biaxin"),
		med(c, "ritonavir", "norvir", "paxlovid"),
		med(c, "efavirenz", "sustiva"),
		med(c, "ticlopidine", "ticlid"),
		med(c, "clopidogrel", "plavix"),

		med(a, "quetiapine", "seroquel"),
		med(a, "olanzapine", "zyprexa"),
		med(a, "risperidone", "risperdal"),
		med(a, "aripiprazole", "abilify"),
		med(a, "brexpiprazole", "rexulti"),
		med(a, "cariprazine", "vraylar"),
		med(a, "lurasidone", "latuda"),
		med(a, "ziprasidone", "geodon"),
		med(a, "paliperidone", "invega"),
		med(a, "haloperidol", "haldol"),
		med(a, "clozapine", "clozaril"),
		med(a, "chlorpromazine", "thorazine"),

		// Common medicines with no screening rule.
		med(x, "sertraline", "zoloft"),
		med(x, "fluoxetine", "prozac"),
		med(x, "escitalopram", "lexapro"),
		med(x, "citalopram", "celexa"),
		med(x, "paroxetine", "paxil"),
		med(x, "fluvoxamine", "luvox"),
		med(x, "venlafaxine", "effexor"),
		med(x, "desvenlafaxine", "pristiq"),
		med(x, "duloxetine", "cymbalta"),
		med(x, "bupropion", "wellbutrin", "zyban"),
		med(x, "mirtazapine", "remeron"),
		med(x, "trazodone", "desyrel"),
		med(x, "vortioxetine", "trintellix"),
		med(x, "vilazodone", "viibryd"),
		med(x, "amitriptyline", "elavil"),
		med(x, "nortriptyline", "pamelor"),
		med(x, "buspirone", "buspar"),
		med(x, "hydroxyzine", "vistaril", "atarax"),
		med(x, "prazosin", "minipress"),
		med(x, "clonidine", "catapres"),
		med(x, "guanfacine", "intuniv", "tenex"),
		med(x, "propranolol", "inderal"),
		med(x, "lithium", "lithobid"),
		med(x, "valproate", "valproic acid", "divalproex", "depakote"),
		med(x, "topiramate", "topamax"),
		med(x, "levetiracetam", "keppra"),
		med(x, "oxcarbazepine", "trileptal"),
		med(x, "naltrexone", "vivitrol"),
		med(x, "ondansetron", "zofran"),
		med(x, "lisinopril", "zestril", "prinivil"),
		med(x, "losartan", "cozaar"),
		med(x, "amlodipine", "norvasc"),
		med(x, "metoprolol", "lopressor", "toprol"),
		med(x, "hydrochlorothiazide", "hctz"),
		med(x, "levothyroxine", "synthroid", "levoxyl", "euthyrox"),
		med(x, "metformin", "glucophage"),
		med(x, "insulin"),
		med(x, "semaglutide", "ozempic", "wegovy", "rybelsus"),
		med(x, "tirzepatide", "mounjaro", "zepbound"),
		med(x, "atorvastatin", "lipitor"),
		med(x, "rosuvastatin", "crestor"),
		med(x, "simvastatin", "zocor"),
		med(x, "ibuprofen", "advil", "motrin"),
		med(x, "naproxen", "aleve"),
		med(x, "aspirin"),
		med(x, "acetaminophen", "paracetamol", "tylenol"),
		med(x, "sumatriptan", "imitrex"),
		med(x, "omeprazole", "prilosec"),
		med(x, "pantoprazole", "protonix"),
		med(x, "cetirizine", "zyrtec"),
		med(x, "loratadine", "claritin"),
		med(x, "montelukast", "singulair"),
		med(x, "albuterol", "salbutamol", "ventolin", "proair"),
		med(x, "prednisone"),
		med(x, "estradiol"),
		med(x, "progesterone"),
		med(x, "testosterone"),
		med(x, "oral contraceptive", "oral contraceptives", "birth control", "birth control pill",
			"contraceptive pill", "the pill", "levonorgestrel", "norethindrone", "ethinyl estradiol",
			"drospirenone", "norgestimate", "yaz", "yasmin", "sprintec", "loestrin"),
		med(x, "melatonin"),
		med(x, "vitamin d", "vitamin d3", "cholecalciferol"),
		med(x, "multivitamin"),
		med(x, "fish oil", "omega 3"),
		med(x, "magnesium"),
		med(x, "iron", "ferrous sulfate"),
	}
}

var lookup = sync.OnceValue(func() map[string]Medication {
	idx := map[string]Medication{}
	for _, md := range catalogue() {
		idx[normalize(md.Name)] = md
		for _, br := range md.Brands {
			idx[normalize(br)] = md
		}
	}
	return idx
})

// Medications returns the catalogue Journey recognises, one entry per
// generic name with its brand names. The result is a fresh copy.
func Medications() []Medication {
	return catalogue()
}

// normalize lower-cases s, drops apostrophes and turns every other run of
// characters that are not letters or digits into one space.
func normalize(s string) string {
	var sb strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '\'' || r == '\u2019':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			space = false
			sb.WriteRune(r)
		default:
			space = true
		}
	}
	return sb.String()
}

// Classify finds the medication a client named: case-insensitive, ignoring
// spaces and punctuation at either end, by generic or brand name. When the
// whole name is not known it tries it without its last words, down to the
// first word, so "Xanax XR", "sertraline 50mg" and "St John's Wort 300 mg"
// are recognised.
func Classify(name string) (Medication, bool) {
	words := strings.Fields(normalize(name))
	idx := lookup()
	for n := len(words); n > 0; n-- {
		if md, ok := idx[strings.Join(words[:n], " ")]; ok {
			md.Brands = append([]string(nil), md.Brands...)
			return md, true
		}
	}
	return Medication{}, false
}

// DiazepamEquivalent returns the total daily dose of the benzodiazepines in
// meds as mg of diazepam: the sum of DailyMG times the factor of each.
func DiazepamEquivalent(meds []journey.Medication) float64 {
	var total float64
	for _, m := range meds {
		if md, ok := Classify(m.Name); ok && md.Class == ClassBenzodiazepine {
			total += m.DailyMG() * md.DiazepamFactor
		}
	}
	return total
}
