//! Bringing back one's own JSON export is all or nothing: a bad or conflicting last row leaves
//! the database exactly as it was.

use crate::common::on_every_backend;
use enough_domain::account::Role;
use serde_json::{Value, json};

/// An export of a person with a week of days, a reflection and a running programme, as JSON.
async fn an_export(server: &crate::common::TestServer) -> Value {
    let bob = server.add_user("bob@example.org", Role::Person).await;
    let today = server.app.today(&bob);
    for back in 1..=7u64 {
        let day = enough_domain::day::DayText {
            mood: "6".into(),
            note: format!("Day {back}"),
            ..Default::default()
        };
        let (fields, errors) = day.to_fields();
        server
            .app
            .log_day(&bob, today - chrono::Days::new(back), fields, errors)
            .await
            .unwrap();
    }
    server
        .app
        .save_reflection(&bob, &today.to_string(), "Walks help.")
        .await
        .unwrap();
    server
        .app
        .start_programme(&bob, "winter-light")
        .await
        .unwrap();
    serde_json::to_value(server.app.export(&bob).await.unwrap()).unwrap()
}

fn parse(export: &Value) -> enough_app::Export {
    serde_json::from_value(export.clone()).unwrap()
}

#[tokio::test]
async fn a_json_import_whose_last_row_is_bad_changes_nothing() {
    on_every_backend(
        "a_json_import_whose_last_row_is_bad_changes_nothing",
        |server, _| async move {
            let export = an_export(&server).await;
            let ana = server.add_user("ana@example.org", Role::Person).await;
            // Ana already runs the programme the export carries (started on another day), and has
            // a day of her own.
            server
                .app
                .start_programme(&ana, "winter-light")
                .await
                .unwrap();
            let (fields, errors) = enough_domain::day::DayText {
                mood: "3".into(),
                ..Default::default()
            }
            .to_fields();
            let today = server.app.today(&ana);
            server
                .app
                .log_day(&ana, today, fields, errors)
                .await
                .unwrap();
            let before = server.store.export_all().await.unwrap();

            // A last day that is not a date: refused, naming it, before anything is written.
            let mut bad_day = export.clone();
            let days = bad_day["days"].as_array_mut().unwrap();
            let last = days.len();
            let mut wrong = days[0].clone();
            wrong["date"] = json!("2026-02-30");
            days.push(wrong);
            let err = server
                .app
                .import_own_export(&ana, &parse(&bad_day))
                .await
                .unwrap_err()
                .to_string();
            assert!(err.contains(&format!("days[{last}]")), "{err}");
            assert_eq!(
                server.store.export_all().await.unwrap(),
                before,
                "nothing written"
            );

            // A last row the database refuses (the programme is already running, from another
            // start): every row written before it is undone too.
            let mut conflicting = export.clone();
            let runs = conflicting["programme_runs"].as_array_mut().unwrap();
            assert_eq!(runs.len(), 1);
            runs[0]["started"] = json!("2020-01-01");
            server
                .app
                .import_own_export(&ana, &parse(&conflicting))
                .await
                .unwrap_err();
            let after = server.store.export_all().await.unwrap();
            assert_eq!(after.summary(), before.summary(), "every table unchanged");
            assert_eq!(after, before, "every row unchanged");

            // The same export without the conflicting run comes in whole.
            let mut fine = export.clone();
            fine["programme_runs"] = json!([]);
            let (summary, _) = server
                .app
                .import_own_export(&ana, &parse(&fine))
                .await
                .unwrap();
            assert_eq!(summary.days, 7);
            assert_eq!(summary.reflections, 1);
        },
    )
    .await;
}
