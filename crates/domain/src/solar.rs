//! Sunrise, sunset and day length from the NOAA solar calculations (the algorithm of NOAA's
//! Solar Calculator spreadsheet, after Meeus, *Astronomical Algorithms*), with the standard
//! −0.833° horizon for refraction and the sun's radius. Polar day and polar night are
//! reported as such. Tested against published times in `tests-data/daylight_reference.csv`.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

/// The sun's altitude at rise and set: −0.833° (refraction plus the sun's half diameter).
const HORIZON_DEG: f64 = 90.833;

/// What kind of day a place has on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// The sun rises and sets.
    Normal,
    /// The sun does not set (midnight sun).
    PolarDay,
    /// The sun does not rise.
    PolarNight,
}

/// Sun times for one date and place.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SunTimes {
    /// Normal, polar day or polar night.
    pub kind: DayKind,
    /// Sunrise (UTC), on a normal day.
    pub sunrise: Option<DateTime<Utc>>,
    /// Sunset (UTC), on a normal day; may fall on the next UTC date.
    pub sunset: Option<DateTime<Utc>>,
    /// Solar noon (UTC).
    pub solar_noon: DateTime<Utc>,
    /// Minutes of daylight: 0 in polar night, 1440 in polar day.
    pub day_length_minutes: f64,
}

/// `t` rounded to the nearest minute (30 seconds and more round up), for showing a time as
/// hh:mm; cutting the seconds off would make every time up to a minute early.
pub fn nearest_minute<Z: chrono::TimeZone>(t: DateTime<Z>) -> DateTime<Z> {
    let shifted = t.clone() + chrono::TimeDelta::seconds(30);
    chrono::DurationRound::duration_trunc(shifted, chrono::TimeDelta::minutes(1)).unwrap_or(t)
}

impl SunTimes {
    /// Day length in hours.
    pub fn day_length_hours(&self) -> f64 {
        self.day_length_minutes / 60.0
    }
}

struct Position {
    /// Declination, radians.
    declination: f64,
    /// Equation of time, minutes.
    equation_of_time: f64,
}

/// The sun's declination and the equation of time at Julian century `t`.
fn position(t: f64) -> Position {
    let l0 = (280.466_46 + t * (36_000.769_83 + t * 0.000_303_2)).rem_euclid(360.0);
    let m = 357.529_11 + t * (35_999.050_29 - 0.000_153_7 * t);
    let e = 0.016_708_634 - t * (0.000_042_037 + 0.000_000_126_7 * t);
    let m_rad = m.to_radians();
    let center = m_rad.sin() * (1.914_602 - t * (0.004_817 + 0.000_014 * t))
        + (2.0 * m_rad).sin() * (0.019_993 - 0.000_101 * t)
        + (3.0 * m_rad).sin() * 0.000_289;
    let true_long = l0 + center;
    let omega = (125.04 - 1_934.136 * t).to_radians();
    let apparent_long = true_long - 0.005_69 - 0.004_78 * omega.sin();
    let mean_obliquity =
        23.0 + (26.0 + (21.448 - t * (46.815 + t * (0.000_59 - t * 0.001_813))) / 60.0) / 60.0;
    let obliquity = (mean_obliquity + 0.002_56 * omega.cos()).to_radians();
    let declination = (obliquity.sin() * apparent_long.to_radians().sin()).asin();
    let y = (obliquity / 2.0).tan().powi(2);
    let l0_rad = l0.to_radians();
    let eot = y * (2.0 * l0_rad).sin() - 2.0 * e * m_rad.sin()
        + 4.0 * e * y * m_rad.sin() * (2.0 * l0_rad).cos()
        - 0.5 * y * y * (4.0 * l0_rad).sin()
        - 1.25 * e * e * (2.0 * m_rad).sin();
    Position {
        declination,
        equation_of_time: 4.0 * eot.to_degrees(),
    }
}

/// Julian century at `minutes` after 0h UTC on `date`.
fn julian_century(date: NaiveDate, minutes: f64) -> f64 {
    let unix_days = (date - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(date)).num_days() as f64;
    let jd = 2_440_587.5 + unix_days + minutes / 1440.0;
    (jd - 2_451_545.0) / 36_525.0
}

/// The hour angle (degrees) of sunrise for a declination, or why there is none.
fn hour_angle(latitude: f64, declination: f64) -> Result<f64, DayKind> {
    let lat = latitude.to_radians();
    let cos_h = HORIZON_DEG.to_radians().cos() / (lat.cos() * declination.cos())
        - lat.tan() * declination.tan();
    if cos_h > 1.0 {
        Err(DayKind::PolarNight)
    } else if cos_h < -1.0 {
        Err(DayKind::PolarDay)
    } else {
        Ok(cos_h.acos().to_degrees())
    }
}

fn at(date: NaiveDate, minutes: f64) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    midnight + chrono::Duration::milliseconds((minutes * 60_000.0).round() as i64)
}

/// Sun times at `latitude` (−90..90, north positive) and `longitude` (−180..180, east positive)
/// for the solar day around noon of `date` (UTC calendar). Each event is refined once with the
/// sun's position at that event's own time.
pub fn sun_times(date: NaiveDate, latitude: f64, longitude: f64) -> SunTimes {
    let latitude = latitude.clamp(-89.999, 89.999);
    let noon_estimate = 720.0 - 4.0 * longitude;
    let noon_position = position(julian_century(date, noon_estimate));
    let solar_noon_minutes = 720.0 - 4.0 * longitude - noon_position.equation_of_time;
    let solar_noon = at(date, solar_noon_minutes);
    let event = |sign: f64| -> Result<f64, DayKind> {
        let first = hour_angle(latitude, noon_position.declination)?;
        let guess = solar_noon_minutes + sign * 4.0 * first;
        let p = position(julian_century(date, guess));
        let h = hour_angle(latitude, p.declination)?;
        Ok(720.0 - 4.0 * longitude - p.equation_of_time + sign * 4.0 * h)
    };
    match (event(-1.0), event(1.0)) {
        (Ok(rise), Ok(set)) => SunTimes {
            kind: DayKind::Normal,
            sunrise: Some(at(date, rise)),
            sunset: Some(at(date, set)),
            solar_noon,
            day_length_minutes: set - rise,
        },
        (Err(kind), _) | (_, Err(kind)) => SunTimes {
            kind,
            sunrise: None,
            sunset: None,
            solar_noon,
            day_length_minutes: if kind == DayKind::PolarDay {
                1440.0
            } else {
                0.0
            },
        },
    }
}

/// Day lengths (hours) for every date from `from` to `to`, at most 400 dates.
pub fn day_lengths(
    from: NaiveDate,
    to: NaiveDate,
    latitude: f64,
    longitude: f64,
) -> Vec<(NaiveDate, f64)> {
    let mut out = Vec::new();
    let mut date = from;
    while date <= to && out.len() < 400 {
        out.push((
            date,
            sun_times(date, latitude, longitude).day_length_hours(),
        ));
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
    use chrono::Timelike;

    const REFERENCE: &str = include_str!("../tests-data/daylight_reference.csv");

    /// Splits a CSV line, honouring double quotes.
    fn fields(line: &str) -> Vec<String> {
        let (mut out, mut field, mut quoted) = (Vec::new(), String::new(), false);
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => out.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        out.push(field);
        out
    }

    fn minutes(text: &str) -> Option<f64> {
        let (h, m) = text.split_once(':')?;
        Some(f64::from(
            h.parse::<u32>().ok()? * 60 + m.parse::<u32>().ok()?,
        ))
    }

    fn of_day(t: DateTime<Utc>) -> f64 {
        f64::from(t.hour() * 60 + t.minute()) + f64::from(t.second()) / 60.0
    }

    /// Difference of two times of day in minutes, across midnight.
    fn apart(a: f64, b: f64) -> f64 {
        let d = (a - b).rem_euclid(1440.0);
        d.min(1440.0 - d)
    }

    #[test]
    fn agrees_with_published_times_within_two_minutes() {
        let mut checked = 0;
        for line in REFERENCE.lines().skip(1) {
            let f = fields(line);
            let f: Vec<&str> = f.iter().map(String::as_str).collect();
            if f[0] != "USNO" {
                continue; // the other rows test twilight, which is not computed here
            }
            let (place, lat, lng) = (
                f[1],
                f[2].parse::<f64>().unwrap(),
                f[3].parse::<f64>().unwrap(),
            );
            let date = NaiveDate::parse_from_str(f[4], "%Y-%m-%d").unwrap();
            let sun = sun_times(date, lat, lng);
            let what = format!("{place} {date}");
            match (minutes(f[5]), minutes(f[6])) {
                (Some(rise), Some(set)) => {
                    assert_eq!(sun.kind, DayKind::Normal, "{what}");
                    let tolerance = if lat.abs() < 65.0 { 2.0 } else { 3.0 };
                    assert!(
                        apart(of_day(sun.sunrise.unwrap()), rise) <= tolerance,
                        "{what} sunrise {:?}",
                        sun.sunrise
                    );
                    assert!(
                        apart(of_day(sun.sunset.unwrap()), set) <= tolerance,
                        "{what} sunset {:?}",
                        sun.sunset
                    );
                    if let Ok(length) = f[10].parse::<f64>() {
                        assert!(
                            (sun.day_length_minutes - length).abs() <= tolerance + 1.0,
                            "{what} length {}",
                            sun.day_length_minutes
                        );
                    }
                    checked += 1;
                }
                _ => {
                    let Ok(length) = f[10].parse::<f64>() else {
                        continue;
                    };
                    let expected = if length >= 1440.0 {
                        DayKind::PolarDay
                    } else {
                        DayKind::PolarNight
                    };
                    assert_eq!(sun.kind, expected, "{what}");
                    assert_eq!(sun.day_length_minutes, length, "{what}");
                }
            }
        }
        assert!(checked >= 20, "{checked} places checked");
    }

    #[test]
    fn day_length_never_leaves_its_range() {
        for lat in [-89.9, -66.0, -45.0, 0.0, 45.0, 66.6, 89.9] {
            for (_, hours) in day_lengths(
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
                lat,
                10.0,
            ) {
                assert!((0.0..=24.0).contains(&hours), "{lat}: {hours}");
            }
        }
    }
}

#[cfg(test)]
mod rounding_tests {
    use super::nearest_minute;
    use chrono::{TimeZone, Utc};

    #[test]
    fn times_round_to_the_nearest_minute_not_down() {
        let at = |h, m, s| Utc.with_ymd_and_hms(2026, 12, 1, h, m, s).unwrap();
        assert_eq!(nearest_minute(at(8, 4, 59)), at(8, 5, 0));
        assert_eq!(nearest_minute(at(8, 4, 30)), at(8, 5, 0));
        assert_eq!(nearest_minute(at(8, 4, 29)), at(8, 4, 0));
        assert_eq!(
            nearest_minute(at(23, 59, 45)),
            at(0, 0, 0) + chrono::Days::new(1)
        );
    }
}
