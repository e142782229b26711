//! The CSV (zip) and FHIR exports hold what the person entered, in open formats.

use crate::common::{on_every_backend, signed_in_browser};
use enough_domain::account::Role;
use serde_json::Value;
use std::io::Read;

#[tokio::test]
async fn the_csv_zip_and_the_fhir_bundle_hold_the_person_s_data() {
    on_every_backend("exports", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let today = server.app.today(&ana);
        let day = enough_domain::day::DayText {
            daylight_hours: "1.5".into(),
            energy: "4".into(),
            mood: "7".into(),
            outside_morning: "yes".into(),
            habits: vec!["got_outside".into()],
            note: "Cold, bright, \"good enough\" walk, then tea".into(),
        };
        let (fields, errors) = day.to_fields();
        server
            .app
            .log_day(&ana, today, fields, errors)
            .await
            .unwrap();
        let yesterday = today.pred_opt().unwrap();
        let only_mood = enough_domain::day::DayText {
            mood: "3".into(),
            ..Default::default()
        };
        let (fields, errors) = only_mood.to_fields();
        server
            .app
            .log_day(&ana, yesterday, fields, errors)
            .await
            .unwrap();
        let plan = enough_domain::safety::plan::SafetyPlan::from_form([(
            "reasons_for_living",
            "My dog Bran",
        )])
        .unwrap();
        server.app.save_safety_plan(&ana, &plan).await.unwrap();

        let client = signed_in_browser(&server, "ana@example.org").await;
        let response = client
            .get(format!("{}/export.zip", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/zip");
        let bytes = response.bytes().await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        names.sort();
        for expected in [
            "README.txt",
            "days.csv",
            "exercises.csv",
            "questionnaire_responses.csv",
            "safety_plan.csv",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} in {names:?}"
            );
        }
        let mut days = String::new();
        zip.by_name("days.csv")
            .unwrap()
            .read_to_string(&mut days)
            .unwrap();
        let mut reader = csv::Reader::from_reader(days.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        let partial = rows
            .iter()
            .find(|r| r[0] == yesterday.to_string())
            .expect("the partial day");
        assert_eq!(
            (&partial[1], &partial[2], &partial[3], &partial[4]),
            ("", "", "3", ""),
            "missing values are empty cells"
        );
        let rows: Vec<csv::StringRecord> = rows
            .into_iter()
            .filter(|r| r[0] == today.to_string())
            .collect();
        assert_eq!(&rows[0][0], today.to_string());
        assert_eq!(&rows[0][1], "1.5");
        assert_eq!(&rows[0][3], "7");
        assert_eq!(&rows[0][5], "true", "got_outside");
        assert_eq!(
            &rows[0][10], "Cold, bright, \"good enough\" walk, then tea",
            "quotes and commas survive"
        );
        let mut plan_csv = String::new();
        zip.by_name("safety_plan.csv")
            .unwrap()
            .read_to_string(&mut plan_csv)
            .unwrap();
        assert!(plan_csv.contains("reasons_for_living,My dog Bran"));

        let response = client
            .get(format!("{}/export.fhir.json", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-type"], "application/fhir+json");
        let bundle: Value = response.json().await.unwrap();
        assert_eq!(bundle["resourceType"], "Bundle");
        let entries = bundle["entry"].as_array().unwrap();
        let mood = entries
            .iter()
            .map(|e| &e["resource"])
            .find(|r| {
                r["code"]["coding"][0]["code"] == "mood"
                    && r["effectiveDateTime"] == today.to_string()
            })
            .expect("a mood Observation");
        assert_eq!(mood["valueInteger"], 7);
        assert_eq!(mood["effectiveDateTime"], today.to_string());
        assert_eq!(mood["subject"]["reference"], format!("Patient/{}", ana.id));
        let of_yesterday: Vec<&Value> = entries
            .iter()
            .map(|e| &e["resource"])
            .filter(|r| r["effectiveDateTime"] == yesterday.to_string())
            .collect();
        assert_eq!(of_yesterday.len(), 1, "no Observation for a missing value");
        assert_eq!(of_yesterday[0]["valueInteger"], 3);
    })
    .await;
}

#[tokio::test]
async fn an_upload_is_previewed_then_written_once() {
    on_every_backend("web_import", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, form) = crate::common::get(&client, &format!("{}/import", server.url)).await;
        let csrf = crate::common::csrf_in(&form);
        let csv =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/clean.csv")).unwrap();
        let broken = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../domain/tests-data/import/generic.csv"
        ))
        .unwrap();
        let upload = |csv: Vec<u8>| {
            reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .text("format", "csv")
                .text("rule", "keep-mine")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(csv).file_name("days.csv"),
                )
        };
        let preview = client
            .post(format!("{}/import/preview", server.url))
            .multipart(upload(csv.clone()))
            .send()
            .await
            .unwrap();
        assert_eq!(preview.status(), 200);
        let page = preview.text().await.unwrap();
        assert!(page.contains("<strong>2</strong> new days"), "{page}");
        assert!(
            page.contains("What each day brings"),
            "per day: what was taken"
        );
        // A file with bad rows: each named by line, and no way to import half of it.
        let refused = client
            .post(format!("{}/import/preview", server.url))
            .multipart(upload(broken))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(refused.contains("line 5"), "problems named by line");
        assert!(refused.contains("Nothing will be imported"));
        assert!(!refused.contains("name=\"staged\""));
        let ana = server.app.me_at_shell("ana@example.org").await.unwrap();
        assert!(
            server.app.days(&ana, None, None).await.unwrap().is_empty(),
            "a preview writes nothing"
        );
        let marker = "name=\"staged\" value=\"";
        let start = page.find(marker).unwrap() + marker.len();
        let staged = page[start..start + page[start..].find('"').unwrap()]
            .replace("&quot;", "\"")
            .replace("&#34;", "\"");
        let applied = client
            .post(format!("{}/import/apply", server.url))
            .form(&[("csrf", csrf.as_str()), ("staged", staged.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(applied.status(), 303);
        assert_eq!(server.app.days(&ana, None, None).await.unwrap().len(), 2);

        // The same file again: nothing to write.
        let again = client
            .post(format!("{}/import/preview", server.url))
            .multipart(upload(csv))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(again.contains("Nothing to write"), "{again}");

        // No file: a clear message, nothing written.
        let none = client
            .post(format!("{}/import/preview", server.url))
            .multipart(
                reqwest::multipart::Form::new()
                    .text("csrf", csrf.clone())
                    .text("format", "csv"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(none.status(), 422);
        assert!(none.text().await.unwrap().contains("Choose the file"));
    })
    .await;
}

/// The export without what a new account necessarily changes (when it was made and when the
/// account and its exercises were created).
fn comparable(mut export: Value) -> Value {
    export["exported_at"] = Value::Null;
    export["account"]["created_at"] = Value::Null;
    if let Some(list) = export["exercises"].as_array_mut() {
        for e in list {
            e["created_at"] = Value::Null;
            e["updated_at"] = Value::Null;
        }
    }
    export
}

#[tokio::test]
async fn export_delete_new_account_import_gives_identical_data() {
    on_every_backend("own_round_trip", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let today = server.app.today(&ana);
        for (back, mood) in [(0u64, "7"), (1, "5"), (2, "6")] {
            let day = enough_domain::day::DayText {
                daylight_hours: "1.25".into(),
                energy: "5".into(),
                mood: mood.into(),
                outside_morning: "yes".into(),
                habits: vec!["social_contact".into()],
                note: format!("Day {back}, with a comma, and \"quotes\""),
            };
            let (fields, errors) = day.to_fields();
            server.app.log_day(&ana, today - chrono::Days::new(back), fields, errors).await.unwrap();
        }
        // Partial days: each missing value must come back missing, never 0 or false.
        for (back, text) in [
            (3u64, enough_domain::day::DayText { mood: "4".into(), ..Default::default() }),
            (4, enough_domain::day::DayText { daylight_hours: "0".into(), ..Default::default() }),
            (5, enough_domain::day::DayText { note: "Only a note".into(), ..Default::default() }),
            (6, enough_domain::day::DayText { outside_morning: "no".into(), energy: "2".into(), ..Default::default() }),
        ] {
            let (fields, errors) = text.to_fields();
            server.app.log_day(&ana, today - chrono::Days::new(back), fields, errors).await.unwrap();
        }
        server.app.save_reflection(&ana, &today.to_string(), "Mornings outside help a bit.").await.unwrap();
        let def = enough_domain::toolkit::catalogue().exercise("defusion").unwrap();
        let answers = enough_domain::toolkit::Answers::from_json(def, &serde_json::json!({
            "thought": "I am a failure", "believability-before": 80, "rewrite": "I notice I'm having the thought that I am a failure", "believability-after": 40
        }));
        {
            let answers = answers.unwrap();
            server
                .app
                .save_exercise(&ana, None, enough_app::ExerciseSubmission {
                    kind: "defusion".into(),
                    date: today.to_string(),
                    status: "draft".into(),
                    answers,
                })
                .await
                .unwrap();
        }
        let plan = enough_domain::safety::plan::SafetyPlan::from_form([("people_to_ask", "My sister")]).unwrap();
        server.app.save_safety_plan(&ana, &plan).await.unwrap();
        server.app.start_programme(&ana, "winter-light").await.unwrap();
        let before = server.app.export(&ana).await.unwrap();
        let before_json = serde_json::to_value(&before).unwrap();
        assert_eq!(before.days.len(), 7);
        let exported = |back: u64| {
            let date = (today - chrono::Days::new(back)).to_string();
            before_json["days"].as_array().unwrap().iter().find(|d| d["date"] == date.as_str()).unwrap().clone()
        };
        assert_eq!(exported(3)["energy"], Value::Null, "missing is null in JSON");
        assert_eq!(exported(4)["daylight_hours"], 0.0, "zero stays zero");
        assert_eq!(exported(4)["mood"], Value::Null);
        assert_eq!(before.exercises.len(), 1);
        assert_eq!(before.programme_runs.len(), 1);
        assert!(before.safety_plan.is_some());

        // Leave, come back with a new account, bring the export.
        server.app.delete_account(&ana, crate::common::PASSWORD).await.unwrap();
        let again = server.add_user("ana@example.org", Role::Person).await;
        let text = serde_json::to_string(&before_json).unwrap();
        let parsed: enough_app::Export = serde_json::from_str(&text).unwrap();
        let (summary, _) = server.app.import_own_export(&again, &parsed).await.unwrap();
        assert_eq!(summary.days, 7);
        let after = serde_json::to_value(server.app.export(&again).await.unwrap()).unwrap();
        assert_eq!(comparable(after.clone()), comparable(before_json.clone()), "identical data");

        // Importing it again changes nothing.
        let (second, _) = server.app.import_own_export(&again, &parsed).await.unwrap();
        assert_eq!((second.exercises, second.responses, second.activities, second.programmes), (0, 0, 0, 0));
        let after_again = serde_json::to_value(server.app.export(&again).await.unwrap()).unwrap();
        assert_eq!(comparable(after_again), comparable(after));
    })
    .await;
}

#[tokio::test]
async fn a_daylio_upload_ticks_habits_through_the_persons_own_activity_mapping() {
    on_every_backend("web_import_daylio_activities", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, form) = crate::common::get(&client, &format!("{}/import", server.url)).await;
        assert!(
            form.contains("Which Daylio activities tick which habit"),
            "{form}"
        );
        assert!(
            form.contains("social_contact: friends, family, party, date"),
            "the defaults are shown to edit: {form}"
        );
        let csrf = crate::common::csrf_in(&form);
        let csv = "full_date,date,weekday,time,mood,activities,note_title,note\n\
                   2024-02-03,February 3,Saturday,19:00,good,yoga | piano | friends,,\n\
                   2024-02-02,February 2,Friday,18:00,meh,piano,,\n\
                   2024-02-01,February 1,Thursday,08:00,rad,yoga,,Morning class\n";
        let upload = |activities: &str| {
            reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .text("format", "daylio")
                .text("rule", "keep-mine")
                .text("moods", "")
                .text("activities", activities.to_owned())
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                        .file_name("daylio_export.csv"),
                )
        };
        let ana = server.app.me_at_shell("ana@example.org").await.unwrap();

        // A mapping that names no habit is refused by field, and nothing is read or written.
        let refused = client
            .post(format!("{}/import/preview", server.url))
            .multipart(upload("moved_my_body: yoga\nsleep_well: nap"))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 422);
        let refused = refused.text().await.unwrap();
        assert!(refused.contains("is not a habit"), "{refused}");
        assert!(
            refused.contains("sleep_well: nap"),
            "the person's text is kept to correct: {refused}"
        );

        let preview = client
            .post(format!("{}/import/preview", server.url))
            .multipart(upload("moved_my_body: yoga\nsocial_contact: friends"))
            .send()
            .await
            .unwrap();
        assert_eq!(preview.status(), 200);
        let page = preview.text().await.unwrap();
        assert!(
            page.contains("Not matched to a habit: piano (2)"),
            "unknown activities are listed by name with their entries: {page}"
        );
        assert!(page.contains("Moved my body, Social contact"), "{page}");
        let marker = "name=\"staged\" value=\"";
        let start = page.find(marker).unwrap() + marker.len();
        let staged = page[start..start + page[start..].find('"').unwrap()]
            .replace("&quot;", "\"")
            .replace("&#34;", "\"");
        let applied = client
            .post(format!("{}/import/apply", server.url))
            .form(&[("csrf", csrf.as_str()), ("staged", staged.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(applied.status(), 303);
        let days = server.app.days(&ana, None, None).await.unwrap();
        assert_eq!(days.len(), 3, "{days:?}");
        let on = |date: &str| {
            days.iter()
                .find(|d| d.date.to_string() == date)
                .unwrap_or_else(|| panic!("no {date} in {days:?}"))
                .habits
        };
        let sat = on("2024-02-03");
        assert!(sat.moved_my_body && sat.social_contact, "{sat:?}");
        assert!(!sat.joyful_activity, "piano was not guessed: {sat:?}");
        assert!(on("2024-02-01").moved_my_body, "yoga, mapped by the person");
        assert_eq!(on("2024-02-02").to_bits(), 0, "piano alone ticks nothing");
    })
    .await;
}
