//! When to look for morning light: a window per day from the sun times at the person's place,
//! in their own time zone.
//!
//! The rule, in order:
//! 1. A normal day: from sunrise, but not before 06:30 ([`EARLIEST_START`]; nobody needs to
//!    be up at four in June), until two hours after sunrise ([`WINDOW_MINUTES`]); when the sun
//!    is up long before 06:30, the window is still at least an hour ([`MIN_WINDOW_MINUTES`]).
//!    The window ends by noon ([`LATEST_END`]): after that it is no longer morning light.
//! 2. A late sunrise, where the window would be shorter than an hour before noon (Reykjavík in
//!    December): the brightest hour instead, centred on solar noon.
//! 3. Polar night (no sunrise): said plainly, with the brightest hour around solar noon, when
//!    the sky outdoors is still far brighter than indoor light.
//! 4. Polar day (no sunset): 06:30 to 08:30; any time outside counts.
//!
//! Times are wall-clock times in the person's time zone. Sun times come from
//! [`crate::solar::sun_times`] for the local date: its solar day is centred on the local solar
//! noon of that date wherever the zone's offset roughly follows the longitude, so a Melbourne
//! sunrise that falls on the previous UTC date still belongs to the right local morning.

use crate::solar::{DayKind, sun_times};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// The earliest suggested start.
pub const EARLIEST_START: NaiveTime = match NaiveTime::from_hms_opt(6, 30, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};
/// The window ends by noon at the latest.
pub const LATEST_END: NaiveTime = match NaiveTime::from_hms_opt(12, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};
/// The window lasts until this many minutes after sunrise.
pub const WINDOW_MINUTES: i64 = 120;
/// The shortest window offered in the morning; shorter, and the hour around noon is offered.
pub const MIN_WINDOW_MINUTES: i64 = 60;
/// Most days [`morning_light_range`] returns.
pub const MAX_RANGE_DAYS: usize = 400;

/// Which part of the rule gave the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    /// The morning after sunrise (rule 1).
    Morning,
    /// The sun rises late: the hour around solar noon (rule 2).
    LateSunrise,
    /// The sun does not rise: the hour around solar noon (rule 3).
    PolarNight,
    /// The sun does not set: an ordinary morning (rule 4).
    PolarDay,
}

/// The suggested morning-light window for one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MorningLight {
    /// The person's local date.
    pub date: NaiveDate,
    /// Which part of the rule applied.
    pub kind: WindowKind,
    /// Local sunrise, when the sun rises.
    pub sunrise: Option<NaiveTime>,
    /// Local solar noon.
    pub solar_noon: NaiveTime,
    /// Suggested start (local).
    pub start: NaiveTime,
    /// Suggested end (local).
    pub end: NaiveTime,
    /// One plain sentence for the day.
    pub sentence: String,
}

fn local(t: DateTime<Utc>, tz: Tz) -> NaiveTime {
    // Rounded to the nearest minute: minutes are precise enough for a walk outside, and
    // rounding (not cutting) keeps the times from running early.
    crate::solar::nearest_minute(t).with_timezone(&tz).time()
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// The hour centred on `noon`, kept within the day.
fn around(noon: NaiveTime) -> (NaiveTime, NaiveTime) {
    let half = TimeDelta::minutes(MIN_WINDOW_MINUTES / 2);
    let start = if noon < NaiveTime::MIN + half {
        NaiveTime::MIN
    } else {
        noon - half
    };
    (start, start + TimeDelta::minutes(MIN_WINDOW_MINUTES))
}

/// The morning-light window on `date` at `latitude`/`longitude` (degrees, north and east
/// positive) for someone living in `tz`, by the rule in the module documentation.
pub fn morning_light(date: NaiveDate, latitude: f64, longitude: f64, tz: Tz) -> MorningLight {
    let sun = sun_times(date, latitude, longitude);
    let solar_noon = local(sun.solar_noon, tz);
    let noon_window = |kind: WindowKind, sunrise: Option<NaiveTime>| {
        let (start, end) = around(solar_noon);
        let sentence = match kind {
            WindowKind::PolarNight => format!(
                "The sun does not rise here today. The brightest hour is around solar noon, {} to {}; \
                 the sky outdoors then is still far brighter than indoor light.",
                hhmm(start),
                hhmm(end)
            ),
            _ => format!(
                "The sun rises late today, at {}. The brightest hour is around solar noon, {} to {}.",
                sunrise.map(hhmm).unwrap_or_default(),
                hhmm(start),
                hhmm(end)
            ),
        };
        MorningLight {
            date,
            kind,
            sunrise,
            solar_noon,
            start,
            end,
            sentence,
        }
    };
    match (sun.kind, sun.sunrise) {
        (DayKind::Normal, Some(rise_utc)) => {
            let sunrise = local(rise_utc, tz);
            let start = sunrise.max(EARLIEST_START);
            let after_sunrise = sunrise.overflowing_add_signed(TimeDelta::minutes(WINDOW_MINUTES));
            // Past midnight only when sunrise is after 22:00, which no window can use.
            let after_sunrise = if after_sunrise.1 != 0 {
                NaiveTime::MIN
            } else {
                after_sunrise.0
            };
            let at_least = start
                .overflowing_add_signed(TimeDelta::minutes(MIN_WINDOW_MINUTES))
                .0;
            let end = after_sunrise.max(at_least).min(LATEST_END);
            if start >= LATEST_END || end - start < TimeDelta::minutes(MIN_WINDOW_MINUTES) {
                return noon_window(WindowKind::LateSunrise, Some(sunrise));
            }
            let sentence = if sunrise < start {
                format!(
                    "The sun is up from {}. A good window for morning light: {} to {}.",
                    hhmm(sunrise),
                    hhmm(start),
                    hhmm(end)
                )
            } else {
                format!(
                    "Sunrise is at {}. A good window for morning light: {} to {}.",
                    hhmm(sunrise),
                    hhmm(start),
                    hhmm(end)
                )
            };
            MorningLight {
                date,
                kind: WindowKind::Morning,
                sunrise: Some(sunrise),
                solar_noon,
                start,
                end,
                sentence,
            }
        }
        (DayKind::PolarDay, _) => {
            let end = EARLIEST_START + TimeDelta::minutes(WINDOW_MINUTES);
            MorningLight {
                date,
                kind: WindowKind::PolarDay,
                sunrise: None,
                solar_noon,
                start: EARLIEST_START,
                end,
                sentence: format!(
                    "The sun does not set here today, so any time outside counts; {} to {} is a good start.",
                    hhmm(EARLIEST_START),
                    hhmm(end)
                ),
            }
        }
        _ => noon_window(WindowKind::PolarNight, None),
    }
}

/// The window for every date from `from` to `to` inclusive, at most [`MAX_RANGE_DAYS`] dates.
pub fn morning_light_range(
    from: NaiveDate,
    to: NaiveDate,
    latitude: f64,
    longitude: f64,
    tz: Tz,
) -> Vec<MorningLight> {
    let mut out = Vec::new();
    let mut date = from;
    while date <= to && out.len() < MAX_RANGE_DAYS {
        out.push(morning_light(date, latitude, longitude, tz));
        match date.checked_add_days(Days::new(1)) {
            Some(next) => date = next,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    fn near(a: NaiveTime, b: &str, minutes: i64) -> bool {
        (a - t(b)).num_minutes().abs() <= minutes
    }

    // Published times from tests-data/daylight_reference.csv (USNO), converted to local time.

    #[test]
    fn stockholm_in_december_starts_at_sunrise() {
        // Sunrise 07:43 UTC = 08:43 CET.
        let m = morning_light(
            d("2026-12-21"),
            59.32938,
            18.06871,
            chrono_tz::Europe::Stockholm,
        );
        assert_eq!(m.kind, WindowKind::Morning);
        let sunrise = m.sunrise.unwrap();
        assert!(near(sunrise, "08:43", 2), "{sunrise}");
        assert_eq!((m.start, m.end), (sunrise, sunrise + TimeDelta::hours(2)));
        assert!(
            m.sentence.starts_with("Sunrise is at 08:4"),
            "{}",
            m.sentence
        );
    }

    #[test]
    fn an_early_summer_sunrise_waits_until_half_past_six() {
        // Kyiv: sunrise 01:46 UTC = 04:46 EEST; two hours later is 06:46, so at least an hour.
        let m = morning_light(d("2026-06-21"), 50.45466, 30.5238, chrono_tz::Europe::Kyiv);
        assert!(near(m.sunrise.unwrap(), "04:46", 2));
        assert_eq!((m.start, m.end), (t("06:30"), t("07:30")));
        assert!(
            m.sentence.starts_with("The sun is up from 04:4"),
            "{}",
            m.sentence
        );
        // Kyiv at the equinox: sunrise 04:01 UTC = 06:01 EET → 06:30 to 08:01.
        let m = morning_light(d("2026-03-20"), 50.45466, 30.5238, chrono_tz::Europe::Kyiv);
        assert_eq!(m.start, t("06:30"));
        assert!(near(m.end, "08:01", 2), "{}", m.end);
    }

    #[test]
    fn a_sunrise_on_the_previous_utc_date_belongs_to_the_local_morning() {
        // Melbourne: sunrise 20:24 UTC the evening before = 07:24 AEDT.
        let m = morning_light(
            d("2026-03-20"),
            -37.814,
            144.96332,
            chrono_tz::Australia::Melbourne,
        );
        assert_eq!(m.kind, WindowKind::Morning);
        assert!(near(m.sunrise.unwrap(), "07:24", 3), "{:?}", m.sunrise);
        assert!(near(m.solar_noon, "13:28", 3), "{}", m.solar_noon);
    }

    #[test]
    fn a_late_sunrise_offers_the_hour_around_noon() {
        // Reykjavík: sunrise 11:22 UTC (= local), solar noon 13:26: under an hour before noon.
        let m = morning_light(
            d("2026-12-21"),
            64.13548,
            -21.89541,
            chrono_tz::Atlantic::Reykjavik,
        );
        assert_eq!(m.kind, WindowKind::LateSunrise);
        assert!(
            near(m.start, "12:56", 2) && near(m.end, "13:56", 2),
            "{m:?}"
        );
        assert!(m.sentence.contains("rises late"));
    }

    #[test]
    fn polar_night_and_polar_day_are_said_plainly() {
        let tz = chrono_tz::Europe::Oslo;
        let night = morning_light(d("2026-12-21"), 69.6489, 18.95508, tz);
        assert_eq!((night.kind, night.sunrise), (WindowKind::PolarNight, None));
        assert_eq!(night.end - night.start, TimeDelta::hours(1));
        assert!(night.start < night.solar_noon && night.solar_noon < night.end);
        assert!(
            night
                .sentence
                .starts_with("The sun does not rise here today.")
        );
        let day = morning_light(d("2026-06-21"), 69.6489, 18.95508, tz);
        assert_eq!(day.kind, WindowKind::PolarDay);
        assert_eq!((day.start, day.end), (t("06:30"), t("08:30")));
    }

    #[test]
    fn every_window_is_a_real_stretch_before_or_around_noon() {
        let places = [
            (59.32938, 18.06871, chrono_tz::Europe::Stockholm),
            (-37.814, 144.96332, chrono_tz::Australia::Melbourne),
            (4.60971, -74.08175, chrono_tz::America::Bogota),
            (78.22334, 15.64689, chrono_tz::Arctic::Longyearbyen),
        ];
        for (lat, lng, tz) in places {
            let days = morning_light_range(d("2026-01-01"), d("2026-12-31"), lat, lng, tz);
            assert_eq!(days.len(), 365);
            for m in days {
                assert!(
                    m.end - m.start >= TimeDelta::minutes(MIN_WINDOW_MINUTES),
                    "{m:?}"
                );
                if m.kind == WindowKind::Morning {
                    assert!(m.start >= EARLIEST_START && m.end <= LATEST_END, "{m:?}");
                }
            }
        }
        assert_eq!(
            morning_light_range(d("2026-01-01"), d("2028-01-01"), 0.0, 0.0, chrono_tz::UTC).len(),
            MAX_RANGE_DAYS
        );
    }
}
