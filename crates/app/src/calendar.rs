//! The person's secret calendar feed: a daily reminder to log and the days homework is due,
//! fetched by their calendar app with a revocable token (only its SHA-256 is stored).
//!
//! What goes into the feed: titles only ("Log your day in enough", "Homework: Thought record").
//! The therapist's note is never included, because calendar apps usually sync feeds through a
//! third-party service, and a note can say more about a person than its title.

use crate::secrets::{random_token, token_hash};
use crate::{App, AppError, AppResult, Me};
use chrono::{DateTime, Days};
use enough_domain::homework::{Kind, Schedule, windows};
use enough_domain::ical::{Calendar, Event, Start, parse_reminder_time, write};
use enough_store::CalendarFeed;

/// How far ahead homework appears in the feed, in days.
pub const FEED_DAYS_AHEAD: u64 = 60;

impl App {
    /// Creates (or replaces, revoking the old URL) the person's feed with a daily reminder at
    /// `reminder_time` (`HH:MM`). Returns the secret token for the URL, shown once.
    pub async fn create_calendar_feed(
        &self,
        person: &Me,
        reminder_time: &str,
    ) -> AppResult<String> {
        let time = parse_reminder_time(reminder_time)?;
        let token = random_token();
        self.store
            .set_calendar_feed(&CalendarFeed {
                user_id: person.id,
                token_hash: token_hash(&token),
                reminder_time: time.format("%H:%M").to_string(),
                created_at: self.now().timestamp(),
            })
            .await?;
        Ok(token)
    }

    /// The person's feed, if they made one (the token itself is not kept).
    pub async fn calendar_feed(&self, person: &Me) -> AppResult<Option<CalendarFeed>> {
        Ok(self.store.calendar_feed(person.id).await?)
    }

    /// Revokes the feed: its URL stops working at once.
    pub async fn revoke_calendar_feed(&self, person: &Me) -> AppResult<()> {
        if self.store.delete_calendar_feed(person.id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("calendar feed"))
        }
    }

    /// The iCalendar text for a feed token; `NotFound` for an unknown or revoked token.
    pub async fn calendar_ics(&self, token: &str) -> AppResult<String> {
        let (feed, person) = self
            .store
            .calendar_feed_by_token(&token_hash(token))
            .await?
            .ok_or(AppError::NotFound("calendar feed"))?;
        let time = parse_reminder_time(&feed.reminder_time)
            .map_err(|e| AppError::Internal(format!("calendar feed reminder time: {e}")))?;
        let first_day = DateTime::from_timestamp(feed.created_at, 0)
            .map(|t| t.date_naive())
            .unwrap_or_else(|| self.today(&person));
        let mut events = vec![Event {
            uid: format!("log-reminder-{}-{}@enough", person.id, feed.created_at),
            start: Start::Floating(first_day.and_time(time)),
            summary: "Log your day in enough".to_owned(),
            description: Some("About 20 seconds. Rough numbers are fine.".to_owned()),
            rrule: Some("FREQ=DAILY".to_owned()),
            alarm: Some("Log your day in enough".to_owned()),
        }];
        let today = self.today(&person);
        let horizon = today
            .checked_add_days(Days::new(FEED_DAYS_AHEAD))
            .unwrap_or(today);
        for h in self.store.homework_of_person(person.id).await? {
            if h.cancelled_at.is_some() {
                continue;
            }
            let Some(kind) = Kind::parse(&h.kind) else {
                continue;
            };
            let schedule = Schedule {
                start: h.start_date,
                end: h.end_date,
                every_days: h.every_days,
            };
            // The daily reminder already covers each day of log homework: show its last day.
            let due_dates: Vec<_> = if kind == Kind::Log {
                vec![h.end_date]
            } else {
                windows(&kind, &schedule).into_iter().map(|w| w.1).collect()
            };
            for due in due_dates
                .into_iter()
                .filter(|d| *d >= today && *d <= horizon)
            {
                let summary = if kind == Kind::Log {
                    format!("Homework: {} (last day)", kind.title())
                } else {
                    format!("Homework: {}", kind.title())
                };
                events.push(Event {
                    uid: format!("homework-{}-{}@enough", h.id, due.format("%Y%m%d")),
                    start: Start::AllDay(due),
                    summary,
                    description: None,
                    rrule: None,
                    alarm: None,
                });
            }
        }
        Ok(write(&Calendar {
            name: "enough".to_owned(),
            stamp: self.now(),
            events,
        }))
    }
}
