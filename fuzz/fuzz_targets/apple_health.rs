//! Any bytes as an Apple Health export.xml or export.zip: problems are reported, never a panic.
#![no_main]
use enough_domain::import::apple_health::{import_apple_health_xml, import_apple_health_zip};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
    let _ = import_apple_health_xml(data, today);
    let _ = import_apple_health_zip(std::io::Cursor::new(data), today);
});
