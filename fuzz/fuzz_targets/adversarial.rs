//! The adversarial shapes of issue 16, grown from fuzzed pieces: a piece repeated up to
//! 65,536 times as a CSV row (wide rows, long lines, unclosed quotes), as XML text or an
//! attribute (huge events), or as daylight records (many problems, huge spans). Whatever the
//! piece, the importers answer within their limits: at most 100 problems are kept, and a
//! limit reached is an `ImportError::Limit`, never a panic or a run-away allocation (`fuzz/run.sh`
//! runs it without AddressSanitizer and with `-rss_limit_mb=256`).
#![no_main]
use enough_domain::import::ImportError;
use enough_domain::import::apple_health::import_apple_health_xml;
use enough_domain::import::daylio::{DaylioOptions, import_daylio};
use enough_domain::import::generic::import_generic;
use enough_domain::import::limits::MAX_PROBLEMS_KEPT;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&[shape, lo, hi], piece)) = data.split_first_chunk::<3>() else {
        return;
    };
    // The input itself stays just over the largest limit (CSV 32 MiB): memory the harness spends
    // building it is not the importers'.
    let times = (usize::from(u16::from_le_bytes([lo, hi])) + 1).min((34 << 20) / (piece.len() + 64));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
    let mut input = Vec::new();
    let result = match shape % 4 {
        0 => {
            input.extend_from_slice(b"date,mood,note\n2025-01-01,5,");
            for _ in 0..times {
                input.extend_from_slice(piece);
            }
            import_generic(input.as_slice(), today)
        }
        1 => {
            input.extend_from_slice(b"full_date,date,weekday,time,mood,activities,note_title,note\n");
            for _ in 0..times {
                input.extend_from_slice(b"2025-01-01,January 1,Wednesday,10:00,good,");
                input.extend_from_slice(piece);
                input.push(b'\n');
            }
            import_daylio(input.as_slice(), &DaylioOptions::default(), today)
        }
        2 => {
            input.extend_from_slice(b"<?xml version=\"1.0\"?>\n<HealthData locale=\"en\"><Record a=\"");
            for _ in 0..times {
                input.extend(piece.iter().filter(|b| **b != b'"' && **b != b'<'));
            }
            input.extend_from_slice(b"\"/>");
            for _ in 0..times {
                input.extend(piece.iter().filter(|b| **b != b'<'));
            }
            input.extend_from_slice(b"</HealthData>");
            import_apple_health_xml(input.as_slice(), today)
        }
        _ => {
            let text = String::from_utf8_lossy(piece);
            let value: String = text.chars().filter(|c| c.is_ascii_alphanumeric() || ".+-".contains(*c)).take(30).collect();
            input.extend_from_slice(b"<?xml version=\"1.0\"?>\n<HealthData locale=\"en\">\n");
            for i in 0..times {
                let end = if i % 2 == 0 { "2025-01-01 10:00:00 +0000" } else { "2025-03-01 10:00:00 +0000" };
                input.extend_from_slice(
                    format!(
                        "<Record type=\"HKQuantityTypeIdentifierTimeInDaylight\" unit=\"min\" \
                         startDate=\"2025-01-01 10:00:00 +0000\" endDate=\"{end}\" value=\"{value}\"/>\n"
                    )
                    .as_bytes(),
                );
            }
            input.extend_from_slice(b"</HealthData>\n");
            import_apple_health_xml(input.as_slice(), today)
        }
    };
    match result {
        Ok(plan) => assert!(plan.problems.len() <= MAX_PROBLEMS_KEPT),
        Err(ImportError::Limit(message)) => assert!(!message.is_empty()),
        Err(_) => {}
    }
});
