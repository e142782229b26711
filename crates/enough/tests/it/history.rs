//! The history as a month calendar: each logged day shows its mood as a number (with words for
//! screen readers), a list of the month's days beneath, paged by month; unlogged days are blank.

use crate::common::{get, on_every_backend, signed_in_browser};
use chrono::{Datelike, Days, Months};
use enough_domain::account::Role;
use enough_domain::day::DayText;

#[tokio::test]
async fn the_history_is_a_month_calendar_with_the_mood_as_a_number() {
    on_every_backend("history_calendar", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let today = server.app.today(&ana);
        let first = today.with_day(1).unwrap();
        let last_month = first.checked_sub_months(Months::new(1)).unwrap();
        for (date, mood, note) in [
            (today, "7", "A walk by the river"),
            (last_month + Days::new(2), "3", "Rainy and slow"),
        ] {
            let text = DayText {
                mood: mood.into(),
                note: note.into(),
                ..DayText::default()
            };
            let (fields, errors) = text.to_fields();
            server
                .app
                .log_day(&ana, date, fields, errors)
                .await
                .unwrap();
        }
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (status, page) = get(&client, &format!("{}/history", server.url)).await;
        assert_eq!(status, 200);
        let month = today.format("%B %Y").to_string();
        assert!(
            page.contains(&format!("<caption>{month}")),
            "this month's calendar"
        );
        assert!(
            page.contains(&format!(
                "<span class=\"visually-hidden\">{}: mood 7 of 10</span>",
                today.format("%A %-d %B")
            )),
            "the day says its mood in words"
        );
        assert!(
            page.contains("<span class=\"cal-mood\" aria-hidden=\"true\">7</span>"),
            "and as a number"
        );
        assert!(
            page.contains(&format!("href=\"/days/{today}\"")),
            "a tap opens the day"
        );
        assert!(page.contains("A walk by the river"), "the list beneath");
        assert!(!page.contains("Rainy and slow"), "only this month's days");
        assert!(
            !page.to_lowercase().contains("missed"),
            "nothing is called missed"
        );
        assert!(
            !page.contains("rel=\"next\""),
            "no month after this one to page to"
        );
        let key = last_month.format("%Y-%m").to_string();
        assert!(page.contains(&format!("/history?month={key}")));

        let (status, earlier) = get(&client, &format!("{}/history?month={key}", server.url)).await;
        assert_eq!(status, 200);
        assert!(earlier.contains("Rainy and slow"));
        assert!(earlier.contains("<span class=\"cal-mood\" aria-hidden=\"true\">3</span>"));
        assert!(earlier.contains("rel=\"next\""), "back to this month");

        // A month in the future shows this month; nonsense shows this month too.
        for odd in ["2999-01", "not-a-month", "2026-13"] {
            let (status, page) = get(&client, &format!("{}/history?month={odd}", server.url)).await;
            assert_eq!(status, 200, "{odd}");
            assert!(page.contains(&format!("<caption>{month}")), "{odd}");
        }
        // A day saved in an earlier month brings that month up.
        let (_, saved) = get(
            &client,
            &format!("{}/history?saved={}", server.url, last_month + Days::new(2)),
        )
        .await;
        assert!(saved.contains("Rainy and slow") && saved.contains("Saved "));
    })
    .await;
}
