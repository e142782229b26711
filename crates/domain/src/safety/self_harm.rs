//! Notices when a saved note names suicide or self-harm in so many words, so that the app can
//! follow the save with a gentle message and the crisis lines. Saving is never blocked and
//! nothing is reported to anyone: the person who wrote the note is the only one who sees the
//! message.
//!
//! # What this is, and what it is not
//!
//! This is a **keyword matcher** over a reviewed phrase list (`content/self_harm_phrases.txt`,
//! compiled in so a clinician can change it without touching Rust). It is **not a risk
//! assessment**: it cannot tell how someone is, whether they are safe, or how urgent anything is,
//! and its silence means nothing. Its limits, on purpose and by nature:
//!
//! - **It misses indirect language.** "I can't see a way forward", "everyone would be fine
//!   without me around", "I've been giving my things away" are warning signs a person would
//!   hear, and this list does not match them. It cannot read tone or context.
//! - **English only.** Notes in other languages, slang it doesn't list, misspellings
//!   ("sucide") and deliberate obfuscation ("s*icide") go unnoticed.
//! - **It fires on quoted, hypothetical and negated text.** "I'm not suicidal", "my friend
//!   talked about suicide", "suicide prevention day", and hyperbole such as "I'll kill myself if
//!   I miss this deadline" all match. That is the safer side: telling negation from disclosure
//!   needs understanding a word list does not have, people in distress often write "I'm not
//!   suicidal, but…", and the cost of a false alarm is one kind, dismissible message after a save
//!   that went through anyway. A missed match costs a missed chance to offer help.
//! - **Some phrasings are deliberately narrowed to avoid everyday idioms.** Bare "hurt myself"
//!   and "cut myself" are left out ("I cut myself chopping onions"), but "hurting myself",
//!   "cutting myself", "want to hurt myself", "cut myself on purpose" match; "cutting myself some
//!   slack" is removed before matching. "kms" is left out (it is also kilometres, and this app
//!   logs walks), as is bare "overdose" ("a caffeine overdose"), "don't want to live" without
//!   "anymore" ("… in this city"), and "don't want to wake up" ("… at six"). Figures of speech
//!   such as "this deadline is killing me", "dead tired" and "I'd die of embarrassment" never
//!   match: they use no phrase from the list.
//!
//! # How text is compared
//!
//! Both the phrase list and the note are normalised the same way: lower-cased; apostrophes of
//! every kind (`'`, `’`, `‘`, `ʼ`, `` ` ``, `´`) removed so that "don’t" and "dont" agree;
//! every other character that is not a letter or digit becomes a space, so hyphens and
//! punctuation at word edges fall away ("self-harm" reads "self harm"); runs of whitespace
//! collapse to one space. A phrase matches only as a run of whole words.

use std::sync::OnceLock;

const PHRASES_TXT: &str = include_str!("../../content/self_harm_phrases.txt");

/// The phrase list, expanded and normalised once.
struct PhraseList {
    /// Phrases that count, each normalised and wrapped in single spaces, with its display form.
    phrases: Vec<(String, String)>,
    /// Idioms removed before matching, normalised and wrapped in single spaces.
    idioms: Vec<String>,
}

fn phrase_list() -> &'static PhraseList {
    static LIST: OnceLock<PhraseList> = OnceLock::new();
    LIST.get_or_init(|| parse_phrase_list(PHRASES_TXT))
}

/// Reads the phrase file. Lines with unbalanced parentheses expand to nothing; a test checks
/// that the shipped file has none.
fn parse_phrase_list(text: &str) -> PhraseList {
    let mut phrases = Vec::new();
    let mut idioms = Vec::new();
    let mut in_idioms = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[not]" {
            in_idioms = true;
            continue;
        }
        for expanded in expand(line).unwrap_or_default() {
            let normal = normalise(&expanded);
            if normal.is_empty() {
                continue;
            }
            let padded = format!(" {normal} ");
            if in_idioms {
                idioms.push(padded);
            } else {
                phrases.push((padded, normal));
            }
        }
    }
    PhraseList { phrases, idioms }
}

/// Expands `(a|b) c` into `a c` and `b c`. `None` when a parenthesis is unbalanced or nested.
fn expand(pattern: &str) -> Option<Vec<String>> {
    let mut results = vec![String::new()];
    let mut rest = pattern;
    while let Some(open) = rest.find('(') {
        let literal = &rest[..open];
        if literal.contains(')') {
            return None;
        }
        let after = &rest[open + 1..];
        let close = after.find(')')?;
        let group = &after[..close];
        if group.contains('(') {
            return None;
        }
        results = results
            .iter()
            .flat_map(|prefix| {
                group
                    .split('|')
                    .map(move |alternative| format!("{prefix}{literal}{alternative}"))
            })
            .collect();
        rest = &after[close + 1..];
    }
    if rest.contains(')') {
        return None;
    }
    Some(results.into_iter().map(|r| format!("{r}{rest}")).collect())
}

/// Lower-cases, drops apostrophes, turns every other non-alphanumeric character into a space
/// and collapses whitespace (see the module documentation).
fn normalise(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' | '\u{2032}' => {}
            c if c.is_alphanumeric() => cleaned.push(c),
            _ => cleaned.push(' '),
        }
    }
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first phrase from the list that `text` contains, in its normalised form (e.g.
/// `"want to hurt myself"`), or `None`. Useful for tests and for reviewing the list; the app
/// only needs [`mentions_self_harm`] and should not show or store the phrase.
pub fn matched_phrase(text: &str) -> Option<&'static str> {
    let list = phrase_list();
    let mut haystack = format!(" {} ", normalise(text));
    for idiom in &list.idioms {
        if haystack.contains(idiom.as_str()) {
            // A separator no phrase contains, so the words on either side cannot join up.
            haystack = haystack.replace(idiom.as_str(), " \u{0} ");
        }
    }
    list.phrases
        .iter()
        .find(|(padded, _)| haystack.contains(padded.as_str()))
        .map(|(_, normal)| normal.as_str())
}

/// True when `text` names suicide or self-harm in words from the phrase list. Read the module
/// documentation for what this can and cannot tell: it is a keyword match, not an assessment.
pub fn mentions_self_harm(text: &str) -> bool {
    matched_phrase(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_parses_and_every_line_expands() {
        let mut in_idioms = false;
        for line in PHRASES_TXT.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line == "[not]" {
                in_idioms = true;
                continue;
            }
            let expanded = expand(line).unwrap_or_else(|| panic!("bad line {line:?}"));
            assert!(!expanded.is_empty(), "{line:?}");
            if !in_idioms {
                // Every phrase of the list must be found by the matcher itself.
                for phrase in expanded {
                    assert!(
                        mentions_self_harm(&phrase),
                        "{phrase:?} does not match itself"
                    );
                }
            }
        }
        assert!(phrase_list().phrases.len() > 100);
        assert!(!phrase_list().idioms.is_empty());
    }

    #[test]
    fn alternatives_expand_in_order() {
        assert_eq!(
            expand("(a|b) c (d e|f)").unwrap(),
            ["a c d e", "a c f", "b c d e", "b c f"]
        );
        assert_eq!(expand("plain words").unwrap(), ["plain words"]);
        assert_eq!(expand("(open"), None);
        assert_eq!(expand("close)"), None);
        assert_eq!(expand("((nested))"), None);
    }

    #[test]
    fn normalising_handles_case_apostrophes_hyphens_and_spaces() {
        assert_eq!(
            normalise("I DON’T  want\tto\n\nlive…"),
            "i dont want to live"
        );
        assert_eq!(normalise("Self-harm!"), "self harm");
        assert_eq!(normalise("‘suicidal’"), "suicidal");
        assert_eq!(normalise("I\u{02BC}m"), "im");
    }

    #[test]
    fn explicit_phrasings_are_noticed() {
        let cases = [
            ("I want to kill myself", "kill myself"),
            ("i've been thinking about killing myself", "killing myself"),
            ("Some days I just want to die.", "want to die"),
            ("I wish I were dead", "wish i were dead"),
            ("honestly i wish i was dead", "wish i was dead"),
            (
                "Everyone would be better off if I was dead — better off dead.",
                "better off dead",
            ),
            ("I feel suicidal again tonight", "suicidal"),
            ("Thought about SUICIDE on the bus", "suicide"),
            ("I don’t want to be alive", "dont want to be alive"),
            ("I don't want to live anymore", "dont want to live anymore"),
            ("there's no reason to live", "no reason to live"),
            ("I just want to end my life", "end my life"),
            ("thinking of ending it all", "ending it all"),
            ("I'm going to take my own life", "take my own life"),
            ("I self-harmed last night", "self harmed"),
            ("the urge to self harm is back", "self harm"),
            ("relapsed on selfharm", "selfharm"),
            ("I keep hurting myself", "hurting myself"),
            (
                "I wanted to hurt myself after the meeting",
                "wanted to hurt myself",
            ),
            ("started cutting myself again", "cutting myself"),
            ("I cut myself on purpose", "cut myself on purpose"),
            ("I want to harm myself", "harm myself"),
            ("I hope I don’t wake up tomorrow", "hope i dont wake up"),
            (
                "I want to go to sleep and never wake up",
                "sleep and never wake up",
            ),
            ("i took an overdose last year", "took an overdose"),
            ("nothing left to live for", "nothing left to live for"),
            (
                "They'd all be better off without me",
                "better off without me",
            ),
            ("I want to unalive myself", "unalive myself"),
            ("  I   WANT   TO   DIE  ", "want to die"),
        ];
        for (text, phrase) in cases {
            assert_eq!(matched_phrase(text), Some(phrase), "{text:?}");
            assert!(mentions_self_harm(text), "{text:?}");
        }
    }

    #[test]
    fn figures_of_speech_are_not_noticed() {
        let cases = [
            "This deadline is killing me",
            "I could kill for a coffee",
            "dead tired after the school run",
            "I nailed it, killed it, and went home",
            "my phone died on the way",
            "die-hard fan of the Tuesday quiz",
            "drop-dead gorgeous sunset",
            "the plant is dying, again",
            // An idiom of embarrassment, not a wish to die: deliberately not on the list.
            "I'd die of embarrassment",
            "painting a still life in class",
            "my to-do list is my life",
            "I cut myself some slack today and it was fine",
            "Cutting myself a slice of cake",
            "I cut myself chopping onions",
            "hurt myself at the gym",
            "ran 5 kms before work",
            "a caffeine overdose",
            "I don't want to live in this city forever",
            "I don't want to wake up at six tomorrow",
            "I nearly killed myself laughing",
            "taking my life back one small step at a time",
            "I'm dying to see that film",
        ];
        for text in cases {
            assert_eq!(matched_phrase(text), None, "{text:?}");
        }
    }

    #[test]
    fn negated_and_quoted_mentions_are_noticed_on_purpose() {
        // See the module documentation: the matcher cannot tell negation from disclosure, and
        // erring towards a gentle message is the safer side.
        assert!(mentions_self_harm("I'm not suicidal, just tired"));
        assert!(mentions_self_harm("Went to a talk on suicide prevention"));
    }

    #[test]
    fn words_only_match_whole() {
        assert!(!mentions_self_harm("#suicidewatch"));
        assert!(!mentions_self_harm("selfharmony"));
    }

    #[test]
    fn an_idiom_removed_does_not_join_its_neighbours_into_a_phrase() {
        // "kill myself" + removed "cut myself some slack" must not leave "kill … " fused.
        assert!(!mentions_self_harm("I cut myself some slack"));
        assert!(mentions_self_harm(
            "I cut myself some slack but still want to die"
        ));
    }
}
