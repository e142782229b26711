//! The Light & Mood insights for a range of the person's days, computed once per change of
//! their data ([`crate::insights_cache`]).

use crate::insights_cache::{Cached, Key, What};
use crate::{App, AppError, AppResult, Me};
use chrono::{Days, NaiveDate};
use enough_domain::PersonId;
use enough_domain::ValidationErrors;
use enough_domain::day::DayEntry;
use enough_domain::light_mood::{LightMoodInsights, light_mood_insights};
use enough_store::sql::{Tx, TxFuture};
use enough_store::{DataVersion, User};
use std::any::Any;
use std::sync::{Arc, OnceLock};

/// The range the insights cover when none is chosen: the last 8 weeks.
pub const DEFAULT_RANGE_DAYS: u64 = 56;

/// Above this many days, statistics run on a blocking thread rather than on the async
/// worker that serves requests.
const INLINE_DAYS: usize = 400;

/// A resolved date range with the days in it.
#[derive(Debug, Clone)]
pub struct InsightsRange {
    /// First date, inclusive.
    pub from: NaiveDate,
    /// Last date, inclusive.
    pub to: NaiveDate,
    /// The person's days in the range, oldest first (without their notes).
    pub days: Vec<DayEntry>,
    /// The statistics.
    pub insights: LightMoodInsights,
    /// What the pages drew from this result (its pictures), kept with it while it is cached.
    pub derived: Derived,
}

/// Something a presentation layer makes from a cached result once (the insights page's
/// pictures), kept with the result so that repeat views do not make it again. It holds one
/// value of one type; a clone starts empty.
#[derive(Default)]
pub struct Derived(OnceLock<Box<dyn Any + Send + Sync>>);

impl Derived {
    /// The value made by `make` on the first call, the kept one after; `None` when a value
    /// of another type is kept already.
    pub fn get_or_init<T: Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Option<&T> {
        self.0.get_or_init(|| Box::new(make())).downcast_ref::<T>()
    }
}

impl Clone for Derived {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Derived")
            .field(&self.0.get().map(|_| "kept"))
            .finish()
    }
}

/// A response body rendered once per change of the data it shows (the API's day list).
#[derive(Debug)]
pub struct RenderedBody {
    /// The body as rendered.
    pub bytes: Arc<[u8]>,
    /// What the web layer makes from the bytes once (their compressed form).
    pub derived: Derived,
}

/// What a read for a cached view found: the result, or the data to compute it from with the
/// version read before it.
pub(crate) enum Found<T> {
    /// The cache held it.
    Hit(Cached),
    /// Not cached: compute from this.
    Miss(DataVersion, T),
}

/// Runs `work` on a blocking thread when `big`, inline otherwise.
pub(crate) async fn compute<T, F>(big: bool, work: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    if big {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| AppError::Internal(format!("computing insights failed: {e}")))
    } else {
        Ok(work())
    }
}

impl App {
    /// The cached result for the person's current data version (or for `seen`, the version
    /// the request's sign-in read), or the data to compute it from. The version and the cache
    /// are looked at in a short read (on SQLite on the
    /// caller's thread); on a miss the version is read again with the data (`load`) in one
    /// read, so the data is at least as new as the version it will be stored under.
    pub(crate) async fn cached_or_load<T, K, L>(
        &self,
        user_id: PersonId,
        seen: Option<&DataVersion>,
        key: K,
        load: L,
    ) -> AppResult<Found<T>>
    where
        T: Send + 'static,
        K: Fn(DataVersion) -> Key + Send + 'static,
        L: for<'t> FnOnce(&'t mut dyn Tx) -> TxFuture<'t, T> + Send + 'static,
    {
        // The version the request's sign-in read ([`Me::seen_version`]): a result kept under
        // it is the data as the request began, found without a read.
        if let Some(hit) = seen.and_then(|version| self.insights_cache.get(&key(version.clone()))) {
            return Ok(Found::Hit(hit));
        }
        let cache = Arc::clone(&self.insights_cache);
        let hit = self
            .store
            .read_short(move |tx| {
                Box::pin(async move {
                    let version = tx.days().data_version(user_id).await?;
                    Ok(cache.get(&key(version)))
                })
            })
            .await?;
        if let Some(hit) = hit {
            return Ok(Found::Hit(hit));
        }
        Ok(self
            .store
            .read(move |tx| {
                Box::pin(async move {
                    // The version first, then the data: the data is at least that new.
                    let version = tx.days().data_version(user_id).await?;
                    let data = load(&mut *tx).await?;
                    Ok(Found::Miss(version, data))
                })
            })
            .await?)
    }

    /// The insights for `from`..=`to` (default: the last 8 weeks up to today), from the cache
    /// when the person's data has not changed since they were computed.
    pub async fn light_mood_insights(
        &self,
        user: &Me,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AppResult<Arc<InsightsRange>> {
        self.light_mood_insights_of(user, user.seen_version(), from, to)
            .await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn light_mood_insights_of(
        &self,
        user: &User,
        seen: Option<&DataVersion>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AppResult<Arc<InsightsRange>> {
        let today = self.today(user);
        let to = to.unwrap_or(today);
        let from = match from {
            Some(from) => from,
            None => to
                .checked_sub_days(Days::new(DEFAULT_RANGE_DAYS - 1))
                .ok_or_else(|| ValidationErrors::single("to", "That date is too early."))?,
        };
        crate::days::check_range(from, to)?;
        let user_id = user.id;
        let key = move |version| Key {
            version,
            user_id,
            what: What::LightMood,
            from,
            to,
        };
        let found = self
            .cached_or_load(user_id, seen, key, move |tx| {
                Box::pin(async move { tx.days().list_for_insights(user_id, from, to).await })
            })
            .await?;
        let (version, days) = match found {
            Found::Hit(Cached::LightMood(range)) => return Ok(range),
            // Keys name what they hold; another kind under this key cannot happen.
            Found::Hit(_) => {
                return Err(AppError::Internal("insights cache mix-up".to_owned()));
            }
            Found::Miss(version, days) => (version, days),
        };
        let range = compute(days.len() > INLINE_DAYS, move || {
            let insights = light_mood_insights(&days);
            Arc::new(InsightsRange {
                from,
                to,
                days,
                insights,
                derived: Derived::default(),
            })
        })
        .await?;
        self.insights_cache
            .put(key(version), Cached::LightMood(Arc::clone(&range)));
        Ok(range)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::Derived;
    use std::cell::Cell;

    #[test]
    fn a_derived_value_is_made_once_and_a_clone_starts_empty() {
        let derived = Derived::default();
        let made = Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            String::from("<svg/>")
        };
        assert_eq!(derived.get_or_init(make).unwrap(), "<svg/>");
        assert_eq!(derived.get_or_init(make).unwrap(), "<svg/>");
        assert_eq!(made.get(), 1, "made on the first call only");
        assert!(
            derived.get_or_init(|| 7_u32).is_none(),
            "a value of another type is not handed out as this one"
        );
        let copy = derived.clone();
        assert_eq!(copy.get_or_init(|| String::from("again")).unwrap(), "again");
    }
}
