//! Any bytes as a Daylio CSV: the importer reports problems, it never panics.
#![no_main]
use enough_domain::import::daylio::{DaylioOptions, import_daylio};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
    let _ = import_daylio(data, &DaylioOptions::default(), today);
});
