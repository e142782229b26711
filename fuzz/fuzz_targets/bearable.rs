//! Any bytes as a Bearable CSV: the importer reports problems, it never panics.
#![no_main]
use enough_domain::import::bearable::{BearableScale, import_bearable};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
    let _ = import_bearable(data, BearableScale::default(), today);
});
