//! Daylight where the person is, their written reflections, and the Light & Mood experiment.

use crate::{App, AppError, AppResult, Change, Me, Saving, Support, assess};
use chrono::{Days, NaiveDate};
use enough_domain::cities;
use enough_domain::day::{DayEntry, check_date_allowed, parse_date};
use enough_domain::experiment::{
    Analysis, Condition, PERMUTATIONS, Plan, analyse, in_force, swap, swapped,
};
use enough_domain::solar::{SunTimes, sun_times};
use enough_domain::{ExperimentId, ValidationErrors};
use enough_store::{
    Experiment, ExperimentStatus, Location, NewExperiment, Reflection, StoreError, User,
};
use rand::RngCore;

/// Longest reflection accepted, in characters.
pub const REFLECTION_MAX: usize = 5000;

/// An experiment with its plan and, when it has data, its analysis.
#[derive(Debug, Clone)]
pub struct ExperimentView {
    /// As stored.
    pub experiment: Experiment,
    /// The plan rebuilt from the stored seed.
    pub plan: Plan,
    /// The analysis of the days logged in it so far (by the seeded plan, whatever was swapped).
    pub analysis: Analysis,
}

/// What the person's own insights page shows besides the insights ([`App::insights_extras`]).
#[derive(Debug, Clone)]
pub struct InsightsExtras {
    /// Their experiments, newest first, each analysed.
    pub experiments: Vec<ExperimentView>,
    /// Their location, if set.
    pub location: Option<Location>,
    /// Their written reflections.
    pub reflections: Vec<Reflection>,
}

impl ExperimentView {
    /// What the schedule in force (with any swaps) asks on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> Option<Condition> {
        let offset = usize::try_from((date - self.plan.start).num_days()).ok()?;
        in_force(&self.plan, &self.experiment.schedule)
            .get(offset)
            .copied()
    }

    /// Mornings swapped from the seeded plan.
    pub fn swapped(&self) -> Vec<NaiveDate> {
        swapped(&self.plan, &self.experiment.schedule)
    }
}

fn coordinate(field: &str, raw: &str, range: f64, errors: &mut ValidationErrors) -> Option<f64> {
    let words = if field == "latitude" {
        "Latitude must be a number from −90 (south) to 90 (north)."
    } else {
        "Longitude must be a number from −180 (west) to 180 (east)."
    };
    match raw.trim().replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= range => Some(v),
        _ => {
            errors.push(field, words);
            None
        }
    }
}

impl App {
    /// The person's location, if set.
    pub async fn location(&self, user: &Me) -> AppResult<Option<Location>> {
        self.location_of(user).await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn location_of(&self, user: &User) -> AppResult<Option<Location>> {
        Ok(self.store.location(user.id).await?)
    }

    /// Sets the location from a city name, or from coordinates; all empty clears it.
    pub async fn set_location(
        &self,
        user: &Me,
        city: &str,
        latitude: &str,
        longitude: &str,
    ) -> AppResult<Option<Location>> {
        let location = if !city.trim().is_empty() {
            let found = cities::find(city).ok_or_else(|| {
                ValidationErrors::single(
                    "city",
                    format!(
                        "\"{}\" is not in the list of cities; try a nearby larger city, or give latitude and longitude.",
                        city.trim().chars().take(60).collect::<String>()
                    ),
                )
            })?;
            Some(Location {
                latitude: found.latitude,
                longitude: found.longitude,
                place: found.label(),
            })
        } else if latitude.trim().is_empty() && longitude.trim().is_empty() {
            None
        } else {
            let mut errors = ValidationErrors::default();
            let lat = coordinate("latitude", latitude, 90.0, &mut errors);
            let lon = coordinate("longitude", longitude, 180.0, &mut errors);
            match (lat, lon) {
                (Some(latitude), Some(longitude)) => Some(Location {
                    latitude,
                    longitude,
                    place: String::new(),
                }),
                _ => return Err(errors.into()),
            }
        };
        self.store.set_location(user.id, location.as_ref()).await?;
        Ok(location)
    }

    /// Sunrise, sunset and day length where the person is on `date`, if a location is set.
    pub async fn daylight_on(&self, user: &Me, date: NaiveDate) -> AppResult<Option<SunTimes>> {
        Ok(self
            .location(user)
            .await?
            .map(|l| sun_times(date, l.latitude, l.longitude)))
    }

    /// Saves the person's reflection for a date; with support when the safety decision asks.
    pub async fn save_reflection(
        &self,
        user: &Me,
        date: &str,
        text: &str,
    ) -> AppResult<(Reflection, Option<Support>)> {
        let date = parse_date("date", date)?;
        check_date_allowed(date, self.today(user))?;
        let text = text.replace("\r\n", "\n");
        let len = text.chars().count();
        if text.trim().is_empty() {
            return Err(ValidationErrors::single(
                "text",
                "Please write something first; a sentence is plenty.",
            )
            .into());
        }
        if len > REFLECTION_MAX {
            return Err(ValidationErrors::single(
                "text",
                format!("A reflection can be at most 5,000 characters; this one has {len}."),
            )
            .into());
        }
        let (user_id, now) = (user.id, self.now().timestamp());
        let saved = text.clone();
        // The reflection and the safety events it calls for, in one transaction.
        let assessment = self
            .store
            .write(move |tx| {
                Box::pin(async move {
                    let earlier = tx
                        .days()
                        .reflections(user_id)
                        .await?
                        .into_iter()
                        .find(|r| r.date == date)
                        .map(|r| r.text);
                    tx.days()
                        .upsert_reflection(user_id, date, &saved, now)
                        .await?;
                    let change = Change::Words {
                        place: format!("reflection:{date}"),
                        new: vec![saved.as_str()],
                        before: earlier.as_deref().into_iter().collect(),
                    };
                    let assessment = assess(Saving::Reflection, &[change]);
                    crate::days::record_events_in(tx, user_id, &assessment, now).await?;
                    Ok(assessment)
                })
            })
            .await?;
        let support = self.support_for(user, Saving::Reflection, &assessment);
        Ok((
            Reflection {
                date,
                text,
                updated_at: now,
            },
            support,
        ))
    }

    /// The person's reflections, newest first.
    pub async fn reflections(&self, user: &Me) -> AppResult<Vec<Reflection>> {
        self.reflections_of(user).await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn reflections_of(&self, user: &User) -> AppResult<Vec<Reflection>> {
        Ok(self.store.reflections(user.id).await?)
    }

    /// Starts a Light & Mood experiment of `weeks` weeks from tomorrow, with a fresh random seed.
    pub async fn start_experiment(&self, user: &Me, weeks: &str) -> AppResult<ExperimentView> {
        let weeks: i64 = weeks.trim().parse().map_err(|_| {
            ValidationErrors::single(
                "weeks",
                "Please choose how many weeks: a whole number from 2 to 8.",
            )
        })?;
        let today = self.today(user);
        let start = today.checked_add_days(Days::new(1)).unwrap_or(today);
        let seed = rand::rng().next_u64();
        let plan = Plan::new(start, weeks, seed)?;
        let new = NewExperiment {
            start_date: plan.start,
            end_date: plan.end(),
            weeks,
            // Stored bit for bit in a signed 64-bit column.
            seed: i64::from_ne_bytes(seed.to_ne_bytes()),
            schedule: plan.schedule_letters(),
            created_at: self.now().timestamp(),
        };
        let experiment = match crate::rules::start_experiment(&*self.store, user.id, new, today)
            .await
        {
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::Conflict {
                    field: "weeks",
                    message: "An experiment is already running. Finish or stop it before starting another.".to_owned(),
                });
            }
            other => other?,
        };
        self.experiment_view(user, experiment).await
    }

    async fn experiment_view(
        &self,
        user: &Me,
        experiment: Experiment,
    ) -> AppResult<ExperimentView> {
        let seed = u64::from_ne_bytes(experiment.seed.to_ne_bytes());
        let plan = Plan::new(experiment.start_date, experiment.weeks, seed)?;
        let days = self.days(user, Some(plan.start), Some(plan.end())).await?;
        Ok(self.experiment_view_with(user, experiment, plan, &days))
    }

    /// The view of `experiment` from the days of its plan, already read.
    fn experiment_view_with(
        &self,
        user: &Me,
        experiment: Experiment,
        plan: Plan,
        days: &[DayEntry],
    ) -> ExperimentView {
        let seed = u64::from_ne_bytes(experiment.seed.to_ne_bytes());
        let today = self.today(user);
        // An abandoned experiment is analysed up to the day it was stopped.
        let until = match (experiment.status, experiment.ended_at) {
            (ExperimentStatus::Abandoned, Some(ended)) => {
                let tz: chrono_tz::Tz = user.time_zone;
                chrono::DateTime::from_timestamp(ended, 0)
                    .map(|t| t.with_timezone(&tz).date_naive())
                    .unwrap_or(today)
                    .min(today)
            }
            _ => today,
        };
        let analysis = analysis_cache::get_or_compute(
            (user.id, experiment.id),
            analysis_cache::fingerprint(&(seed, &plan.start, experiment.weeks, until, days)),
            || analyse(&plan, days, until, PERMUTATIONS),
        );
        ExperimentView {
            experiment,
            plan,
            analysis,
        }
    }

    /// The person's experiments, newest first, each analysed.
    pub async fn experiments(&self, user: &Me) -> AppResult<Vec<ExperimentView>> {
        let mut views = Vec::new();
        for e in self.store.experiments(user.id).await? {
            views.push(self.experiment_view(user, e).await?);
        }
        Ok(views)
    }

    /// What the person's own insights page shows besides the insights: their experiments
    /// (each analysed), their location and their reflections, read in one read. Kept in the
    /// insights cache for the person's data version and today (an experiment's view follows the
    /// date): every write to them bumps the version.
    pub async fn insights_extras(&self, user: &Me) -> AppResult<std::sync::Arc<InsightsExtras>> {
        use crate::insights::Found;
        use crate::insights_cache::{Cached, Key, What};
        let user_id = user.id;
        let today = self.today(user);
        let key = move |version| Key {
            version,
            user_id,
            what: What::Extras,
            from: today,
            to: today,
        };
        let found = self
            .cached_or_load(user_id, user.seen_version(), key, move |tx| {
                Box::pin(async move {
                    let mut experiments = Vec::new();
                    for e in tx.days().experiments(user_id).await? {
                        let seed = u64::from_ne_bytes(e.seed.to_ne_bytes());
                        // A plan that cannot be rebuilt is reported by `experiment_view`.
                        let read = match Plan::new(e.start_date, e.weeks, seed) {
                            Ok(plan) => {
                                let (from, to) = (Some(plan.start), Some(plan.end()));
                                let days = tx.days().list(user_id, from, to).await?;
                                Some((plan, days))
                            }
                            Err(_) => None,
                        };
                        experiments.push((e, read));
                    }
                    let location = tx.days().location(user_id).await?;
                    let reflections = tx.days().reflections(user_id).await?;
                    Ok((experiments, location, reflections))
                })
            })
            .await?;
        let (version, (experiments, location, reflections)) = match found {
            Found::Hit(Cached::Extras(extras)) => return Ok(extras),
            // Keys name what they hold; another kind under this key cannot happen.
            Found::Hit(_) => return Err(AppError::Internal("extras cache mix-up".to_owned())),
            Found::Miss(version, read) => (version, read),
        };
        let mut views = Vec::with_capacity(experiments.len());
        for (e, read) in experiments {
            views.push(match read {
                Some((plan, days)) => self.experiment_view_with(user, e, plan, &days),
                None => self.experiment_view(user, e).await?,
            });
        }
        let extras = std::sync::Arc::new(InsightsExtras {
            experiments: views,
            location,
            reflections,
        });
        self.insights_cache
            .put(key(version), Cached::Extras(std::sync::Arc::clone(&extras)));
        Ok(extras)
    }

    /// Swaps the assignment of the morning `date` with the morning `with` (same week, neither
    /// passed) in the person's running experiment `id`. The swap is recorded in the schedule in
    /// force; the analysis keeps using the seeded plan (intention to treat).
    pub async fn swap_experiment_mornings(
        &self,
        user: &Me,
        id: ExperimentId,
        date: &str,
        with: &str,
    ) -> AppResult<ExperimentView> {
        let date = parse_date("date", date)?;
        let with = parse_date("with", with)?;
        let experiment = self
            .store
            .experiments(user.id)
            .await?
            .into_iter()
            .find(|e| e.id == id && e.status == ExperimentStatus::Active)
            .ok_or(AppError::NotFound("experiment"))?;
        let seed = u64::from_ne_bytes(experiment.seed.to_ne_bytes());
        let plan = Plan::new(experiment.start_date, experiment.weeks, seed)?;
        let letters = swap(&plan, &experiment.schedule, date, with, self.today(user))?;
        if !self
            .store
            .set_experiment_schedule(user.id, id, letters.clone())
            .await?
        {
            return Err(AppError::NotFound("experiment"));
        }
        self.experiment_view(
            user,
            Experiment {
                schedule: letters,
                ..experiment
            },
        )
        .await
    }

    /// Stops the person's running experiment; its days and analysis stay.
    pub async fn abandon_experiment(&self, user: &Me, id: ExperimentId) -> AppResult<()> {
        if self
            .store
            .abandon_experiment(user.id, id, self.now().timestamp())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("experiment"))
        }
    }
}

/// The experiment's analysis (2 × 10,000 permutations) is computed once per state of its data,
/// not on every page view: it is kept with a fingerprint of everything it depends on (seed,
/// start, weeks, the day analysed up to, and every logged day in the experiment), so any new
/// or changed day, or a new day passing, computes it afresh. Held in memory per process; at
/// most [`MAX_ENTRIES`](analysis_cache::MAX_ENTRIES) experiments (then it starts over).
mod analysis_cache {
    use enough_domain::experiment::Analysis;
    use enough_domain::{ExperimentId, PersonId};
    use std::collections::HashMap;
    use std::hash::{DefaultHasher, Hash, Hasher};
    use std::sync::{Mutex, OnceLock};

    /// Experiments whose analysis is kept.
    pub const MAX_ENTRIES: usize = 4096;

    type Key = (PersonId, ExperimentId);

    fn cache() -> &'static Mutex<HashMap<Key, (u64, Analysis)>> {
        static CACHE: OnceLock<Mutex<HashMap<Key, (u64, Analysis)>>> = OnceLock::new();
        CACHE.get_or_init(|| Mutex::new(HashMap::new()))
    }

    /// A fingerprint of the inputs (their `Debug` text, which holds every field).
    pub fn fingerprint(inputs: &impl std::fmt::Debug) -> u64 {
        let mut h = DefaultHasher::new();
        format!("{inputs:?}").hash(&mut h);
        h.finish()
    }

    /// The kept analysis when its fingerprint matches; otherwise `compute`'s, kept.
    pub fn get_or_compute(key: Key, print: u64, compute: impl FnOnce() -> Analysis) -> Analysis {
        if let Ok(map) = cache().lock()
            && let Some((p, analysis)) = map.get(&key)
            && *p == print
        {
            return analysis.clone();
        }
        let analysis = compute();
        if let Ok(mut map) = cache().lock() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert(key, (print, analysis.clone()));
        }
        analysis
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use chrono::NaiveDate;
        use enough_domain::experiment::{Plan, analyse};

        #[test]
        fn computed_once_per_state_of_the_data() {
            let start = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
            let plan = Plan::new(start, 2, 7).unwrap();
            let until = start + chrono::Days::new(13);
            let mut runs = 0;
            let key = (PersonId(-1), ExperimentId(-1));
            for _ in 0..3 {
                let print = fingerprint(&(7u64, until, "no days"));
                get_or_compute(key, print, || {
                    runs += 1;
                    analyse(&plan, &[], until, 10)
                });
            }
            assert_eq!(runs, 1, "views of unchanged data reuse the analysis");
            let changed = fingerprint(&(7u64, until, "a day logged"));
            get_or_compute(key, changed, || {
                runs += 1;
                analyse(&plan, &[], until, 10)
            });
            assert_eq!(runs, 2, "a change computes it again");
        }
    }
}
