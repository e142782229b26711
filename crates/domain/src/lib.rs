//! Pure domain logic of enough: the daily Light & Mood entry, account rules, the crisis
//! directory and the perfectionism toolkit. Nothing here does I/O, knows HTTP or SQL, or is
//! async, so every rule can be tested with plain values and reused by the web layer, the JSON
//! API and the CLI alike.

pub mod account;
pub mod cities;
pub mod crisis;
pub mod day;
pub mod experiment;
pub mod light_mood;
pub mod reflection;
pub mod solar;
pub mod stats;
pub mod toolkit;
pub mod validation;

pub use validation::{FieldError, ValidationErrors};
