//! A personal safety plan: a short, written list the person makes while they feel steady, to
//! use when things get hard. The sections and their order follow the Safety Planning
//! Intervention of Stanley and Brown — recognise your warning signs, try what you can do alone,
//! then people and places that distract, then people you can ask for help, then professionals
//! and crisis lines, and make your surroundings safer — with "my reasons for living" added at
//! the end, as many published adaptations do. The prompts are our own words.
//!
//! Stanley B, Brown GK. Safety Planning Intervention: a brief intervention to mitigate suicide
//! risk. *Cognitive and Behavioral Practice* 2012;19(2):256–264.
//! doi:10.1016/j.cbpra.2011.01.001
//!
//! The plan is the person's own words: nothing here judges or scores it, and an empty section is
//! fine. Only sizes are limited, so that a plan stays short enough to read in a bad moment.

use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// The most lines one section may hold.
pub const MAX_ITEMS_PER_SECTION: usize = 20;

/// The most characters one line may hold.
pub const MAX_ITEM_CHARS: usize = 300;

/// One section of the plan, in the order the plan is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Thoughts, feelings, situations that tell me a hard time is starting.
    WarningSigns,
    /// Things I can do on my own to cope.
    CopingAlone,
    /// People and places that take my mind off things.
    Distractions,
    /// People I can ask for help.
    PeopleToAsk,
    /// Professionals and crisis lines.
    Professionals,
    /// Making my surroundings safer.
    SaferSurroundings,
    /// My reasons for living.
    ReasonsForLiving,
}

impl Section {
    /// Every section, in the plan's order.
    pub const ALL: [Section; 7] = [
        Section::WarningSigns,
        Section::CopingAlone,
        Section::Distractions,
        Section::PeopleToAsk,
        Section::Professionals,
        Section::SaferSurroundings,
        Section::ReasonsForLiving,
    ];

    /// Every section, in the plan's order.
    pub fn all() -> [Section; 7] {
        Self::ALL
    }

    /// The key used for form fields and JSON, e.g. `"warning_signs"`.
    pub fn key(self) -> &'static str {
        match self {
            Section::WarningSigns => "warning_signs",
            Section::CopingAlone => "coping_alone",
            Section::Distractions => "distractions",
            Section::PeopleToAsk => "people_to_ask",
            Section::Professionals => "professionals",
            Section::SaferSurroundings => "safer_surroundings",
            Section::ReasonsForLiving => "reasons_for_living",
        }
    }

    /// The section with this key, if there is one.
    pub fn from_key(key: &str) -> Option<Section> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The heading shown above the section.
    pub fn title(self) -> &'static str {
        match self {
            Section::WarningSigns => "My warning signs",
            Section::CopingAlone => "Things I can do on my own",
            Section::Distractions => "People and places that take my mind off things",
            Section::PeopleToAsk => "People I can ask for help",
            Section::Professionals => "Professionals and crisis lines",
            Section::SaferSurroundings => "Making my surroundings safer",
            Section::ReasonsForLiving => "My reasons for living",
        }
    }

    /// The heading as someone else (their therapist) reads it.
    pub fn title_for_others(self) -> &'static str {
        match self {
            Section::WarningSigns => "Their warning signs",
            Section::CopingAlone => "Things they can do on their own",
            Section::Distractions => "People and places that take their mind off things",
            Section::PeopleToAsk => "People they can ask for help",
            Section::Professionals => "Professionals and crisis lines",
            Section::SaferSurroundings => "Making their surroundings safer",
            Section::ReasonsForLiving => "Their reasons for living",
        }
    }

    /// A question that helps the person fill the section in.
    pub fn prompt(self) -> &'static str {
        match self {
            Section::WarningSigns => {
                "What do you notice when a hard time is starting — thoughts, feelings, \
                 situations or things you do?"
            }
            Section::CopingAlone => {
                "What can you do by yourself, without anyone else, that helps a little?"
            }
            Section::Distractions => {
                "Which people or places help you think about something else for a while? \
                 You don't need to talk about how you feel there."
            }
            Section::PeopleToAsk => {
                "Who could you tell that you are struggling? Add how to reach them."
            }
            Section::Professionals => {
                "Which professionals or services can you contact, day or night? Add their \
                 numbers, and the crisis line for where you live."
            }
            Section::SaferSurroundings => {
                "What could you put away, give to someone to keep, or make harder to reach \
                 while things are hard?"
            }
            Section::ReasonsForLiving => {
                "What matters to you and is worth holding on to, even on a bad day?"
            }
        }
    }

    /// A short example line, shown as a placeholder; the person's own words always come first.
    pub fn example(self) -> &'static str {
        match self {
            Section::WarningSigns => "Lying awake going over one mistake",
            Section::CopingAlone => "A ten-minute walk outside, even in the rain",
            Section::Distractions => "The library café, where nobody expects me to talk",
            Section::PeopleToAsk => "My sister, who said I can ring any time",
            Section::Professionals => "My GP's surgery, and the crisis line on the Help page",
            Section::SaferSurroundings => "Ask my partner to keep my medication for now",
            Section::ReasonsForLiving => "My dog, who needs his morning walk",
        }
    }
}

/// A person's safety plan: a list of lines for every section, each possibly empty.
///
/// Serialised as a JSON object with one list of strings per [`Section::key`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SafetyPlan {
    /// See [`Section::WarningSigns`].
    pub warning_signs: Vec<String>,
    /// See [`Section::CopingAlone`].
    pub coping_alone: Vec<String>,
    /// See [`Section::Distractions`].
    pub distractions: Vec<String>,
    /// See [`Section::PeopleToAsk`].
    pub people_to_ask: Vec<String>,
    /// See [`Section::Professionals`].
    pub professionals: Vec<String>,
    /// See [`Section::SaferSurroundings`].
    pub safer_surroundings: Vec<String>,
    /// See [`Section::ReasonsForLiving`].
    pub reasons_for_living: Vec<String>,
}

impl SafetyPlan {
    /// The lines of one section.
    pub fn items(&self, section: Section) -> &[String] {
        match section {
            Section::WarningSigns => &self.warning_signs,
            Section::CopingAlone => &self.coping_alone,
            Section::Distractions => &self.distractions,
            Section::PeopleToAsk => &self.people_to_ask,
            Section::Professionals => &self.professionals,
            Section::SaferSurroundings => &self.safer_surroundings,
            Section::ReasonsForLiving => &self.reasons_for_living,
        }
    }

    fn items_mut(&mut self, section: Section) -> &mut Vec<String> {
        match section {
            Section::WarningSigns => &mut self.warning_signs,
            Section::CopingAlone => &mut self.coping_alone,
            Section::Distractions => &mut self.distractions,
            Section::PeopleToAsk => &mut self.people_to_ask,
            Section::Professionals => &mut self.professionals,
            Section::SaferSurroundings => &mut self.safer_surroundings,
            Section::ReasonsForLiving => &mut self.reasons_for_living,
        }
    }

    /// Builds a plan from a submitted form: one textarea per [`Section::key`], one item per
    /// line. Lines are trimmed and blank lines dropped. Fields that are not section keys (a CSRF
    /// token, a submit button) are ignored; a section sent twice keeps the lines of both.
    pub fn from_form<'a, I>(fields: I) -> Result<Self, ValidationErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut plan = SafetyPlan::default();
        for (key, value) in fields {
            if let Some(section) = Section::from_key(key) {
                plan.items_mut(section).extend(
                    value
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned),
                );
            }
        }
        plan.validate()?;
        Ok(plan)
    }

    /// Reads a plan sent as JSON (the API, an import): an object whose keys are section keys
    /// and whose values are lists of strings. Missing sections are empty. Unknown keys and
    /// values of the wrong type are refused, each error naming its field. Items are trimmed and
    /// blank ones dropped, as in [`SafetyPlan::from_form`].
    pub fn from_json(value: &serde_json::Value) -> Result<Self, ValidationErrors> {
        let Some(object) = value.as_object() else {
            return Err(ValidationErrors::single(
                "safety_plan",
                "The safety plan must be a JSON object with one list of strings per section.",
            ));
        };
        let mut errors = ValidationErrors::default();
        let mut plan = SafetyPlan::default();
        for (key, value) in object {
            let Some(section) = Section::from_key(key) else {
                errors.push(
                    key.as_str(),
                    format!(
                        "\"{key}\" is not a section of the safety plan. {}",
                        known_keys()
                    ),
                );
                continue;
            };
            let Some(array) = value.as_array() else {
                errors.push(
                    key.as_str(),
                    format!("\"{key}\" must be a list of strings, e.g. [\"first\", \"second\"]."),
                );
                continue;
            };
            for (index, item) in array.iter().enumerate() {
                match item.as_str() {
                    Some(text) if text.trim().is_empty() => {}
                    Some(text) => plan.items_mut(section).push(text.trim().to_owned()),
                    None => errors.push(
                        key.as_str(),
                        format!("Item {} of \"{key}\" must be a string of text.", index + 1),
                    ),
                }
            }
        }
        if let Err(limits) = plan.validate() {
            errors.0.extend(limits.0);
        }
        errors.into_result(plan)
    }

    /// The lines of one section joined for a textarea, one per line.
    pub fn to_text(&self, section: Section) -> String {
        self.items(section).join("\n")
    }

    /// True when no section has any line yet.
    pub fn is_empty(&self) -> bool {
        Section::ALL.iter().all(|s| self.items(*s).is_empty())
    }

    /// Checks the size limits: at most [`MAX_ITEMS_PER_SECTION`] lines per section and
    /// [`MAX_ITEM_CHARS`] characters per line. Each error names the section's key.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        for section in Section::ALL {
            let items = self.items(section);
            if items.len() > MAX_ITEMS_PER_SECTION {
                errors.push(
                    section.key(),
                    format!(
                        "\"{}\" can hold up to {MAX_ITEMS_PER_SECTION} lines; it has {}. \
                         Keep the ones that help most.",
                        section.title(),
                        items.len()
                    ),
                );
            }
            if let Some((index, item)) = items
                .iter()
                .enumerate()
                .find(|(_, item)| item.chars().count() > MAX_ITEM_CHARS)
            {
                errors.push(
                    section.key(),
                    format!(
                        "Each line of \"{}\" can be up to {MAX_ITEM_CHARS} characters; line {} \
                         has {}. Split it into shorter lines.",
                        section.title(),
                        index + 1,
                        item.chars().count()
                    ),
                );
            }
        }
        errors.into_result(())
    }
}

fn known_keys() -> String {
    let keys: Vec<&str> = Section::ALL.iter().map(|s| s.key()).collect();
    format!("Sections are: {}.", keys.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sections_come_in_the_order_of_the_safety_planning_intervention() {
        let keys: Vec<&str> = Section::all().iter().map(|s| s.key()).collect();
        assert_eq!(
            keys,
            [
                "warning_signs",
                "coping_alone",
                "distractions",
                "people_to_ask",
                "professionals",
                "safer_surroundings",
                "reasons_for_living"
            ]
        );
        let mut sorted = Section::ALL;
        sorted.sort();
        assert_eq!(sorted, Section::ALL, "Ord follows the plan's order");
        for section in Section::ALL {
            assert_eq!(Section::from_key(section.key()), Some(section));
            assert!(!section.title().is_empty());
            assert!(section.prompt().ends_with('?') || section.prompt().ends_with('.'));
            assert!(!section.example().is_empty());
            assert!(section.example().chars().count() <= MAX_ITEM_CHARS);
        }
        assert_eq!(Section::from_key("Warning_Signs"), None);
    }

    #[test]
    fn section_keys_are_the_json_keys() {
        let value = serde_json::to_value(SafetyPlan::default()).unwrap();
        let object = value.as_object().unwrap();
        let keys: Vec<&str> = object.keys().map(String::as_str).collect();
        for section in Section::ALL {
            assert!(keys.contains(&section.key()), "{}", section.key());
            assert_eq!(
                serde_json::to_value(section).unwrap(),
                json!(section.key()),
                "the enum serialises to its key"
            );
        }
        assert_eq!(keys.len(), 7);
    }

    #[test]
    fn a_form_gives_one_item_per_non_blank_trimmed_line() {
        let plan = SafetyPlan::from_form([
            (
                "warning_signs",
                "  Not sleeping \r\n\r\n\nSkipping meals  \n",
            ),
            ("people_to_ask", "Niamh – 087 123 4567"),
            ("csrf_token", "ignored"),
            ("reasons_for_living", "   \n  "),
        ])
        .unwrap();
        assert_eq!(plan.warning_signs, ["Not sleeping", "Skipping meals"]);
        assert_eq!(plan.people_to_ask, ["Niamh – 087 123 4567"]);
        assert!(plan.reasons_for_living.is_empty());
        assert!(plan.coping_alone.is_empty());
        assert!(!plan.is_empty());
        assert_eq!(
            plan.to_text(Section::WarningSigns),
            "Not sleeping\nSkipping meals"
        );
        assert_eq!(plan.to_text(Section::Distractions), "");
    }

    #[test]
    fn text_and_form_round_trip() {
        let plan = SafetyPlan::from_form([
            ("coping_alone", "Walk\nShower\nMusic"),
            ("professionals", "GP 01 234 5678"),
        ])
        .unwrap();
        let fields: Vec<(&str, String)> = Section::ALL
            .iter()
            .map(|s| (s.key(), plan.to_text(*s)))
            .collect();
        let again = SafetyPlan::from_form(fields.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(again, plan);
    }

    #[test]
    fn an_empty_form_is_an_empty_plan_not_an_error() {
        let plan = SafetyPlan::from_form(std::iter::empty()).unwrap();
        assert!(plan.is_empty());
        assert_eq!(plan, SafetyPlan::default());
    }

    #[test]
    fn too_many_lines_are_refused_naming_the_section_and_the_limit() {
        let many: String = (1..=21).map(|i| format!("item {i}\n")).collect();
        let errors = SafetyPlan::from_form([("coping_alone", many.as_str())]).unwrap_err();
        assert_eq!(errors.0.len(), 1);
        let message = errors.message_for("coping_alone").unwrap();
        assert!(message.contains("up to 20 lines"), "{message}");
        assert!(message.contains("it has 21"), "{message}");

        let twenty: String = (1..=20).map(|i| format!("item {i}\n")).collect();
        assert!(SafetyPlan::from_form([("coping_alone", twenty.as_str())]).is_ok());
    }

    #[test]
    fn long_lines_are_refused_counting_characters_not_bytes() {
        let ok = "é".repeat(300);
        assert!(SafetyPlan::from_form([("distractions", ok.as_str())]).is_ok());
        let long = format!("fine\n{}", "a".repeat(301));
        let errors = SafetyPlan::from_form([("distractions", long.as_str())]).unwrap_err();
        let message = errors.message_for("distractions").unwrap();
        assert!(message.contains("up to 300 characters"), "{message}");
        assert!(message.contains("line 2 has 301"), "{message}");
    }

    #[test]
    fn every_section_over_its_limits_gets_its_own_error() {
        let long = "x".repeat(301);
        let many = "a\n".repeat(25);
        let errors = SafetyPlan::from_form([
            ("warning_signs", long.as_str()),
            ("reasons_for_living", many.as_str()),
        ])
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["warning_signs", "reasons_for_living"]);
    }

    #[test]
    fn json_round_trips_through_serde_and_from_json() {
        let plan = SafetyPlan {
            warning_signs: vec!["Not sleeping".into()],
            reasons_for_living: vec!["My dog".into(), "Spring".into()],
            ..SafetyPlan::default()
        };
        let value = serde_json::to_value(&plan).unwrap();
        assert_eq!(value["warning_signs"], json!(["Not sleeping"]));
        assert_eq!(value["coping_alone"], json!([]));
        assert_eq!(SafetyPlan::from_json(&value).unwrap(), plan);
        let parsed: SafetyPlan = serde_json::from_value(value).unwrap();
        assert_eq!(parsed, plan);
    }

    #[test]
    fn from_json_accepts_missing_sections_and_tidies_items() {
        let plan = SafetyPlan::from_json(&json!({"people_to_ask": ["  Mum  ", "", "  "]})).unwrap();
        assert_eq!(plan.people_to_ask, ["Mum"]);
        assert!(SafetyPlan::from_json(&json!({})).unwrap().is_empty());
    }

    #[test]
    fn from_json_names_unknown_keys_and_wrong_types() {
        let errors = SafetyPlan::from_json(&json!({
            "warning_sign": ["typo"],
            "coping_alone": "walk",
            "distractions": ["cafe", 3, null],
            "professionals": ["GP"],
        }))
        .unwrap_err();
        // Sorted: serde_json's map order depends on its `preserve_order` feature.
        let mut fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "coping_alone",
                "distractions",
                "distractions",
                "warning_sign"
            ]
        );
        assert!(
            errors
                .message_for("warning_sign")
                .unwrap()
                .contains("warning_signs"),
            "the message lists the real keys"
        );
        assert!(errors.message_for("coping_alone").unwrap().contains("list"));
        let about_distractions: Vec<&str> = errors
            .0
            .iter()
            .filter(|e| e.field == "distractions")
            .map(|e| e.message.as_str())
            .collect();
        assert!(
            about_distractions[0].contains("Item 2"),
            "{about_distractions:?}"
        );
        assert!(
            about_distractions[1].contains("Item 3"),
            "{about_distractions:?}"
        );
    }

    #[test]
    fn from_json_refuses_anything_but_an_object_and_checks_limits() {
        let errors = SafetyPlan::from_json(&json!(["warning_signs"])).unwrap_err();
        assert_eq!(errors.0[0].field, "safety_plan");

        let many: Vec<String> = (0..21).map(|i| i.to_string()).collect();
        let errors = SafetyPlan::from_json(&json!({ "safer_surroundings": many })).unwrap_err();
        assert!(
            errors
                .message_for("safer_surroundings")
                .unwrap()
                .contains("up to 20 lines")
        );
    }

    #[test]
    fn serde_refuses_unknown_keys_too() {
        let parsed: Result<SafetyPlan, _> = serde_json::from_value(json!({"extra": []}));
        assert!(parsed.is_err());
    }
}
