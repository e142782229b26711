//! Notices when a saved note names suicide or self-harm, so that the app can follow the save
//! with a gentle message and the crisis lines. Saving is never blocked and nothing is reported
//! to anyone: the person who wrote the note is the only one who sees the message.
//!
//! # What this is, and what it is not
//!
//! Two parts, and a note counts when **either** notices it ([`mentions_self_harm`]):
//!
//! - a **phrase and rule matcher** over a reviewed list (`content/self_harm_phrases.txt`,
//!   compiled in so a clinician can change it without touching Rust). The list holds plain
//!   phrases ("want to die"), named word lists (`@pills`, `@body`) and a few kinds of rule that a
//!   reviewer can read: words in order within five words ("saving ... @pills"), words together
//!   in one sentence ("bridge & jumping"), both ("wrote ... note & drawer"), and exceptions
//!   ("unless chopping", "not followed by down"). Each line belongs to a section naming what it
//!   notices (see [`RiskKind`]): suicidal thoughts and wishes, plans, means, preparation and
//!   attempts, or self-injury.
//! - a **small local statistical model** ([`super::risk_model`]): logistic regression over the
//!   word stems, pairs of neighbouring stems and word lists of each sentence (and of each two
//!   neighbouring sentences), trained on the sentences written for this project
//!   (`tests-data/risk_language/*_tuning.txt`). Its weights are compiled in
//!   (`content/risk_model.txt`); it runs inside the program, with no network and no service.
//!   It catches phrasings no rule names from the words they share with the ones it was trained
//!   on; it does not tell the kind ([`RiskKind::NoticedByModel`]).
//!
//! It is **not a risk assessment**: it cannot tell how someone is, whether they are safe, or how
//! urgent anything is, and its silence means nothing.
//!
//! # How well it notices (measured, see `tests-data/risk_language/`)
//!
//! History of the rules alone: on fresh sentences written before each evaluation (four rounds,
//! each evaluated once, then folded into the tuning set) they noticed **74%, 57%, 58% and 80%**
//! of risk sentences, with 0–5% false alarms. Round 5, 100 risk and 100 everyday sentences
//! written blind by someone who had seen neither the list nor any earlier sentence: **75%
//! noticed, 1% false alarms**. The rules were then generalised again (means named without a
//! verb, intent or timing without a named act, preparation, self-injury by its effect or its
//! hiding, past attempts, passive wishes; about 320 new risk sentences and 290 others, each batch
//! measured once before the rules changed for it: 27%, 49% and 40% noticed). Round 6, 110 and
//! 110 sentences written blind by another writer: **65.5% noticed, 1.8% false alarms**. A list
//! only knows the ways it was shown; word rules had reached their limit.
//!
//! Round 6 was then folded into the tuning files (2026-12-01), 117 risk and 105 everyday
//! sentences were written for the model (breadth: plans with no risk word, means and places,
//! preparation, effects of self-injury, past attempts; idioms, accidents, grief, endings of
//! jobs and relationships, decluttering), and the model was trained on them and on about 1,200
//! lines of plain everyday text that is only ever trained on
//! (`tests-data/risk_language/not_risk_background.txt`). Five-fold cross-validation of rules and
//! model together on the 1,118 risk and 1,042 everyday tuning sentences (a model trained without
//! each fold, stratified, fixed folds, threshold 0.73): **94.8% noticed, 8.9% false alarms**
//! (the model alone: 72%, 8%; the corpus test prints these). That is optimistic: the rules were
//! tuned to every fold. The false alarms are high because the everyday sentences were written
//! as close twins of risk sentences ("bought rope for the washing line"); blind rounds had far
//! fewer. On the round-6 sentences alone, which the rules were never tuned to, the same
//! cross-validation gives 89% noticed and 2.7% false alarms. The honest figure was blind round
//! 7, written on 2026-12-01 by someone who never saw this code, the model or any earlier round,
//! and evaluated once with everything frozen: **136 of 160 noticed (85.0%), 11 of 160 false
//! alarms (6.9%)**, short of the goal (90% of unseen phrasings noticed, at most 10% false
//! alarms). Misses were mostly self-injury named by its act without a listed verb (a hot tap, a
//! cigarette, pulling hair, running until sick) and quiet farewells ("all the goodbyes are
//! done", "everything is in place"); false alarms mostly everyday burns and books, charities or
//! friends naming suicide or self-harm.
//!
//! Round 7 was then folded into the tuning files (2026-12-01) and the detector generalised
//! against the tuning files only: rules for self-injury by its act or object (a cigarette put
//! out on the skin, water until it scalds, hair pulled out in clumps, wounds made on the body),
//! exercise or hunger as punishment, marks explained away, quiet farewells and plans with no
//! risk word, "kms" with what makes it unmistakable, means kept "not for cooking", insurance
//! that pays if it was deliberate; model-only word classes of the phrase file (first person,
//! tools of injury, body parts, effects, punishment, finality, farewells, other people, books
//! and charities, being asked, denial, texting abbreviations), each two of them met in one
//! sentence also counting as a feature; and about 60 risk and 50 everyday sentences written in
//! new phrasings of those classes. Cross-validation as above on 1,336 risk and 1,250 everyday
//! sentences, threshold 0.75: **94.0% noticed, 9.0% false alarms** (it was 93.5% and 9.0% with
//! round 7 folded in, before the generalisation; the round-7 sentences alone: 90.6% and 6.9%,
//! flattering since the rules were tuned to them). Blind round 8 (160 + 160 by another writer
//! who never saw this code; 144 of its risk sentences use none of the words suicide, kill, die,
//! dead, death, cut, harm or end), evaluated once with everything frozen: **150 of 160 noticed
//! (93.8%), 23 of 160 false alarms (14.4%)**. Noticing meets the 90% goal; false alarms miss the
//! 10% goal. Most false alarms named suicide or self-harm outright without being about the
//! writer (a documentary, a charity run, a friend's crisis, a clinician's safety questions
//! answered "no"), which the rules then flagged by design (changed since, see below); the rest
//! were work and holiday farewells, an ankle "at netball" and "going to die lol".
//!
//! Round 8 was then folded into the tuning files (2026-12-01) and the design changed on purpose:
//! an explicit mention of suicide or self-harm now counts only when it can be about the writer
//! (see the limits below). Rules were added, in general forms, for the classes round 8 missed
//! (objects such as staples or pins put into the skin, craving a blade, wanting to slip away to
//! hurt oneself, hiding new marks, a sleeve pulled down when marks are seen, hair pulled out
//! unable to stop, looking up how much it takes and clearing the history, a goodbye post that is
//! meant, a loved one's death day taken as a date, wanting to join someone who died, stepping
//! into water or traffic), farewells at the end of a shift, a term or a holiday, sport injuries
//! and "going to die lol" were narrowed, and 33 risk and 35 everyday sentences were written in
//! new phrasings of these classes (measured once before the rules changed for them: rules 20 of
//! 33 and rules with model 27 of 33 noticed; 5 of 35 false alarms). Cross-validation as above
//! on 1,529 risk and 1,445 everyday sentences, threshold 0.72: **94.4% noticed, 9.0% false
//! alarms** (model alone 78.2% / 8.4%); it was 94.0% and 9.0% before round 8. Blind round 9 (160 +
//! 160 by another writer who never saw this code, about half of its risk sentences worded
//! plainly), evaluated once with everything frozen: **150 of 160 noticed (93.8%), 19 of 160 false
//! alarms (11.9%)** — noticing meets the 90% goal, false alarms still miss the 10% goal. Missed:
//! texting shorthand ("sh again", "sui thoughts"), plans stated as a plan ("time, place, how"),
//! heights and trains named as means, and a recent attempt. False alarms: work and school
//! farewells and giving things away when leaving, a friend's or relative's crisis told at
//! length, a clinician's questions answered no in other words, bungee and abseiling, blades for
//! lino cutting, "suicide sprints", "end it with Tom", "over my dead body".
//!
//! Round 9 was then folded into the tuning files (2026-12-01) and the detector generalised
//! against the tuning files only, class by class: 107 risk and 112 everyday sentences were written
//! as twins sharing their words (farewells and things given away, meant as final or on leaving a
//! job or a school; a relative's crisis told at length, with and without the writer in it; a
//! clinician's question answered "no" in other words, or not really; sport and hobby words;
//! ending it, with someone or not; "over my dead body"; texting shorthand; plans stated as a
//! plan; heights and trains named as means; a recent attempt), measured once before anything
//! changed for them (74.8% noticed, 26.8% false alarms). Then: `unless` phrases are read in the
//! two sentences either side as well ("Handed in my notice. Writing goodbye emails to clients");
//! the farewell rules know leaving a job, a school or a home (`@leaving`); another person's
//! crisis is recognised with family words, possessives ("my uncle's suicide") and what they said,
//! a "no" in other words ("none", "not once", "never have") and a safety question with no
//! clinician named, while the writer taking it back ("I said no. The plasters on my thigh say
//! otherwise", "I'd do it better") keeps everything; a neighbour of a sentence set aside is kept
//! when a rule matches it alone; rules for "sh", "sui", "ctb" and "kms" made unmistakable, for
//! when, where and how named together, high enough, the drop measured, a roof door left open, a
//! fast train "not to travel", how high a fall must be, and an attempt days ago; "over my dead
//! body" and "suicide sprints" are idioms; the model reads sport and leaving words as lists and,
//! as a feature, whether a rule's words were there but an everyday reason cancelled it. The
//! threshold is now chosen for at most 6% cross-validated false alarms (it was 9%), since blind
//! rounds had 3-5 points more false alarms than cross-validation while noticing about the same.
//! Cross-validation as above on 1,796 risk and 1,717 everyday sentences, threshold 0.77: **93.9%
//! noticed, 5.8% false alarms** (model alone 78.4% / 5.8%; rules alone on the tuning sentences
//! 78.0% / 0.3%). Before these changes, with round 9 folded in (1,689 and 1,605 sentences),
//! the same cross-validation gave 94.6% and 8.4% at threshold 0.72 (94.8% / 8.9% at the 9% cap,
//! threshold 0.67). Blind round 10 (160 + 160 by another writer who never saw this code),
//! evaluated once with everything frozen: **140 of 160 noticed (87.5%), 15 of 160 false alarms
//! (9.4%)** — false alarms met the 10% goal, noticing fell short of 90%. Eight false alarms were
//! the model firing on plain low mood or perfectionism with no risk word ("feeling flat today",
//! "Got a B+ and I'm treating it like a fail"); the rest a film title, a podcast, a daughter's
//! cuts, "I don't want to be here. At this party, I mean", an obituary written as an exercise and
//! "Thought I was going to die" after a cold plunge. Missed: overdoses and handfuls taken told
//! plainly, self-harm named or done with a pin, a sharpener's blade or a razor "anyway", a
//! clinician lied to, a spot, a room or a date picked, a note for whoever finds me, a thought
//! saying "kill yourself", texting shorthand ("want 2 die", "thinkin bout endin it"), "dead would
//! be easier", hoping for a terminal diagnosis, "done done, not quitting-the-job done". Plain
//! ones were missed for three reasons: bare "overdosed" does not count, "essay" set "I self harm
//! when the essay isn't perfect" aside as a topic, and no rule named the rest.
//!
//! Round 10 was then folded into the tuning files (2026-12-01) and the detector generalised
//! against the tuning files only: 73 risk and 189 everyday sentences were written (each class
//! above both ways, and about 150 ordinary notes of low mood, self-criticism, tiredness, guilt,
//! loneliness and winter), measured once before anything changed for them (64.4% noticed, 7.9%
//! false alarms). Then: rules for an overdose or a handful taken with what followed (hospital,
//! 111, made myself sick, nobody knows), a spot picked by a high place, a room booked "for the
//! end", a date when nobody will come in, a note for whoever finds me, death "easier", a thought
//! saying "kill yourself" ("my head says", "harder to argue with"), a terminal illness hoped for
//! as a way out, "done, not quitting done" and "I don't mean leaving the job", nobody to blame
//! "if anything happens to me", a plan not to be here by a date, a weapon held to the head, a
//! knot tested, who gets the writer's things, hitting oneself with an object, a band snapped
//! until it welts, a point stuck into the back of the hand, words scratched into the skin,
//! marks healing and more made, a razor reached for "anyway", a sharpener's blade, a clinician
//! asked and lied to, "kms thoughts" and "want 2 die"; dropped g's read as meant ("thinkin",
//! "endin"); the writer's own "I self harm" keeps a sentence that names an essay or a podcast;
//! "made me want to" keeps a topic sentence only with a risk act after it; "Suicide Squad" and
//! "thought I was going to die" are idioms; marks seen on someone else's body, and a place
//! named as what "here" meant ("I don't want to be here. At this party, I mean."), are set
//! aside; the model reads a word list of dying, ending, injury, means, plans and farewells
//! (`@risk_cue`). Requiring a word of that list (or of the means, tools and effects lists) for
//! the model to fire at all was tried and rejected: at 6% cross-validated false alarms it noticed 90.1% instead of 92.9%, since many
//! risk sentences name no such word; the low-mood notes in the training data did the work
//! instead. Cross-validation as above on 2,030 risk and 2,078 everyday sentences, threshold 0.74:
//! **94.6% noticed, 5.9% false alarms** (model alone 79.9% / 5.8%; rules alone on the tuning
//! sentences 78.4% / 0.3%; at threshold 0.80, 93.9% / 4.8%; at 0.65, 95.4% / 7.6%). With round
//! 10 folded in and before these changes (1,956 and 1,877 sentences) it gave 93.7% and 6.0% at
//! threshold 0.74.
//!
//! Blind round 11 (another writer who never saw this code), evaluated once with everything
//! frozen: **145 of 160 noticed (90.6%), 11 of 160 false alarms (6.9%)**, both within the goal
//! (its files were lost with a session's machine before they were committed). Blind round 12
//! (yet another writer), evaluated once on the same frozen detector: **142 of 160 noticed
//! (88.8%), 3 of 160 false alarms (1.9%)**. Missed: deciding to "go through with it", a note
//! or timed messages for afterwards, a rope bought with a cover story, an attempt stopped by
//! the children on the stairs, "they'd get over me", "might as well not exist", "the only exit
//! is a permanent one", being with a dead grandparent "wherever he is", "should die for not
//! getting 100", "topping myself", giving one's things away, and a cut told as one more thing
//! in the day after "skipped the gym" (the gym read as an accident). Round 12 was folded into
//! the tuning files and rules written for each of those classes, with everyday twins (moves
//! and divorces gone through with, out-of-office emails, rope for a tent, the only way out of
//! an overdraft, a mother in Australia, "topping myself up with coffee"). Cross-validation as
//! above on 2,221 risk and 2,271 everyday sentences, threshold 0.73: **95.2% noticed, 5.9% false
//! alarms** (rules alone on the tuning sentences 78.2% / 0.3%; with round 12 folded in and
//! before the new rules, 94.5% / 6.0% at 0.74). Blind round 13 (another writer, who never saw
//! this code), evaluated once with everything frozen: **145 of 160 noticed (90.6%), 7 of 160
//! false alarms (4.4%)**, both within the goal. The false alarms were all the model on plain
//! everyday self-criticism and mishaps ("punished myself by skipping the cinema", a cat's
//! scratch, "no way out of the family dinner"); the misses are listed by the corpus test.
//!
//! Its limits, on purpose and by nature:
//!
//! - **It still misses indirect and new language**: the model only generalises from words it
//!   was shown, it reads at most two neighbouring sentences together, and it does not read tone
//!   or a story across a note ("I went to the bridge. Then I walked home").
//! - **The model can be wrong both ways on everyday words.** It weighs words, not meaning: an
//!   everyday sentence made of words that often came with risk in its training sentences can
//!   tip it over its threshold, and a risk sentence in words it never saw leaves it silent. Its
//!   weights are reviewable (`content/risk_model.txt`) but not a list a clinician can edit
//!   line by line; change the training sentences and rerun the training tool instead.
//! - **English only.** Notes in other languages, most slang, misspellings beyond the few listed
//!   ("sucide", "sewerslide", "unalive") and deliberate obfuscation ("s*icide") go unnoticed.
//!   A few dropped g's and shortenings are read as meant ("thinkin", "endin", "bout", "urself")
//!   and "want 2 die" counts; other number-for-word spellings do not.
//!   "kys" is left out: it is an insult aimed at someone else. Texting shorthand counts only
//!   with what makes it unmistakable ("sh again", "gonna sh", "sui thoughts", "feeling v sui",
//!   "ctb tonight", "kms, nothing matters"): "sh" alone, "sui" alone and "kms" alone do not.
//!   "unalive" always counts, even in "unalive is such a weird word".
//! - **A plan in few words is missed** unless it names when, where and how together ("Time,
//!   place, how") or a method chosen: "My plan has a date now", "I wrote the plan down so I
//!   don't lose my nerve" and "Everything's in place for Friday" are left to the model, which
//!   weighs them much like their everyday twins and usually stays silent.
//! - **It fires on negated and hypothetical text by the writer.** "I'm not suicidal" and "what
//!   if I just took them all" match. That is the safer side: telling negation from disclosure
//!   needs understanding a word list does not have, people in distress often write "I'm not
//!   suicidal, but…", and the cost of a false alarm is one kind, dismissible message after a
//!   save that went through anyway. A missed match costs a missed chance to offer help.
//! - **An explicit mention counts only when it can be about the writer** (a change of design
//!   made on purpose on 2026-12-01, after blind round 8, where most false alarms named suicide
//!   or self-harm without being about the writer). The phrase file's `[about someone else]`
//!   lines set a sentence aside (and its neighbour, when the two are read together) before the
//!   rules and the model read the note, when it names suicide or self-harm as the topic of a
//!   film, book, podcast, course, charity or the news ("a talk on suicide prevention", "essay on
//!   Durkheim's theory of suicide"), as another person's crisis in the third person ("my
//!   colleague told me about her self-harm"), or as a clinician's safety question answered with
//!   a clear no ("the GP asked if I'd had thoughts of hurting myself. I said no"). Nothing is set
//!   aside when an `[about the writer]` line puts the writer in it too ("and I've started again
//!   too", "it made me want to do it", "I said no but I lied", "I want to be with her"). The
//!   cost: a writer who tells their own crisis only through someone else's, or who answers a
//!   clinician "no" without meaning it and says nothing more, is not noticed. Since round 9 the
//!   person may be named by a family word or a possessive ("Dad talked for hours about wanting
//!   to die", "my uncle's suicide"), the "no" may come in other words ("none", "not once",
//!   "never have"), and the question may name no clinician ("Asked if I'd self harmed since we
//!   last met. Not once"). The sentences next to one set aside are set aside with it (the story
//!   goes on), unless a rule matches such a sentence alone ("My sister cuts herself. I've been
//!   cutting my thighs every night"): the writer's own risk told next to someone else's only in
//!   words the model weighs is not noticed. A "no" given in a sentence of its own two sentences
//!   after the question ("Thought about it properly. No.") is not recognised.
//! - **Everyday idioms are left alone by narrowing**: a self-injury verb with "myself" or a body
//!   part does not count when the sentence speaks of an accident or chore ("I cut myself
//!   chopping onions", "burned my hand on the oven tray"); "cutting myself some slack" is
//!   removed before matching; "kms" counts only after "want to", "thinking about" and the like
//!   (it is also kilometres); bare "overdose" ("a caffeine overdose") and bare "hurt myself"
//!   ("at the gym") do not count. Figures of speech such as "this deadline is killing me",
//!   "dead tired", "to die for", "jump at the chance" and "I'd die of embarrassment" use no
//!   line of the list; "over my dead body" and "suicide sprints" are removed before matching.
//!   A rule's everyday exceptions (`unless`) are looked for in its sentence and in the two
//!   sentences either side ("Last day at the firm. Cake, card, hugs. Said goodbye to
//!   everyone"), so a risk sentence told next to an everyday reason ("Handed in my notice. Gave
//!   my things away, I won't need them") can be missed by the rules and left to the model.
//!   "Thought I was going to die" (after a cold plunge, a hill, a panic) is removed as fear of
//!   dying, so "I thought I was going to die and part of me was glad" is left to the model.
//!   A self-correction in the next sentence that names a place ("I don't want to be here. At
//!   this party, I mean.") sets both sentences aside like a note about someone else, unless a
//!   rule matches the first alone ("I don't want to be here anymore" still counts).
//!   "End it with <name>" is told from ending one's life by the model alone (a name is not a
//!   word it can list), so it is still sometimes a false alarm.
//!
//! # How text is compared
//!
//! The text is split into sentences at `.` `!` `?` `;` `…` and line breaks. Both the list and
//! each sentence are normalised the same way: lower-cased; apostrophes of every kind (`'`, `’`,
//! `‘`, `ʼ`, `` ` ``, `´`) removed so that "don’t" and "dont" agree; every other character that
//! is not a letter or digit becomes a space, so hyphens and punctuation at word edges fall away
//! ("self-harm" reads "self harm"); runs of whitespace collapse to one space. Words that change
//! nothing a rule looks at ("just", "really", "honestly", …) are dropped, and a few texting
//! spellings and typos are read as the word they stand for ("tmrw", "myslef", "gonna"), in the
//! list and the text alike. Phrases match only as runs of whole words. Each part of a rule is
//! kept as a tree of words, and matching walks it from the words of the sentence (no regular
//! expressions), so the time grows in step with the length of the note, not with the number of
//! ways a rule can be written. Every word of the list is numbered once (a `u32`), the trees hold
//! numbers, and a pattern's groups are added to its tree directly, never written out one
//! alternative at a time, so the list is read quickly on first use and takes little memory.
//! The model reads the same words, weighing each sentence alone and with the next one, so it
//! too is linear in the length of the note.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use super::risk_model::{self, Concepts};

const PHRASES_TXT: &str = include_str!("../../content/self_harm_phrases.txt");

/// Words allowed between two parts of an ordered rule (`A ... B`).
const MAX_GAP: usize = 5;

/// How many sentences before and after a sentence a rule's `unless` phrases are looked for.
const UNLESS_REACH: usize = 2;

/// What kind of risk a note's words name (the section of the phrase file that matched).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RiskKind {
    /// Plans, means, preparation or attempts ("I've been saving up my tablets").
    PlanOrPreparation,
    /// Suicidal thoughts and wishes, explicit or indirect ("I don't want to be here anymore").
    SuicidalThoughts,
    /// Self-injury, its urges and relapses ("I cut my arms again last night").
    SelfInjury,
    /// Noticed by the local model only, which weighs words and does not tell the kind.
    NoticedByModel,
}

/// The words of a phrase or sentence in order (already normalised).
type Words = Vec<String>;

/// A word of the phrase file, numbered once (see [`Vocabulary`]).
type WordId = u32;

/// Stands for a word of the text the phrase file never uses: no phrase contains it.
const UNKNOWN: WordId = WordId::MAX;

/// Stands where an idiom was removed ([`GAP_WORD`]): no phrase contains it either.
const GAP: WordId = WordId::MAX - 1;

/// Every word of the phrase file, numbered once, so that phrases and sentences are compared as
/// small numbers and each word is stored once however many phrases use it.
#[derive(Default)]
struct Vocabulary {
    ids: HashMap<String, WordId>,
    words: Vec<String>,
}

impl Vocabulary {
    fn intern(&mut self, word: &str) -> WordId {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = WordId::try_from(self.words.len()).unwrap_or(UNKNOWN);
        self.words.push(word.to_owned());
        self.ids.insert(word.to_owned(), id);
        id
    }

    fn id(&self, word: &str) -> WordId {
        if word == GAP_WORD {
            return GAP;
        }
        self.ids.get(word).copied().unwrap_or(UNKNOWN)
    }

    fn word(&self, id: WordId) -> &str {
        self.words.get(id as usize).map_or("", String::as_str)
    }
}

/// One line of the phrase file, read into trees of words.
struct Rule {
    /// For each part, its alternatives as a tree of words, so that a sentence is compared
    /// word by word however many alternatives a part has. A plain phrase has one part.
    /// The first `ordered` parts must appear in order, each at most [`MAX_GAP`] words after the
    /// one before (`A ... B`); the rest anywhere in the sentence (`& C & D`).
    tries: Vec<Trie>,
    ordered: usize,
    /// Phrases that cancel the rule when they appear anywhere in the sentence.
    unless: Trie,
    /// Phrases that cancel a match when they come right after it.
    not_followed_by: Trie,
    kind: RiskKind,
    /// The line as written (shown by [`matched_phrase`] for a rule).
    display: String,
}

impl Rule {
    fn is_plain_phrase(&self) -> bool {
        self.tries.len() == 1 && self.unless.is_empty() && self.not_followed_by.is_empty()
    }
}

/// Phrases stored as a tree of words: the phrases that share their first words share a path.
/// Nodes and edges sit in two flat arrays (a node's edges side by side, sorted by word), so a
/// tree costs a few bytes a node and no allocation per node.
#[derive(Default)]
struct Trie {
    nodes: Vec<TrieNode>,
    /// (word, node) for every edge, grouped by the node they leave.
    edges: Vec<(WordId, u32)>,
}

#[derive(Default, Clone, Copy)]
struct TrieNode {
    /// Where this node's edges start in `edges`, and how many there are.
    first: u32,
    count: u32,
    /// A phrase ends here.
    end: bool,
}

impl Trie {
    fn children(&self, at: usize) -> &[(WordId, u32)] {
        self.nodes
            .get(at)
            .and_then(|n| {
                self.edges
                    .get(n.first as usize..n.first as usize + n.count as usize)
            })
            .unwrap_or(&[])
    }

    fn child(&self, at: usize, word: WordId) -> Option<usize> {
        let children = self.children(at);
        children
            .binary_search_by_key(&word, |&(w, _)| w)
            .ok()
            .and_then(|i| children.get(i))
            .map(|&(_, next)| next as usize)
    }
}

/// A pattern of the phrase file read into words and groups of alternatives (`(a|b) c`), so
/// that a tree of words can be built from it without writing every alternative out.
#[derive(Clone)]
enum Piece {
    Words(Vec<WordId>),
    Choice(Rc<[Vec<Piece>]>),
}

impl Trie {
    /// The tree of the phrases a pattern stands for (phrases of no words left out); `None`
    /// when it stands for none.
    fn build(pattern: &[Piece]) -> Option<Self> {
        let mut edges: HashMap<(u32, WordId), u32> = HashMap::new();
        let mut ends = vec![false];
        let last = Self::insert(&mut edges, &mut ends, vec![0], pattern);
        for at in last {
            if at != 0 {
                ends[at as usize] = true;
            }
        }
        if ends.iter().all(|e| !e) {
            return None;
        }
        let mut nodes: Vec<TrieNode> = ends
            .into_iter()
            .map(|end| TrieNode {
                end,
                ..TrieNode::default()
            })
            .collect();
        let mut all: Vec<(u32, WordId, u32)> = edges
            .into_iter()
            .map(|((from, word), to)| (from, word, to))
            .collect();
        all.sort_unstable();
        let mut edges = Vec::with_capacity(all.len());
        for (from, word, to) in all {
            let at = u32::try_from(edges.len()).unwrap_or(u32::MAX);
            if let Some(node) = nodes.get_mut(from as usize) {
                if node.count == 0 {
                    node.first = at;
                }
                node.count += 1;
            }
            edges.push((word, to));
        }
        Some(Trie { nodes, edges }.minimised())
    }

    /// The same phrases with every repeated tail stored once: nodes that end the same way
    /// (same end mark, same words to the same nodes) are merged. A pattern such as
    /// `(a|b|c) (d|e|f) g` builds a tree whose `g` is copied under every path; merged, each
    /// tail exists once, which took the shipped list from about 17 MB to well under one.
    /// Matching is unchanged: a graph of words is read exactly like the tree.
    fn minimised(self) -> Self {
        // Nodes are numbered as they are made, after their parent, so walking from the last
        // node to the first meets every child before its parent.
        let count = self.nodes.len();
        let mut merged_as: Vec<u32> = vec![0; count];
        let mut known: HashMap<(bool, Vec<(WordId, u32)>), u32> = HashMap::new();
        let mut nodes: Vec<TrieNode> = Vec::new();
        let mut edges: Vec<(WordId, u32)> = Vec::new();
        for at in (0..count).rev() {
            let end = self.nodes.get(at).is_some_and(|n| n.end);
            let children: Vec<(WordId, u32)> = self
                .children(at)
                .iter()
                .map(|&(word, next)| (word, merged_as.get(next as usize).copied().unwrap_or(0)))
                .collect();
            let id = *known
                .entry((end, children))
                .or_insert_with_key(|(end, children)| {
                    let id = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
                    nodes.push(TrieNode {
                        first: u32::try_from(edges.len()).unwrap_or(u32::MAX),
                        count: u32::try_from(children.len()).unwrap_or(u32::MAX),
                        end: *end,
                    });
                    edges.extend_from_slice(children);
                    id
                });
            if let Some(slot) = merged_as.get_mut(at) {
                *slot = id;
            }
        }
        // The root was made last; number the nodes backwards so that it is node 0 again.
        let last = u32::try_from(nodes.len())
            .unwrap_or(u32::MAX)
            .saturating_sub(1);
        nodes.reverse();
        for (_, next) in &mut edges {
            *next = last - *next;
        }
        nodes.shrink_to_fit();
        edges.shrink_to_fit();
        Trie { nodes, edges }
    }

    /// Adds the paths of `pattern` from each node of `starts`; returns where they end.
    fn insert(
        edges: &mut HashMap<(u32, WordId), u32>,
        ends: &mut Vec<bool>,
        mut starts: Vec<u32>,
        pattern: &[Piece],
    ) -> Vec<u32> {
        for piece in pattern {
            starts = match piece {
                Piece::Words(words) => starts
                    .into_iter()
                    .map(|mut at| {
                        for &word in words {
                            let fresh = u32::try_from(ends.len()).unwrap_or(u32::MAX);
                            at = *edges.entry((at, word)).or_insert_with(|| {
                                ends.push(false);
                                fresh
                            });
                        }
                        at
                    })
                    .collect(),
                Piece::Choice(alternatives) => {
                    let mut next = Vec::new();
                    for alternative in alternatives.iter() {
                        next.extend(Self::insert(edges, ends, starts.clone(), alternative));
                    }
                    next.sort_unstable();
                    next.dedup();
                    next
                }
            };
        }
        starts
    }

    fn is_empty(&self) -> bool {
        self.children(0).is_empty()
    }

    /// The first words of the phrases.
    fn first_words(&self) -> impl Iterator<Item = WordId> + '_ {
        self.children(0).iter().map(|&(w, _)| w)
    }

    fn has_first(&self, word: WordId) -> bool {
        self.child(0, word).is_some()
    }

    fn first_word_count(&self) -> usize {
        self.children(0).len()
    }

    /// Where phrases starting at `start` in `words` end (one past their last word).
    fn ends_from(
        &self,
        words: &[WordId],
        start: usize,
        mut found: impl FnMut(usize) -> bool,
    ) -> bool {
        let mut at = 0;
        let mut i = start;
        while let Some(&word) = words.get(i) {
            let Some(next) = self.child(at, word) else {
                return false;
            };
            at = next;
            i += 1;
            if self.nodes.get(at).is_some_and(|n| n.end) && found(i) {
                return true;
            }
        }
        false
    }

    /// Every phrase of the tree, written out (for tests).
    #[cfg(test)]
    fn phrases(&self, vocabulary: &Vocabulary) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack: Vec<(usize, Vec<WordId>)> = vec![(0, Vec::new())];
        while let Some((at, path)) = stack.pop() {
            let Some(node) = self.nodes.get(at) else {
                continue;
            };
            if node.end {
                let words: Vec<&str> = path.iter().map(|&w| vocabulary.word(w)).collect();
                out.push(words.join(" "));
            }
            // In the order the phrases were written (nodes are numbered as they are made).
            let mut children = self.children(at).to_vec();
            children.sort_unstable_by_key(|&(_, next)| next);
            for &(word, next) in children.iter().rev() {
                let mut longer = path.clone();
                longer.push(word);
                stack.push((next as usize, longer));
            }
        }
        out
    }
}

/// The phrase file, parsed once.
struct PhraseList {
    rules: Vec<Rule>,
    /// Rules of `[about someone else]`: a sentence they match (alone or with the next one) is
    /// not read, neither by the rules nor by the model, unless the note matches a rule of
    /// `[about the writer]`.
    someone_else: Vec<Rule>,
    /// Rules of `[about the writer]`: the writer is in the note too, so nothing is set aside.
    writer_too: Vec<Rule>,
    /// Idioms removed before matching.
    idioms: Trie,
    /// Every word of the file, numbered.
    vocabulary: Vocabulary,
    /// Single words of the word lists the model reads as their list (see [`risk_model`]).
    concepts: Concepts,
}

/// The word lists of the phrase file whose words the model also reads as the list's name.
const CONCEPT_LISTS: &[&str] = &[
    "pills",
    "kept_means",
    "means",
    "body",
    "high",
    "vehicle",
    "suicidal_typos",
    "accident",
    "kept_ok",
    "marks_ok",
    "elsewhere",
    "chore_word",
    "chore_day",
    "me",
    "injury_tool",
    "injury_effect",
    "skin",
    "punish",
    "finality",
    "farewell",
    "others",
    "media",
    "asked",
    "denial",
    "kms",
    "sport",
    "leaving",
    "risk_cue",
];

fn phrase_list() -> &'static PhraseList {
    static LIST: OnceLock<PhraseList> = OnceLock::new();
    LIST.get_or_init(|| {
        parse_phrase_list(PHRASES_TXT).unwrap_or(PhraseList {
            rules: Vec::new(),
            someone_else: Vec::new(),
            writer_too: Vec::new(),
            idioms: Trie::default(),
            vocabulary: Vocabulary::default(),
            concepts: Concepts::new(),
        })
    })
}

/// Why a line of the phrase file could not be read (a test checks the shipped file has none).
#[derive(Debug, Clone, PartialEq, Eq)]
struct BadLine(String);

/// The lists defined so far (`@name = a | b`), each as its alternatives.
type Lists = HashMap<String, Rc<[Vec<Piece>]>>;

/// Reads the phrase file (syntax in its header).
fn parse_phrase_list(text: &str) -> Result<PhraseList, BadLine> {
    let mut lists: Lists = HashMap::new();
    let mut vocabulary = Vocabulary::default();
    let mut rules = Vec::new();
    let mut idioms: Vec<Vec<Piece>> = Vec::new();
    let mut concepts = Concepts::new();
    let mut someone_else = Vec::new();
    let mut writer_too = Vec::new();
    let mut section: Option<RiskKind> = None;
    let mut in_idioms = false;
    // 0: a risk section; 1: about someone else; 2: about the writer.
    let mut context = 0u8;
    let bad = |line: &str| BadLine(line.to_owned());
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line {
            "[thoughts]" => {
                (section, in_idioms, context) = (Some(RiskKind::SuicidalThoughts), false, 0)
            }
            "[plans]" => {
                (section, in_idioms, context) = (Some(RiskKind::PlanOrPreparation), false, 0)
            }
            "[self-injury]" => {
                (section, in_idioms, context) = (Some(RiskKind::SelfInjury), false, 0)
            }
            "[not]" => (in_idioms, context) = (true, 0),
            "[about someone else]" => (section, in_idioms, context) = (None, false, 1),
            "[about the writer]" => (section, in_idioms, context) = (None, false, 2),
            _ if macro_definition(line).is_some() => {
                let (name, list) = macro_definition(line).ok_or_else(|| bad(line))?;
                let mut alternatives = Vec::new();
                for alternative in list.split('|') {
                    let alternative = alternative.trim();
                    let pattern =
                        pattern(alternative, &lists, &mut vocabulary).ok_or_else(|| bad(line))?;
                    if let Some(&concept) = CONCEPT_LISTS.iter().find(|&&c| c == name.trim())
                        && let [word] = &words_of(&normalise(alternative))[..]
                    {
                        let names = concepts.entry(word.clone()).or_default();
                        if !names.contains(&concept) {
                            names.push(concept);
                        }
                    }
                    alternatives.push(pattern);
                }
                lists.insert(name.trim().to_owned(), alternatives.into());
            }
            _ if in_idioms => {
                let idiom = pattern(line, &lists, &mut vocabulary).ok_or_else(|| bad(line))?;
                idioms.push(idiom);
            }
            _ if context > 0 => {
                let rule = parse_rule(line, RiskKind::SuicidalThoughts, &lists, &mut vocabulary)
                    .ok_or_else(|| bad(line))?;
                if context == 1 {
                    someone_else.push(rule);
                } else {
                    writer_too.push(rule);
                }
            }
            _ => {
                let kind = section.ok_or_else(|| bad(line))?;
                rules.push(
                    parse_rule(line, kind, &lists, &mut vocabulary).ok_or_else(|| bad(line))?,
                );
            }
        }
    }
    let idioms = if idioms.is_empty() {
        Trie::default()
    } else {
        Trie::build(&[Piece::Choice(idioms.into())]).unwrap_or_default()
    };
    Ok(PhraseList {
        rules,
        someone_else,
        writer_too,
        idioms,
        vocabulary,
        concepts,
    })
}

/// `@name = a | b` as (`name`, `a | b`).
fn macro_definition(line: &str) -> Option<(&str, &str)> {
    let (name, list) = line.strip_prefix('@')?.split_once('=')?;
    let name = name.trim();
    let valid = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    valid.then_some((name, list))
}

/// The tree of the phrases of a pattern; `None` when it cannot be read or stands for no phrase.
fn phrases(text: &str, lists: &Lists, vocabulary: &mut Vocabulary) -> Option<Trie> {
    Trie::build(&pattern(text, lists, vocabulary)?)
}

fn parse_rule(
    line: &str,
    kind: RiskKind,
    lists: &Lists,
    vocabulary: &mut Vocabulary,
) -> Option<Rule> {
    // `BODY unless C not followed by D`, the two clauses in either order, each at most once.
    const UNLESS: &str = " unless ";
    const NOT_FOLLOWED_BY: &str = " not followed by ";
    let unless_at = line.find(UNLESS);
    let not_followed_at = line.find(NOT_FOLLOWED_BY);
    let body_end = [unless_at, not_followed_at]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(line.len());
    let mut clause = |at: Option<usize>, keyword: &str| -> Option<Trie> {
        let Some(at) = at else {
            return Some(Trie::default());
        };
        let start = at + keyword.len();
        let end = [unless_at, not_followed_at]
            .into_iter()
            .flatten()
            .filter(|&other| other > at)
            .min()
            .unwrap_or(line.len());
        let text = line.get(start..end)?;
        if text.contains(UNLESS) || text.contains(NOT_FOLLOWED_BY) {
            return None;
        }
        phrases(text, lists, vocabulary)
    };
    let unless = clause(unless_at, UNLESS)?;
    let not_followed_by = clause(not_followed_at, NOT_FOLLOWED_BY)?;
    let body = line.get(..body_end)?;
    // `A ... B & C & D`: the first chunk in order, every further chunk anywhere.
    let mut chunks = body.split(" & ");
    let ordered_parts: Vec<&str> = chunks.next()?.split(" ... ").collect();
    let anywhere_parts: Vec<&str> = chunks.collect();
    if anywhere_parts.iter().any(|p| p.contains(" ... ")) {
        return None;
    }
    let ordered = ordered_parts.len();
    let tries = ordered_parts
        .into_iter()
        .chain(anywhere_parts)
        .map(|p| phrases(p.trim(), lists, vocabulary))
        .collect::<Option<Vec<_>>>()?;
    Some(Rule {
        tries,
        ordered,
        unless,
        not_followed_by,
        kind,
        display: line.to_owned(),
    })
}

/// Reads a pattern: `(a|b) c` with groups that may nest and `@name` standing for the
/// alternatives of a list defined earlier; every run of plain text is normalised into words.
/// `None` when a parenthesis is unbalanced or a list is unknown.
fn pattern(text: &str, lists: &Lists, vocabulary: &mut Vocabulary) -> Option<Vec<Piece>> {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let pieces = pattern_sequence(&chars, &mut at, lists, vocabulary, 0)?;
    (at == chars.len()).then_some(pieces)
}

/// Reads from `at` up to an unmatched `|` or `)` (left for the caller) or the end.
fn pattern_sequence(
    chars: &[char],
    at: &mut usize,
    lists: &Lists,
    vocabulary: &mut Vocabulary,
    depth: usize,
) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    while let Some(&c) = chars.get(*at) {
        match c {
            '|' | ')' if depth > 0 => break,
            '|' | ')' => return None,
            '(' => {
                *at += 1;
                let mut alternatives = Vec::new();
                loop {
                    alternatives.push(pattern_sequence(chars, at, lists, vocabulary, depth + 1)?);
                    match chars.get(*at) {
                        Some('|') => *at += 1,
                        Some(')') => {
                            *at += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                pieces.push(Piece::Choice(alternatives.into()));
            }
            '@' => {
                let start = *at + 1;
                let mut end = start;
                while chars
                    .get(end)
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_')
                {
                    end += 1;
                }
                let name: String = chars[start..end].iter().collect();
                *at = end;
                pieces.push(Piece::Choice(lists.get(&name)?.clone()));
            }
            _ => {
                // A run of plain characters: its words. (No line of the file glues a group to
                // a word, as in `(un|)alive`; a run always ends at a word's end.)
                let start = *at;
                while chars
                    .get(*at)
                    .is_some_and(|c| !matches!(c, '(' | '|' | ')' | '@'))
                {
                    *at += 1;
                }
                let run: String = chars[start..*at].iter().collect();
                let words: Vec<WordId> = words_of(&normalise(&run))
                    .iter()
                    .map(|w| vocabulary.intern(w))
                    .collect();
                if !words.is_empty() {
                    pieces.push(Piece::Words(words));
                }
            }
        }
    }
    Some(pieces)
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

/// Words that change nothing a rule looks at ("I *just* want it to end", "*honestly* wouldn't
/// mind"). They are dropped from the phrase list and from the text alike, so a rule written
/// without them also matches a sentence that has them.
const FILLERS: &[&str] = &[
    "just",
    "really",
    "honestly",
    "actually",
    "literally",
    "simply",
    "genuinely",
    "truly",
    "totally",
    "basically",
    "even",
    "kinda",
    "tbh",
    "ngl",
    "lowkey",
];

/// Texting spellings and common typos, read as the word they stand for (in the phrase list and
/// the text alike): "tmrw" is "tomorrow", "myslef" is "myself", "gonna" is "going to".
const SPELLINGS: &[(&str, &str)] = &[
    ("myslef", "myself"),
    ("mysefl", "myself"),
    ("myelf", "myself"),
    ("myslf", "myself"),
    ("meself", "myself"),
    ("tommorow", "tomorrow"),
    ("tommorrow", "tomorrow"),
    ("tomorow", "tomorrow"),
    ("tmrw", "tomorrow"),
    ("tmr", "tomorrow"),
    ("tonite", "tonight"),
    ("2nite", "tonight"),
    ("2night", "tonight"),
    ("cuz", "because"),
    ("coz", "because"),
    ("cos", "because"),
    ("bc", "because"),
    ("becuase", "because"),
    ("becasue", "because"),
    ("evryone", "everyone"),
    ("every1", "everyone"),
    ("any1", "anyone"),
    ("no1", "no one"),
    ("pils", "pills"),
    ("razer", "razor"),
    ("dieing", "dying"),
    ("thru", "through"),
    ("abt", "about"),
    ("b4", "before"),
    ("wanna", "want to"),
    ("gonna", "going to"),
    ("tryna", "trying to"),
    ("gotta", "got to"),
    // Dropped g's and shortenings of texting (round 10: "thinkin bout endin it all").
    ("thinkin", "thinking"),
    ("endin", "ending"),
    ("feelin", "feeling"),
    ("tryin", "trying"),
    ("killin", "killing"),
    ("cuttin", "cutting"),
    ("hurtin", "hurting"),
    ("dyin", "dying"),
    ("livin", "living"),
    ("wakin", "waking"),
    ("goin", "going"),
    ("doin", "doing"),
    ("wantin", "wanting"),
    ("nothin", "nothing"),
    ("bout", "about"),
    ("urself", "yourself"),
];

/// The words of normalised text, with [`FILLERS`] dropped and [`SPELLINGS`] read as words.
fn words_of(normal: &str) -> Words {
    let mut words = Vec::new();
    for word in normal.split(' ').filter(|w| !w.is_empty()) {
        if FILLERS.contains(&word) {
            continue;
        }
        match SPELLINGS.iter().find(|(typo, _)| *typo == word) {
            Some((_, meant)) => words.extend(meant.split(' ').map(str::to_owned)),
            None => words.push(word.to_owned()),
        }
    }
    words
}

/// A separator no phrase contains: put where an idiom was removed, so that the words on either
/// side cannot join up into a phrase.
const GAP_WORD: &str = "\u{0}";

/// One sentence, normalised into words, with an index from each word to where it occurs.
struct Sentence {
    words: Vec<WordId>,
    index: HashMap<WordId, Vec<usize>>,
}

impl Sentence {
    fn new(words: Vec<WordId>) -> Self {
        let mut index: HashMap<WordId, Vec<usize>> = HashMap::new();
        for (i, &w) in words.iter().enumerate() {
            if w != UNKNOWN && w != GAP {
                index.entry(w).or_default().push(i);
            }
        }
        Sentence { words, index }
    }

    /// Whether any phrase of `trie` occurs in the sentence.
    fn contains_any(&self, trie: &Trie) -> bool {
        !self.occurrences(trie, &Trie::default()).is_empty()
    }

    /// Whether a phrase of `trie` starts right at `end`.
    fn followed_by_any(&self, end: usize, trie: &Trie) -> bool {
        trie.ends_from(&self.words, end, |_| true)
    }

    /// Every occurrence of a phrase of `trie`, as (first word, one past the last word), that is
    /// not followed by a phrase of `cancel`.
    fn occurrences(&self, trie: &Trie, cancel: &Trie) -> Vec<(usize, usize)> {
        // Start from whichever side is smaller: the phrases' first words or the sentence's.
        let mut starts: Vec<usize> = if trie.first_word_count() <= self.index.len() {
            trie.first_words()
                .filter_map(|word| self.index.get(&word))
                .flatten()
                .copied()
                .collect()
        } else {
            self.index
                .iter()
                .filter(|(word, _)| trie.has_first(**word))
                .flat_map(|(_, at)| at.iter().copied())
                .collect()
        };
        starts.sort_unstable();
        let mut found = Vec::new();
        for start in starts {
            trie.ends_from(&self.words, start, |end| {
                if !self.followed_by_any(end, cancel) {
                    found.push((start, end));
                }
                false
            });
        }
        found
    }

    fn matches(&self, rule: &Rule) -> bool {
        self.matches_body(rule) && !self.contains_any(&rule.unless)
    }

    /// Whether the rule's parts match, its `unless` phrases not considered.
    fn matches_body(&self, rule: &Rule) -> bool {
        let last = rule.tries.len().saturating_sub(1);
        let none = Trie::default();
        let cancel = |i: usize| -> &Trie {
            if i == last {
                &rule.not_followed_by
            } else {
                &none
            }
        };
        // The parts that may appear anywhere first: they are cheap to rule out.
        let anywhere = (rule.ordered..rule.tries.len())
            .all(|i| !self.occurrences(&rule.tries[i], cancel(i)).is_empty());
        if !anywhere {
            return false;
        }
        // The ends of matches of the ordered parts so far; each next part must start within
        // the gap.
        let mut ends: Option<Vec<usize>> = None;
        for i in 0..rule.ordered {
            let occurrences = self.occurrences(&rule.tries[i], cancel(i));
            let next: Vec<usize> = match &ends {
                None => occurrences.iter().map(|&(_, e)| e).collect(),
                Some(previous) => occurrences
                    .iter()
                    .filter(|&&(s, _)| previous.iter().any(|&e| s >= e && s - e <= MAX_GAP))
                    .map(|&(_, e)| e)
                    .collect(),
            };
            if next.is_empty() {
                return false;
            }
            ends = Some(next);
        }
        true
    }
}

/// Whether `rule` matches sentence `i` of `sentences`: its parts in that sentence, and none of
/// its `unless` phrases in it or in the sentence just before or after (an everyday reason is
/// often given next door: "Handed in my notice. Writing goodbye emails to clients").
fn rule_matches_at(sentences: &[Sentence], i: usize, rule: &Rule) -> bool {
    let Some(sentence) = sentences.get(i) else {
        return false;
    };
    sentence.matches_body(rule)
        && !(i.saturating_sub(UNLESS_REACH)..=i + UNLESS_REACH)
            .filter_map(|j| sentences.get(j))
            .any(|s| s.contains_any(&rule.unless))
}

/// Whether `rule` matches any sentence of `sentences` (see [`rule_matches_at`]).
fn rule_matches(sentences: &[Sentence], rule: &Rule) -> bool {
    (0..sentences.len()).any(|i| rule_matches_at(sentences, i, rule))
}

/// One sentence of a text: its words (for the model) and their numbers in the phrase file's
/// vocabulary (for the rules), idioms replaced by [`GAP_WORD`] in both.
struct Tokens {
    words: Words,
    ids: Vec<WordId>,
}

/// Splits at sentence ends (`.` `!` `?` `;` and line breaks), normalises, and replaces idioms
/// with [`GAP_WORD`].
fn sentences(text: &str, list: &PhraseList) -> Vec<Tokens> {
    let all: Vec<Tokens> = text
        .split(['.', '!', '?', ';', '\n', '\r', '…'])
        .map(|raw| {
            let mut words = words_of(&normalise(raw));
            let mut ids: Vec<WordId> = words.iter().map(|w| list.vocabulary.id(w)).collect();
            let mut i = 0;
            while i < ids.len() {
                let mut longest = None;
                list.idioms.ends_from(&ids, i, |end| {
                    longest = Some(end);
                    false
                });
                if let Some(end) = longest {
                    ids.splice(i..end, [GAP]);
                    words.splice(i..end, [GAP_WORD.to_owned()]);
                }
                i += 1;
            }
            Tokens { words, ids }
        })
        .filter(|t| !t.words.is_empty())
        .collect();
    set_aside_what_is_about_someone_else(all, list)
}

/// Drops the sentences that name suicide or self-harm only as someone else's, or as a topic
/// (a documentary, a course, a charity run, a friend's crisis, a clinician's question answered
/// "no"): a rule of `[about someone else]` matches the sentence alone, or it and a neighbour
/// read together (then both are set aside).
/// Nothing is dropped when the note matches a rule of `[about the writer]` ("I've started
/// again too", "it made me want to", "I said no but I lied").
fn set_aside_what_is_about_someone_else(all: Vec<Tokens>, list: &PhraseList) -> Vec<Tokens> {
    if list.someone_else.is_empty() {
        return all;
    }
    let whole: Vec<WordId> = all.iter().flat_map(|t| t.ids.iter().copied()).collect();
    let whole = Sentence::new(whole);
    if list.writer_too.iter().any(|rule| whole.matches(rule)) {
        return all;
    }
    let alone: Vec<Sentence> = all.iter().map(|t| Sentence::new(t.ids.clone())).collect();
    let about_someone_else: Vec<bool> = alone
        .iter()
        .map(|s| list.someone_else.iter().any(|rule| s.matches(rule)))
        .collect();
    // The sentences a rule matches alone, and pairs a rule matches only read together.
    let mut core = about_someone_else.clone();
    for i in 0..all.len().saturating_sub(1) {
        if about_someone_else[i] || about_someone_else[i + 1] {
            continue;
        }
        let mut ids = all[i].ids.clone();
        ids.push(GAP);
        ids.extend(all[i + 1].ids.iter().copied());
        let pair = Sentence::new(ids);
        if list.someone_else.iter().any(|rule| pair.matches(rule)) {
            core[i] = true;
            core[i + 1] = true;
        }
    }
    // The story usually goes on next door ("I drove over and sat with him"): a neighbour is set
    // aside too, unless a risk rule matches it on its own ("My sister cuts herself. I've been
    // cutting my thighs every night").
    let drop: Vec<bool> = (0..all.len())
        .map(|i| {
            let next_to_core = (i > 0 && core[i - 1]) || core.get(i + 1).copied().unwrap_or(false);
            core[i]
                || (next_to_core
                    && !list
                        .rules
                        .iter()
                        .any(|rule| rule_matches_at(&alone, i, rule)))
        })
        .collect();
    all.into_iter()
        .zip(drop)
        .filter_map(|(t, d)| (!d).then_some(t))
        .collect()
}

/// The sentences of `text`, read for the rules.
fn indexed_sentences(text: &str, list: &PhraseList) -> Vec<Sentence> {
    sentences(text, list)
        .into_iter()
        .map(|t| Sentence::new(t.ids))
        .collect()
}

/// Runs `visit` over the rules of the phrase file, in order, with a test of whether a rule
/// matches `text`; stops at the first `Some`.
fn scan<T>(
    text: &str,
    mut visit: impl FnMut(&'static Rule, &dyn Fn(&Rule) -> bool) -> Option<T>,
) -> Option<T> {
    let list = phrase_list();
    let indexed = indexed_sentences(text, list);
    let matches = |rule: &Rule| rule_matches(&indexed, rule);
    list.rules.iter().find_map(|rule| visit(rule, &matches))
}

/// The first line of the phrase file that `text` matches: for a plain phrase the words that
/// matched, normalised (e.g. `"want to hurt myself"`), for a rule the line as written.
/// `None` when nothing matches. Useful for tests and for reviewing the list; the app should not
/// show or store it.
pub fn matched_phrase(text: &str) -> Option<String> {
    let list = phrase_list();
    let indexed = indexed_sentences(text, list);
    list.rules.iter().find_map(|rule| {
        if !rule.is_plain_phrase() {
            let hit = rule_matches(&indexed, rule);
            return hit.then(|| rule.display.clone());
        }
        let trie = rule.tries.first()?;
        indexed.iter().find_map(|s| {
            let &(start, end) = s.occurrences(trie, &Trie::default()).first()?;
            let words: Vec<&str> = s
                .words
                .get(start..end)?
                .iter()
                .map(|&w| list.vocabulary.word(w))
                .collect();
            Some(words.join(" "))
        })
    })
}

/// The most serious kind of risk language in `text` that a rule names (plans before thoughts
/// before self-injury); [`RiskKind::NoticedByModel`] when only the model notices it; `None`
/// when neither does. It weighs words, it is not an assessment: see the module documentation.
pub fn risk_language(text: &str) -> Option<RiskKind> {
    let mut kinds = Vec::new();
    scan::<()>(text, |rule, matches| {
        if !kinds.contains(&rule.kind) && matches(rule) {
            kinds.push(rule.kind);
        }
        None
    });
    [
        RiskKind::PlanOrPreparation,
        RiskKind::SuicidalThoughts,
        RiskKind::SelfInjury,
    ]
    .into_iter()
    .find(|k| kinds.contains(k))
    .or_else(|| model_notices(text).then_some(RiskKind::NoticedByModel))
}

/// Out-of-fold results of `k`-fold cross-validation of the combined detector on labelled
/// notes: the notes of each label are dealt to the folds in turn (stratified, fixed), a model
/// is trained on the other folds and on every `background` note (everyday text that is only
/// ever trained on, never measured), and each note gets (its label, whether a rule matches, the
/// probability the model trained without it gives). Deterministic.
pub fn cross_validate(
    risk: &[&str],
    not_risk: &[&str],
    background: &[&str],
    k: usize,
    options: risk_model::TrainOptions,
) -> Vec<CvResult> {
    let background: Vec<(Vec<String>, bool)> = background
        .iter()
        .map(|t| (model_features(t), false))
        .collect();
    let notes: Vec<(&str, bool, usize)> = risk
        .iter()
        .enumerate()
        .map(|(i, t)| (*t, true, i))
        .chain(not_risk.iter().enumerate().map(|(i, t)| (*t, false, i)))
        .collect();
    let fold_of = |i: usize| i % k.max(1);
    let features: Vec<Vec<String>> = notes.iter().map(|(t, _, _)| model_features(t)).collect();
    let mut results = Vec::new();
    for fold in 0..k.max(1) {
        let train: Vec<(Vec<String>, bool)> = notes
            .iter()
            .zip(&features)
            .filter(|((_, _, i), _)| fold_of(*i) != fold)
            .map(|((_, risk, _), features)| (features.clone(), *risk))
            .chain(background.iter().cloned())
            .collect();
        let model = risk_model::Model::train(&train, options);
        for (text, risk, i) in notes.iter().filter(|(_, _, i)| fold_of(*i) == fold) {
            results.push(CvResult {
                index: *i,
                risk: *risk,
                rules: rules_match(text),
                probability: model_probability_with(text, &model),
            });
        }
    }
    results
}

/// One note's out-of-fold result in [`cross_validate`].
#[derive(Debug, Clone, Copy)]
pub struct CvResult {
    /// Where the note is in its list (risk or not).
    pub index: usize,
    /// The note is a risk note.
    pub risk: bool,
    /// A rule of the phrase list matches it.
    pub rules: bool,
    /// The probability from the model trained without its fold.
    pub probability: f64,
}

impl CvResult {
    /// Whether the combined detector flags the note at `threshold`.
    pub fn flagged(&self, threshold: f64) -> bool {
        self.rules || self.probability > threshold
    }
}

/// (recall, false-alarm rate) of the combined detector at `threshold` over CV results.
pub fn cv_rates(results: &[CvResult], threshold: f64) -> (f64, f64) {
    let share = |risk: bool| {
        let of: Vec<&CvResult> = results.iter().filter(|r| r.risk == risk).collect();
        let flagged = of.iter().filter(|r| r.flagged(threshold)).count();
        flagged as f64 / of.len().max(1) as f64
    };
    (share(true), share(false))
}

/// True when a rule of the phrase list matches `text` (the rules alone, without the model).
pub fn rules_match(text: &str) -> bool {
    scan(text, |rule, matches| matches(rule).then_some(())).is_some()
}

/// The features the model reads from a note taken as one example (every sentence; pairs of
/// words never cross a sentence end). For the training tool and tests.
pub fn model_features(text: &str) -> Vec<String> {
    let list = phrase_list();
    let sentences = sentences(text, list);
    let words: Vec<&[String]> = sentences.iter().map(|t| t.words.as_slice()).collect();
    let cancelled = cancelled_by_unless(&sentences, list);
    risk_model::features(&words, tags(&cancelled), &list.concepts)
}

/// For each sentence, whether a rule's words are in it but its `unless` phrases (in it or next
/// door) cancel it, and no rule matches it: what the rules know of everyday reasons, which the
/// model reads as a feature (see [`risk_model::features`]).
fn cancelled_by_unless(sentences: &[Tokens], list: &PhraseList) -> Vec<bool> {
    let indexed: Vec<Sentence> = sentences
        .iter()
        .map(|t| Sentence::new(t.ids.clone()))
        .collect();
    (0..indexed.len())
        .map(|i| {
            let mut cancelled = false;
            for rule in &list.rules {
                if rule.unless.is_empty() || !indexed[i].matches_body(rule) {
                    continue;
                }
                if rule_matches_at(&indexed, i, rule) {
                    return false;
                }
                cancelled = true;
            }
            cancelled
        })
        .collect()
}

/// The model's tags for sentences of which any was cancelled by an `unless`.
fn tags(cancelled: &[bool]) -> &'static [&'static str] {
    if cancelled.iter().any(|&c| c) {
        &["unless"]
    } else {
        &[]
    }
}

/// The highest probability `model` gives to a sentence of `text`, or to two neighbouring
/// sentences read together (so a thought split over two sentences still counts). 0 for a
/// text with no words. Linear in the length of the text.
pub fn model_probability_with(text: &str, model: &risk_model::Model) -> f64 {
    let list = phrase_list();
    let tokens = sentences(text, list);
    let cancelled = cancelled_by_unless(&tokens, list);
    let sentences: Vec<&[String]> = tokens.iter().map(|t| t.words.as_slice()).collect();
    let mut highest = 0.0f64;
    for i in 0..sentences.len() {
        let end = (i + 2).min(sentences.len());
        for (window, flags) in [
            (&sentences[i..=i], &cancelled[i..=i]),
            (&sentences[i..end], &cancelled[i..end]),
        ] {
            let features = risk_model::features(window, tags(flags), &list.concepts);
            highest = highest.max(model.probability(&features));
        }
    }
    highest
}

/// Whether the shipped model (alone, without the rules) counts `text` as risk language.
pub fn model_notices(text: &str) -> bool {
    let model = risk_model::shipped();
    model_probability_with(text, model) > model.threshold
}

/// True when `text` names suicide or self-harm: a rule of the phrase list matches, or the
/// local model gives a sentence a probability above its threshold. Read the module
/// documentation for what this can and cannot tell: it weighs words, it is not an assessment.
pub fn mentions_self_harm(text: &str) -> bool {
    rules_match(text) || model_notices(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_parses_and_every_line_matches_itself() {
        let list = parse_phrase_list(PHRASES_TXT).expect("the shipped phrase file parses");
        assert!(list.rules.len() > 100);
        assert!(!list.idioms.is_empty());
        for kind in [
            RiskKind::SuicidalThoughts,
            RiskKind::PlanOrPreparation,
            RiskKind::SelfInjury,
        ] {
            assert!(list.rules.iter().any(|r| r.kind == kind), "{kind:?}");
        }
        for rule in &list.rules {
            // Every alternative of a plain phrase, and for a rule the first and the last
            // alternatives of its parts written one after the other, must be found.
            let parts: Vec<Vec<String>> = rule
                .tries
                .iter()
                .map(|t| t.phrases(&list.vocabulary))
                .collect();
            let samples: Vec<String> = if parts.len() == 1 {
                parts[0].clone()
            } else {
                // The first, middle and last alternatives of each part (in the order of the
                // graph of words), less those that name one of the rule's own exceptions.
                let unless = rule.unless.phrases(&list.vocabulary);
                let cancelled = |s: &str| {
                    unless
                        .iter()
                        .any(|u| format!(" {s} ").contains(&format!(" {u} ")))
                };
                let pick = |at: fn(usize) -> usize| {
                    parts
                        .iter()
                        .map(|p| p[at(p.len())].clone())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let samples: Vec<String> = [pick(|_| 0), pick(|n| n / 2), pick(|n| n - 1)]
                    .into_iter()
                    .filter(|s| !cancelled(s))
                    .collect();
                assert!(!samples.is_empty(), "{:?}: no sample left", rule.display);
                samples
            };
            for sample in samples {
                assert!(
                    mentions_self_harm(&sample),
                    "{sample:?} (from {:?}) does not match itself",
                    rule.display
                );
            }
        }
    }

    #[test]
    fn a_bad_line_is_reported() {
        assert!(parse_phrase_list("[thoughts]\n(open").is_err());
        assert!(parse_phrase_list("[thoughts]\n@unknown words").is_err());
        assert!(parse_phrase_list("a phrase before any section").is_err());
        assert!(parse_phrase_list("[thoughts]\na & b ... c").is_err());
        assert!(parse_phrase_list("[thoughts]\na unless b unless c").is_err());
    }

    #[test]
    fn lists_and_rules_expand_and_match_within_a_sentence() {
        let list = parse_phrase_list(
            "@pill = pills | tablets\n[plans]\n(saving|saved) ... @pill unless vitamins\n\
             [thoughts]\nbridge & jump\n[self-injury]\nurge to cut not followed by (down|the)",
        )
        .expect("parses");
        let hit = |text: &str, rule: usize| {
            indexed_sentences(text, &list)
                .iter()
                .any(|s| s.matches(&list.rules[rule]))
        };
        assert!(hit("saving up all my tablets", 0));
        assert!(hit("saved pills", 0));
        assert!(
            !hit("saving up for a really nice holiday with tablets", 0),
            "too far apart"
        );
        assert!(!hit("tablets saved", 0), "order matters");
        assert!(!hit("saving my vitamins and tablets", 0), "unless");
        assert!(!hit("I was saving. Tablets", 0), "sentences are separate");
        assert!(hit("jump off the bridge", 1));
        assert!(hit("on the bridge, thinking about the jump", 1));
        assert!(hit("urge to cut tonight", 2));
        assert!(hit("urge to cut", 2));
        assert!(!hit("urge to cut down on sugar", 2));
    }

    #[test]
    fn alternatives_expand() {
        let written = |text: &str| {
            let mut vocabulary = Vocabulary::default();
            let mut phrases = phrases(text, &Lists::new(), &mut vocabulary)?.phrases(&vocabulary);
            phrases.sort();
            Some(phrases)
        };
        assert_eq!(
            written("(a|b) c (d e|f)").unwrap(),
            ["a c d e", "a c f", "b c d e", "b c f"]
        );
        assert_eq!(written("plain words").unwrap(), ["plain words"]);
        assert_eq!(written("(open"), None);
        assert_eq!(written("close)"), None);
        // Groups may nest (a deliberate change: lists used inside groups need it).
        assert_eq!(written("((nested))").unwrap(), ["nested"]);
        assert_eq!(written("a (b (c|d)|e)").unwrap(), ["a b c", "a b d", "a e"]);
        assert_eq!(
            written("(a little|) tired").unwrap(),
            ["a little tired", "tired"]
        );
        assert_eq!(written("(|)"), None, "no phrase of no words");
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
            // Deliberately broadened: "unalive" alone now counts (was "unalive myself").
            ("I want to unalive myself", "unalive"),
            ("  I   WANT   TO   DIE  ", "want to die"),
        ];
        for (text, phrase) in cases {
            assert_eq!(matched_phrase(text).as_deref(), Some(phrase), "{text:?}");
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
            "I'm dead on my feet",
            "That meeting was so boring I wanted to die",
            "I hit my head on the cupboard door",
            "I'm going to do it tonight: finally clean the oven",
            "went to the bridge again to watch the otters",
            "I have a knife ready for the chicken",
            "dont want to wake up early tomorrow, its saturday",
            "Felt like a burden asking for help, but they were kind",
            "Made up my mind to say no to the extra project",
        ];
        for text in cases {
            assert_eq!(matched_phrase(text), None, "{text:?}");
        }
    }

    #[test]
    fn indirect_phrasings_are_noticed() {
        // One sentence per generalised rule family (see the phrase file, "round 5").
        let cases = [
            "i dont want to be here any more tbh",
            "I wish I was gone",
            "Sometimes I pray I won't wake up",
            "My family would be fine without me",
            "i wanna disappear and never come back",
            "The urge to die is back",
            "Honestly dying doesn't scare me, living does",
            "I don't see the point in living anymore",
            "Tonight I'm going to do it",
            "ive made up my mind",
            "this is the last entry",
            "I've said my goodbyes",
            "wrote letters to my family explaining everything",
            "I've got a belt ready",
            "Looked up how many of my antidepressants would be enough",
            "I climbed onto the bridge railing",
            "went to the cliff again today",
            "thought about driving into the motorway barrier",
            "I keep punching my legs when I'm angry at myself",
            "I carved into my thigh",
            "relapsed on sh last night",
            "i feel suicidle again",
        ];
        for text in cases {
            assert!(mentions_self_harm(text), "{text:?}");
        }
    }

    #[test]
    fn round_six_families_are_noticed() {
        // One sentence per family generalised after round 5 (see the phrase file, "Round 6").
        let cases = [
            // means named without a verb of use
            "got rope from the hardware shop, it's under my bed now",
            "My dad's shotgun is in the cabinet and I know where the key is",
            "been googling the highest car parks in town",
            // intent or timing without a named act
            "I don't think I'll be here by Christmas",
            "im ending things after my birthday",
            "this will be my last Christmas",
            // preparation
            "Rehomed the cat so she'll be looked after when I'm not here",
            "the note's already written",
            // self-injury by its effect or its hiding
            "Wore long sleeves to work so nobody would see the cuts",
            "Pressed my arm against the hob on purpose",
            // method words in every form
            "thought about drowning myself",
            "I was going to OD last night",
            // past attempts spoken of now
            "Attempted again on Tuesday",
            "woke up in ICU, it didn't work",
            // passive wishes
            "honestly wouldnt mind if i just didn't wake up tomorrow",
            "i don't care if i live or die",
        ];
        for text in cases {
            assert!(mentions_self_harm(text), "{text:?}");
        }
    }

    #[test]
    fn round_six_everyday_counterparts_are_not_noticed() {
        let cases = [
            "Bought rope for the washing line",
            "Hid the Christmas presents in the wardrobe",
            "I won't be here by Christmas, we're going to my in-laws in Scotland",
            "Ended things with Sam last night, it was mutual",
            "This is my last week at the old job",
            "We've picked a date for the wedding!",
            "Told the cat sitter where everything is for when I'm away",
            "Wore a hoodie to hide the coffee stain on my shirt",
            "Burned my arm on the hob making pancakes",
            "I'm drowning in work this month",
            "Shot myself in the foot by volunteering for the rota",
            "Attempted the sourdough again and it's still flat",
            "Took all my pills with breakfast as usual",
            "Cut down on sugar this month",
            "I'm done with social media for a while",
        ];
        for text in cases {
            assert_eq!(matched_phrase(text), None, "{text:?}");
        }
    }

    #[test]
    fn filler_words_and_texting_spellings_read_as_meant() {
        assert_eq!(
            words_of("i just really want it to end"),
            ["i", "want", "it", "to", "end"]
        );
        assert_eq!(
            words_of("gonna kill myslef tmrw"),
            ["going", "to", "kill", "myself", "tomorrow"]
        );
        assert!(mentions_self_harm("i honestly just wanna die"));
        assert!(mentions_self_harm("gonna kill myslef"));
    }

    #[test]
    fn a_rule_can_ask_for_words_in_order_and_words_anywhere() {
        let list = parse_phrase_list(
            "[plans]\nwrote ... note & drawer unless thank not followed by to\n\
             [thoughts]\nend things not followed by with unless relationship",
        )
        .expect("parses");
        let hit = |text: &str, rule: usize| {
            indexed_sentences(text, &list)
                .iter()
                .any(|s| s.matches(&list.rules[rule]))
        };
        assert!(hit("wrote the note and put it in the drawer", 0));
        assert!(
            !hit("in the drawer is the note i wrote", 0),
            "order of the first part"
        );
        assert!(!hit("wrote the note", 0), "the anywhere part is needed");
        assert!(
            !hit("wrote a thank you note, it's in the drawer", 0),
            "unless"
        );
        assert!(
            !hit("wrote a note in the drawer to", 0),
            "not followed by, after the last part"
        );
        // "unless" and "not followed by" may come in either order.
        assert!(hit("i will end things", 1));
        assert!(!hit("i will end things with sam", 1));
        assert!(!hit("end things, the relationship is over", 1));
    }

    #[test]
    fn negated_mentions_by_the_writer_are_noticed_on_purpose() {
        // See the module documentation: the matcher cannot tell negation from disclosure, and
        // erring towards a gentle message is the safer side when the writer speaks of themself.
        assert!(mentions_self_harm("I'm not suicidal, just tired"));
    }

    #[test]
    fn mentions_that_are_not_about_the_writer_are_set_aside() {
        // Changed on purpose on 2026-12-01 (blind round 8: most false alarms named suicide or
        // self-harm as a topic or as someone else's): a talk, a course, a charity, the news or
        // another person's crisis, and a clinician's question answered "no", do not count.
        // "Went to a talk on suicide prevention" was asserted noticed before this change.
        assert!(!mentions_self_harm("Went to a talk on suicide prevention"));
        assert!(!mentions_self_harm(
            "Signed up for a sponsored walk for a suicide prevention charity."
        ));
        assert!(!mentions_self_harm(
            "My cousin told me about her self-harm. I listened and made tea."
        ));
        assert!(!mentions_self_harm(
            "The GP asked if I had thoughts of ending my life. I said no, and it was true."
        ));
        // The writer in it too: still noticed.
        assert!(mentions_self_harm(
            "My friend self-harms and I've started again too."
        ));
        assert!(mentions_self_harm(
            "The documentary about suicide made me want to do it."
        ));
        assert!(mentions_self_harm(
            "The nurse asked if I'd thought about suicide. I said no but I lied."
        ));
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

    /// Sentences of a corpus file (comment and blank lines skipped).
    fn corpus(text: &str) -> Vec<&str> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    }

    const RISK_TUNING: &str = include_str!("../../tests-data/risk_language/risk_tuning.txt");
    const NOT_RISK_TUNING: &str =
        include_str!("../../tests-data/risk_language/not_risk_tuning.txt");
    const NOT_RISK_BACKGROUND: &str =
        include_str!("../../tests-data/risk_language/not_risk_background.txt");
    const RISK_HELDOUT: &str = include_str!("../../tests-data/risk_language/risk_heldout.txt");
    const NOT_RISK_HELDOUT: &str =
        include_str!("../../tests-data/risk_language/not_risk_heldout.txt");

    /// The goal of issue 13 on sentences not tuned to: at least 90% noticed, at most 10% false
    /// alarms. Rounds 1-6 (see the held-out file headers) did not meet it with the rules alone.
    const GOAL_RECALL: f64 = 0.90;
    const GOAL_FALSE_ALARMS: f64 = 0.10;
    /// What the current held-out round measured on its one evaluation, as (noticed, of) and
    /// (false alarms, of): the test fails if a change makes the held-out figures worse. `None`
    /// while the held-out files hold no sentences, and for a new round until it has been
    /// evaluated once (the test then prints its figures and asserts nothing); then set both from
    /// the printed figures. Earlier rounds, rules alone: 48/65, 36/63, 35/60, 49/61, (round 5,
    /// the first written blind) 75/100 and (round 6, blind) 72/110 noticed; 0/60, 3/60, 2/55,
    /// 0/55, 1/100 and 2/110 false alarms. Round 6 was folded into the tuning files on
    /// 2026-12-01, before the model was trained; round 7 (blind) was then evaluated once, at
    /// 136/160 noticed and 11/160 false alarms, and folded in on 2026-12-01. Round 8 (blind) was
    /// then evaluated once, at 150/160 noticed and 23/160 false alarms, and folded in on
    /// 2026-12-01. Round 9 (blind) was then evaluated once, at 150/160 noticed and 19/160 false
    /// alarms, and folded in on 2026-12-01. Round 10 (blind) was then evaluated once with
    /// `cargo run -p enough-domain --example risk_eval -- <risk.txt> <not_risk.txt>`, at 140/160
    /// noticed and 15/160 false alarms, and folded in on 2026-12-01. Round 11 (blind) was then
    /// evaluated once, at 145/160 noticed and 11/160 false alarms (its files were lost with a
    /// session's machine). Round 12 (blind) was then evaluated once, at 142/160 noticed and 3/160
    /// false alarms, and folded in on 2026-12-01. Round 13 (blind) was evaluated once on
    /// 2026-12-01, at 145/160 noticed and 7/160 false alarms, and is unchanged since.
    const HELD_OUT_NOTICED: Option<(usize, usize)> = Some((145, 160));
    const HELD_OUT_FALSE_ALARMS: Option<(usize, usize)> = Some((7, 160));
    /// What the rules alone must keep on the sentences they were tuned to (a floor against a
    /// change that breaks what already worked; the tuning figures flatter the matcher). Round 6,
    /// folded in untuned, and the sentences written for the model, which the rules were never
    /// tuned to, lower the rules' figure; so do blind round 7 and the generalisation batch
    /// written after it (2026-12-01), folded in with the rules only partly tuned to them (0.89
    /// before; 0.83 after). Blind round 8, folded in on 2026-12-01 (nine in ten of its risk
    /// sentences use no obvious risk word, most were noticed by the model), and the batch
    /// written after it lower it again (0.805 after the round-8 rules). Blind round 9 and the
    /// batch written after it (2026-12-01; texting shorthand, plans, heights and trains that the
    /// model mostly notices), and `unless` phrases read in the two sentences either side, lower
    /// it again (0.780 after the round-9 rules, with 0.3% false alarms).
    const RULES_TUNING_RECALL_FLOOR: f64 = 0.77;
    const RULES_TUNING_FALSE_ALARMS_CEILING: f64 = 0.02;
    /// Folds of the cross-validation of the combined detector.
    const FOLDS: usize = 5;

    /// Prints (noticed, share) for `sentences` under `detect`, and the ones that go the wrong
    /// way when `show` is set.
    fn share_with(
        name: &str,
        sentences: &[&str],
        expect: bool,
        detect: impl Fn(&str) -> bool,
        show: bool,
    ) -> f64 {
        let mut noticed = 0;
        for s in sentences {
            let hit = detect(s);
            noticed += usize::from(hit);
            if show && hit != expect {
                println!(
                    "  {name}: {} {s:?}",
                    if expect { "missed" } else { "false alarm" }
                );
            }
        }
        noticed as f64 / sentences.len().max(1) as f64
    }

    #[test]
    fn corpus_recall_and_false_alarms_are_printed_and_do_not_regress() {
        let (risk, not_risk) = (corpus(RISK_TUNING), corpus(NOT_RISK_TUNING));
        assert!(risk.len() >= 150 && not_risk.len() >= 150);
        // On the tuning sentences (flattering: the rules were tuned to them and the model was
        // trained on them).
        let rules_recall = share_with("tuning", &risk, true, rules_match, false);
        let rules_false = share_with("tuning", &not_risk, false, rules_match, false);
        let recall = share_with("tuning", &risk, true, mentions_self_harm, true);
        let false_alarms = share_with("tuning", &not_risk, false, mentions_self_harm, true);
        println!(
            "tuning ({} risk, {} others): rules alone noticed {:.1}%, false alarms {:.1}%; \
             rules + model noticed {:.1}%, false alarms {:.1}% (both flatter the detector)",
            risk.len(),
            not_risk.len(),
            rules_recall * 100.0,
            rules_false * 100.0,
            recall * 100.0,
            false_alarms * 100.0,
        );
        assert!(
            rules_recall >= RULES_TUNING_RECALL_FLOOR,
            "tuning recall of the rules fell to {rules_recall:.3}"
        );
        assert!(
            rules_false <= RULES_TUNING_FALSE_ALARMS_CEILING,
            "tuning false alarms of the rules rose to {rules_false:.3}"
        );
        // Cross-validated: a model trained without each fold, the shipped threshold.
        let threshold = risk_model::shipped().threshold;
        let results = cross_validate(
            &risk,
            &not_risk,
            &corpus(NOT_RISK_BACKGROUND),
            FOLDS,
            risk_model::TrainOptions::default(),
        );
        let (cv_recall, cv_false) = cv_rates(&results, threshold);
        let model_only: Vec<CvResult> = results
            .iter()
            .map(|r| CvResult { rules: false, ..*r })
            .collect();
        let (model_recall, model_false) = cv_rates(&model_only, threshold);
        println!(
            "{FOLDS}-fold cross-validation, threshold {threshold:.2}: rules + model noticed \
             {:.1}%, false alarms {:.1}% (model alone {:.1}%, {:.1}%); optimistic, the rules \
             were tuned to every fold",
            cv_recall * 100.0,
            cv_false * 100.0,
            model_recall * 100.0,
            model_false * 100.0,
        );
        assert!(cv_recall >= GOAL_RECALL, "CV recall {cv_recall:.3}");
        assert!(
            cv_false <= GOAL_FALSE_ALARMS,
            "CV false alarms {cv_false:.3}"
        );

        // The held-out round, when there is one.
        let (risk, not_risk) = (corpus(RISK_HELDOUT), corpus(NOT_RISK_HELDOUT));
        if risk.is_empty() || not_risk.is_empty() {
            println!("held-out: no held-out sentences (a new blind round is being written)");
            assert!(
                HELD_OUT_NOTICED.is_none() && HELD_OUT_FALSE_ALARMS.is_none(),
                "the held-out figures are set but the held-out files hold no sentences"
            );
            return;
        }
        let recall = share_with("held-out", &risk, true, mentions_self_harm, true);
        let false_alarms = share_with("held-out", &not_risk, false, mentions_self_harm, true);
        let met = |ok: bool| if ok { "met" } else { "NOT met" };
        println!(
            "held-out: noticed {:.1}% of {} risk sentences, false alarms on {:.1}% of {} others; \
             goal >= {:.0}% noticed ({}), <= {:.0}% false alarms ({})",
            recall * 100.0,
            risk.len(),
            false_alarms * 100.0,
            not_risk.len(),
            GOAL_RECALL * 100.0,
            met(recall >= GOAL_RECALL),
            GOAL_FALSE_ALARMS * 100.0,
            met(false_alarms <= GOAL_FALSE_ALARMS),
        );
        if let Some((noticed, of)) = HELD_OUT_NOTICED {
            assert_eq!(of, risk.len(), "HELD_OUT_NOTICED is for another round");
            assert!(
                recall >= noticed as f64 / of as f64 - 1e-9,
                "held-out recall fell to {recall:.3}"
            );
        }
        if let Some((alarms, of)) = HELD_OUT_FALSE_ALARMS {
            assert_eq!(
                of,
                not_risk.len(),
                "HELD_OUT_FALSE_ALARMS is for another round"
            );
            assert!(
                false_alarms <= alarms as f64 / of as f64 + 1e-9,
                "held-out false alarms rose to {false_alarms:.3}"
            );
        }
    }

    #[test]
    fn the_committed_model_is_what_training_on_the_tuning_files_gives() {
        // `cargo run -p enough-domain --example train_risk_model` rewrites it after a change
        // to the tuning files, the features or the phrase file's word lists.
        let examples: Vec<(Vec<String>, bool)> = corpus(RISK_TUNING)
            .iter()
            .map(|t| (model_features(t), true))
            .chain(
                corpus(NOT_RISK_TUNING)
                    .iter()
                    .chain(&corpus(NOT_RISK_BACKGROUND))
                    .map(|t| (model_features(t), false)),
            )
            .collect();
        let mut trained = risk_model::Model::train(&examples, risk_model::TrainOptions::default());
        let shipped = risk_model::shipped();
        trained.threshold = shipped.threshold;
        assert!(
            risk_model::Model::parse(&trained.to_text()).as_ref() == Some(shipped),
            "content/risk_model.txt is stale: run the train_risk_model example"
        );
    }

    /// For reviewers: `RISK_EXPLAIN="some sentence" cargo test -p enough-domain --lib explain --
    /// --ignored --nocapture` prints which line of the phrase file a sentence matches.
    #[test]
    #[ignore]
    fn explain() {
        for text in std::env::var("RISK_EXPLAIN")
            .unwrap_or_default()
            .split('\n')
        {
            println!("{text:?} -> {:?}", matched_phrase(text));
        }
    }

    #[test]
    fn a_long_note_is_checked_quickly_and_in_linear_time() {
        // A 5,000-character note with no risk language, and the same note four times over.
        let filler = "Cut the onions, jumped on the bus, the deadline is killing me, saved up for \
                      the bridge walk, counted my tablets into the organiser as prescribed and \
                      I could sleep forever after all that. ";
        let mut note = String::new();
        while note.len() < 5_000 {
            note.push_str(filler);
        }
        note.truncate(5_000);
        let long = note.repeat(4);
        let time = |text: &str| {
            let start = std::time::Instant::now();
            let found = mentions_self_harm(text);
            (found, start.elapsed())
        };
        let _ = time("warm up the phrase list");
        let (found, short_time) = time(&note);
        let (found_long, long_time) = time(&long);
        println!("5,000 characters: {short_time:?}; 20,000 characters: {long_time:?}");
        assert!(!found && !found_long);
        // Generous bounds for an unoptimised build on a busy machine.
        assert!(short_time.as_millis() < 1_000, "{short_time:?}");
        // Four times the text should take about four times as long, never far more.
        assert!(
            long_time <= short_time * 12 + std::time::Duration::from_millis(50),
            "{long_time:?}"
        );
        // The same note ending in a risk sentence is still noticed.
        assert!(mentions_self_harm(&format!("{note} I want to die.")));
    }
}
