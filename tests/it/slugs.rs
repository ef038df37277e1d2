//! Slugs pinned: the URL slug of every name in the bundled site (content/), so that its
//! URLs never change, and of names in many scripts and shapes (accents, ligatures,
//! emoji, punctuation, numbers, long names). An empty slug means the name is refused
//! (a benefit with it is an error; `knead new` will not make a file name of it): only
//! names with no letter or digit of any script.

use crate::support::Site;

use knead::text::slug::{is_valid, slugify};

/// Every title, benefit, technique, tag, other name and "good for" of content/.
const BUNDLED: &[(&str, &str)] = &[
    ("A first massage", "a-first-massage"),
    ("About This Guide", "about-this-guide"),
    (
        "Active people who want hands-on work alongside training",
        "active-people-who-want-hands-on-work-alongside-training",
    ),
    ("Aromatherapy", "aromatherapy"),
    ("Aromatherapy Massage", "aromatherapy-massage"),
    ("Back Care Massage Guide", "back-care-massage-guide"),
    (
        "Back Pain at a Desk and in Pregnancy: Where Massage Fits",
        "back-pain-at-a-desk-and-in-pregnancy-where-massage-fits",
    ),
    ("Blood flow", "blood-flow"),
    (
        "Choosing a Therapist: Massage Therapist, Physiotherapist, Chiropractor or Osteopath?",
        "choosing-a-therapist-massage-therapist-physiotherapist-chiropractor-or-osteopath",
    ),
    ("Classic massage", "classic-massage"),
    ("Classical massage", "classical-massage"),
    ("Deep Tissue Massage", "deep-tissue-massage"),
    ("Deep massage", "deep-massage"),
    ("Essential oil massage", "essential-oil-massage"),
    ("Fascial release", "fascial-release"),
    (
        "Feelings of stiffness and tightness in the back",
        "feelings-of-stiffness-and-tightness-in-the-back",
    ),
    ("Foot reflexology", "foot-reflexology"),
    (
        "General muscle tension and stiffness",
        "general-muscle-tension-and-stiffness",
    ),
    ("Hot Stone Massage", "hot-stone-massage"),
    ("Hot stone therapy", "hot-stone-therapy"),
    ("How We Write and Review Content", "how-we-write-and-review-content"),
    (
        "Is Massage Safe for Me? Safety and Contraindications",
        "is-massage-safe-for-me-safety-and-contraindications",
    ),
    ("Ischaemic compression", "ischaemic-compression"),
    ("Lymph drainage massage", "lymph-drainage-massage"),
    ("Lymphatic massage", "lymphatic-massage"),
    (
        "Lymphoedema, as part of a care plan from a specialist team",
        "lymphoedema-as-part-of-a-care-plan-from-a-specialist-team",
    ),
    ("MFR", "mfr"),
    ("MLD", "mld"),
    ("Manual Lymphatic Drainage", "manual-lymphatic-drainage"),
    (
        "Massage Alongside Exercise: Why Staying Active Matters Most",
        "massage-alongside-exercise-why-staying-active-matters-most",
    ),
    (
        "Massage Types Compared: Which Style Suits a Sore Back?",
        "massage-types-compared-which-style-suits-a-sore-back",
    ),
    ("Medical Disclaimer", "medical-disclaimer"),
    (
        "Muscle soreness after hard exercise",
        "muscle-soreness-after-hard-exercise",
    ),
    ("Muscle tension and stiffness", "muscle-tension-and-stiffness"),
    ("Myofascial Release", "myofascial-release"),
    ("Myofascial trigger point therapy", "myofascial-trigger-point-therapy"),
    ("Pain and discomfort", "pain-and-discomfort"),
    (
        "People who enjoy scent and a gentle touch",
        "people-who-enjoy-scent-and-a-gentle-touch",
    ),
    (
        "People who find warmth soothing for a stiff back",
        "people-who-find-warmth-soothing-for-a-stiff-back",
    ),
    ("People who prefer firm pressure", "people-who-prefer-firm-pressure"),
    (
        "People who prefer focused, firm pressure",
        "people-who-prefer-focused-firm-pressure",
    ),
    (
        "People who prefer slow, steady pressure to gliding strokes",
        "people-who-prefer-slow-steady-pressure-to-gliding-strokes",
    ),
    ("Physical performance", "physical-performance"),
    ("Pre-event and post-event massage", "pre-event-and-post-event-massage"),
    ("Range of motion and flexibility", "range-of-motion-and-flexibility"),
    ("Reflexology", "reflexology"),
    ("Relaxation and stress", "relaxation-and-stress"),
    ("Relaxation massage", "relaxation-massage"),
    (
        "Relaxation, for people who enjoy having their feet massaged",
        "relaxation-for-people-who-enjoy-having-their-feet-massaged",
    ),
    (
        "Sciatica and Herniated Discs: What Massage Can and Cannot Do",
        "sciatica-and-herniated-discs-what-massage-can-and-cannot-do",
    ),
    (
        "Self-Massage at Home: Tennis Balls, Foam Rollers and Partner Massage",
        "self-massage-at-home-tennis-balls-foam-rollers-and-partner-massage",
    ),
    (
        "Short-term comfort alongside an exercise plan",
        "short-term-comfort-alongside-an-exercise-plan",
    ),
    (
        "Short-term feeling of looser muscles",
        "short-term-feeling-of-looser-muscles",
    ),
    (
        "Short-term relief of ordinary low back pain",
        "short-term-relief-of-ordinary-low-back-pain",
    ),
    ("Sleep", "sleep"),
    (
        "Small, tender knots in the back, shoulders or buttocks",
        "small-tender-knots-in-the-back-shoulders-or-buttocks",
    ),
    ("Soft tissue release", "soft-tissue-release"),
    (
        "Specific areas of muscle tightness",
        "specific-areas-of-muscle-tightness",
    ),
    ("Sports Massage", "sports-massage"),
    ("Sports therapy massage", "sports-therapy-massage"),
    ("Stone massage", "stone-massage"),
    ("Swedish Massage", "swedish-massage"),
    (
        "The Claimed Benefits of Massage: How Strong Is the Support?",
        "the-claimed-benefits-of-massage-how-strong-is-the-support",
    ),
    ("Trigger Point Therapy", "trigger-point-therapy"),
    ("Trigger point massage", "trigger-point-massage"),
    (
        "What Massage Therapy Is and How It May Help Back Pain",
        "what-massage-therapy-is-and-how-it-may-help-back-pain",
    ),
    (
        "What the Evidence Says About Massage for Low Back Pain",
        "what-the-evidence-says-about-massage-for-low-back-pain",
    ),
    (
        "When to See a Doctor Instead of Booking a Massage",
        "when-to-see-a-doctor-instead-of-booking-a-massage",
    ),
    (
        "Your First Massage Session: What to Expect and How to Talk About Pressure",
        "your-first-massage-session-what-to-expect-and-how-to-talk-about-pressure",
    ),
    ("Zone therapy", "zone-therapy"),
    ("aromatherapy", "aromatherapy"),
    ("at home", "at-home"),
    ("basics", "basics"),
    ("before your appointment", "before-your-appointment"),
    ("benefits", "benefits"),
    ("cauda equina syndrome", "cauda-equina-syndrome"),
    ("choosing a massage", "choosing-a-massage"),
    ("choosing a therapist", "choosing-a-therapist"),
    ("communication", "communication"),
    ("comparison", "comparison"),
    ("contraindications", "contraindications"),
    ("deep-tissue", "deep-tissue"),
    ("desk work", "desk-work"),
    ("everyday back care", "everyday-back-care"),
    ("exercise", "exercise"),
    ("first visit", "first-visit"),
    ("foam rolling", "foam-rolling"),
    ("getting started", "getting-started"),
    ("guidelines", "guidelines"),
    ("herniated disc", "herniated-disc"),
    ("hot-stone", "hot-stone"),
    ("how massage works", "how-massage-works"),
    ("low back pain", "low-back-pain"),
    ("lymphatic-drainage", "lymphatic-drainage"),
    ("massage types", "massage-types"),
    ("myofascial-release", "myofascial-release"),
    ("myths", "myths"),
    ("nerve pain", "nerve-pain"),
    ("physiotherapy", "physiotherapy"),
    ("pregnancy", "pregnancy"),
    ("red flags", "red-flags"),
    ("reflexology", "reflexology"),
    ("regulation", "regulation"),
    ("research", "research"),
    ("safety", "safety"),
    ("sciatica", "sciatica"),
    ("self-care", "self-care"),
    ("sports", "sports"),
    ("staying active", "staying-active"),
    ("swedish", "swedish"),
    ("trigger-point", "trigger-point"),
    ("urgent care", "urgent-care"),
];

/// Names of every kind, with their slugs. Recorded before slugs used deunicode; the
/// names whose slug changed then lost letters or digits before (or had none).
const TRICKY: &[(&str, &str)] = &[
    ("Range of motion & flexibility", "range-of-motion-flexibility"),
    ("  Pain -- relief!  ", "pain-relief"),
    ("Réflexologie", "reflexologie"),
    ("Don't panic", "dont-panic"),
    ("Don’t panic", "dont-panic"),
    ("Crème brûlée", "creme-brulee"),
    ("Über Rückenschmerzen", "uber-ruckenschmerzen"),
    ("Straße", "strasse"),
    ("STRASSE", "strasse"),
    ("Ærø", "aero"),
    ("encyclopædia", "encyclopaedia"),
    ("Œuvre cœur", "oeuvre-coeur"),
    ("Søren Kierkegaard", "soren-kierkegaard"),
    ("Łódź", "lodz"),
    ("Đorđe", "dorde"),
    ("Guðrún", "gudrun"),
    // Was "orr": letters or digits were dropped.
    ("Þórr", "thorr"),
    ("Ñandú niño", "nandu-nino"),
    ("naïve café", "naive-cafe"),
    ("Dvořák", "dvorak"),
    ("Čeština šťastný žluťoučký kůň", "cestina-stastny-zlutoucky-kun"),
    ("Ångström", "angstrom"),
    ("Zürich Ärzte Öl", "zurich-arzte-ol"),
    ("ÀÁÂÃÄÅĀ àáâãäåā", "aaaaaaa-aaaaaaa"),
    (
        "ÇČĆ çčć ÈÉÊËĒĘĚ èéêëēęě ÌÍÎÏĪ ìíîïī",
        "ccc-ccc-eeeeeee-eeeeeee-iiiii-iiiii",
    ),
    ("ÑŃŇ ñńň ÒÓÔÕÖØŌ òóôõöøō ŒœßŚŠśš", "nnn-nnn-ooooooo-ooooooo-oeoessssss"),
    (
        "ÙÚÛÜŪŮ ùúûüūů ÝŸ ýÿ ŽŹŻ žźż Łł Đđ Ðð Řř Ťť Ææ",
        "uuuuuu-uuuuuu-yy-yy-zzz-zzz-ll-dd-dd-rr-tt-aeae",
    ),
    // Was "stanbul": letters or digits were dropped.
    ("İstanbul ş ğ ı", "istanbul-s-g-i"),
    // Was refused.
    ("Ελληνικά", "ellenika"),
    // Was refused.
    ("Αθήνα", "athena"),
    // Was refused.
    ("Боль в спине", "bol-v-spine"),
    // Was refused.
    ("Массаж", "massazh"),
    // Was refused.
    ("腰痛", "yao-tong"),
    // Was refused.
    ("背中のマッサージ", "bei-zhong-nomatusazi"),
    // Was refused.
    ("요통 마사지", "yotong-masaji"),
    // Was refused.
    ("ألم الظهر", "lm-lzhr"),
    // Was refused.
    ("כאב גב", "kb-gb"),
    // Was refused.
    ("हि\u{902}दी", "hindii"),
    // Was refused.
    ("ภาษาไทย", "phaasaaaithy"),
    // Was "back-pain": letters or digits were dropped.
    ("Back pain (腰痛)", "back-pain-yao-tong"),
    // Was "massage": letters or digits were dropped.
    ("Massage Массаж", "massage-massazh"),
    // Was "and-english": letters or digits were dropped.
    ("Ελληνικά and English", "ellenika-and-english"),
    ("3 steps to a better back", "3-steps-to-a-better-back"),
    ("100% natural", "100-natural"),
    ("2nd visit", "2nd-visit"),
    ("24/7 support", "24-7-support"),
    ("C++ & Rust", "c-rust"),
    ("Q&A", "q-a"),
    ("A.B.C.", "a-b-c"),
    ("-leading and trailing-", "leading-and-trailing"),
    ("---", ""),
    ("!!!", ""),
    ("...", ""),
    ("''''", ""),
    ("😀", ""),
    ("😀😀 🎉", ""),
    ("Back pain 😀 relief", "back-pain-relief"),
    ("❤\u{fe0f}", ""),
    ("♥ ★ ☺", ""),
    ("™ © ®", ""),
    ("€ £ $", ""),
    ("90° stretch", "90-stretch"),
    // Was "m-and-hour": letters or digits were dropped.
    ("m² and ½ hour", "m2-and-1-2-hour"),
    // Was "x-y": letters or digits were dropped.
    ("x² + y²", "x2-y2"),
    // Was "chapter": letters or digits were dropped.
    ("Ⅻ chapter", "xii-chapter"),
    // Was refused.
    ("¹²³", "123"),
    ("e\u{301}", "e"),
    // Was "re-flexologie": letters or digits were dropped.
    ("Re\u{301}flexologie", "reflexologie"),
    ("tab\tseparated\twords", "tab-separated-words"),
    ("line\nbreak", "line-break"),
    ("non\u{a0}breaking\u{a0}space", "non-breaking-space"),
    ("em — dash", "em-dash"),
    ("en – dash", "en-dash"),
    ("“quoted” «guillemets»", "quoted-guillemets"),
    // Was "uber-long-aero-strasse-end": letters or digits were dropped.
    (
        "über-long Ærø Straße 腰痛 😀 end",
        "uber-long-aero-strasse-yao-tong-end",
    ),
    (
        "A very long benefit name that goes on and on and on to test how a slug copes with many many words in a row without stopping at all 1234567890",
        "a-very-long-benefit-name-that-goes-on-and-on-and-on-to-test-how-a-slug-copes-with-many-many-words-in-a-row-without-stopping-at-all-1234567890",
    ),
    ("\u{200b}zero\u{200b}width\u{200b}", "zero-width"),
    // Was "ne-ow": letters or digits were dropped.
    ("ﬁne ﬂow", "fine-flow"),
    // Was refused.
    ("ＦＵＬＬ ｗｉｄｔｈ １２３", "full-width-123"),
];

/// The string values of the front matter keys that name things, in every file of content/.
fn bundled_names() -> Vec<String> {
    let mut names = Vec::new();
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for entry in walkdir::WalkDir::new(content) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let Some(front) = text.strip_prefix("---\n").and_then(|t| t.split("\n---").next()) else {
            continue;
        };
        let meta: serde_yaml::Value = serde_yaml::from_str(front).unwrap();
        for key in ["title", "benefits", "techniques", "tags", "also_known_as", "good_for"] {
            match meta.get(key) {
                Some(serde_yaml::Value::String(s)) => names.push(s.clone()),
                Some(serde_yaml::Value::Sequence(list)) => {
                    names.extend(list.iter().filter_map(|v| v.as_str().map(str::to_owned)));
                }
                _ => {}
            }
        }
    }
    names
}

#[test]
fn the_bundled_site_keeps_its_slugs() {
    for (name, slug) in BUNDLED {
        assert_eq!(slugify(name), *slug, "{name:?}");
    }
    let names = bundled_names();
    assert!(names.len() > 100, "{}", names.len());
    for name in &names {
        let slug = slugify(name);
        assert!(is_valid(&slug), "{name:?} -> {slug:?}");
        if let Some((_, recorded)) = BUNDLED.iter().find(|(n, _)| n == name) {
            assert_eq!(slug, *recorded, "{name:?}");
        }
    }
}

#[test]
fn names_of_every_kind() {
    for (name, slug) in TRICKY {
        let got = slugify(name);
        assert_eq!(got, *slug, "{name:?}");
        assert!(got.is_empty() || is_valid(&got), "{name:?} -> {got:?}");
    }
}

#[test]
fn only_names_without_letters_or_digits_are_refused() {
    for (name, slug) in TRICKY {
        let has_alphanumeric = name.chars().any(char::is_alphanumeric);
        assert_eq!(slug.is_empty(), !has_alphanumeric, "{name:?}");
    }
}

#[test]
fn benefits_in_any_script_get_pages_and_symbols_alone_are_refused_where_written() {
    let site = Site::new("basic");
    site.edit(
        "content/articles/first.md",
        "benefits: [\"Muscle tension and stiffness\", \"Sleep\"]",
        "benefits: [\"Muscle tension and stiffness\", \"Боль в спине\", \"腰痛\"]",
    );
    site.knead(&["build"]).ok();
    let page = site.read("public/benefits/bol-v-spine/index.html");
    assert!(page.contains("Боль в спине"), "{page}");
    assert!(site.path("public/benefits/yao-tong/index.html").is_file());
    site.edit("content/articles/first.md", "\"腰痛\"", "\"😀 !!!\"");
    site.knead(&["build"])
        .fails_with(1)
        .stderr_has("error: the benefit `😀 !!!` has no letters or digits to make a URL from")
        .stderr_has("content/articles/first.md:11:")
        .stderr_has("name the benefit with letters or digits");
}
