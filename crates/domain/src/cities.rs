//! The embedded list of cities a person can pick as their location (GeoNames data, CC BY 4.0,
//! see the header of `content/cities.csv`).

use std::sync::OnceLock;

/// A city with its coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// City name.
    pub name: String,
    /// ISO country code.
    pub country_code: String,
    /// Country name.
    pub country: String,
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// IANA time zone.
    pub time_zone: String,
}

impl City {
    /// "Dublin, Ireland".
    pub fn label(&self) -> String {
        format!("{}, {}", self.name, self.country)
    }
}

const CITIES_CSV: &str = include_str!("../content/cities.csv");

/// Every embedded city (a test guarantees the file parses completely).
pub fn all() -> &'static [City] {
    static CITIES: OnceLock<Vec<City>> = OnceLock::new();
    CITIES.get_or_init(|| {
        CITIES_CSV
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .filter_map(parse_line)
            .collect()
    })
}

fn parse_line(line: &str) -> Option<City> {
    let mut fields = Vec::new();
    let (mut field, mut quoted) = (String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    let [name, code, country, lat, lon, tz] = <[String; 6]>::try_from(fields).ok()?;
    Some(City {
        name,
        country_code: code,
        country,
        latitude: lat.parse().ok()?,
        longitude: lon.parse().ok()?,
        time_zone: tz,
    })
}

/// Finds a city by name ("Dublin"), name and country ("Dublin, Ireland" or "Dublin, IE"),
/// ignoring case and accents are not folded. With several of one name, the first listed wins.
pub fn find(query: &str) -> Option<&'static City> {
    let query = query.trim().to_lowercase();
    let (name, country) = match query.split_once(',') {
        Some((n, c)) => (n.trim().to_owned(), Some(c.trim().to_owned())),
        None => (query.clone(), None),
    };
    all().iter().find(|c| {
        c.name.to_lowercase() == name
            && country.as_ref().is_none_or(|k| {
                c.country.to_lowercase() == *k || c.country_code.to_lowercase() == *k
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_parses_and_there_are_at_least_200_cities() {
        let lines = CITIES_CSV.lines().filter(|l| !l.starts_with('#')).count() - 1;
        assert_eq!(all().len(), lines, "no line was dropped");
        assert!(all().len() >= 200);
        for c in all() {
            assert!(
                (-90.0..=90.0).contains(&c.latitude) && (-180.0..=180.0).contains(&c.longitude),
                "{c:?}"
            );
        }
    }

    #[test]
    fn cities_are_found_by_name_and_country() {
        let dublin = find("dublin").unwrap();
        assert_eq!(dublin.country_code, "IE");
        assert!((dublin.latitude - 53.33).abs() < 0.05);
        assert_eq!(find("London, United Kingdom").unwrap().country_code, "GB");
        assert_eq!(find("london, gb").unwrap().time_zone, "Europe/London");
        assert!(find("Atlantis").is_none());
    }
}
