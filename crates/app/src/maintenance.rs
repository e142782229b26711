//! Moving a whole installation from one store to another, verified table by table.

use crate::{AppError, AppResult};
use enough_store::{Store, StoreError, TableSummary};

/// Copies every row of `from` into the empty `to` (ids kept, one transaction), then reads `to`
/// back and compares row counts and checksums per table. Returns the verified summary.
pub async fn migrate_store(from: &dyn Store, to: &dyn Store) -> AppResult<Vec<TableSummary>> {
    let snapshot = from.export_all().await?;
    let expected = snapshot.summary();
    match to.import_all(&snapshot).await {
        Err(StoreError::NotEmpty(detail)) => {
            return Err(AppError::Internal(format!(
                "the target already holds data ({detail}); migrate only into a new, empty database"
            )));
        }
        other => other?,
    }
    let copied = to.export_all().await?.summary();
    for (want, got) in expected.iter().zip(&copied) {
        if want != got {
            return Err(AppError::Internal(format!(
                "verification failed for table {}: {} rows (checksum {}) in the source, {} rows (checksum {}) in the target",
                want.table, want.rows, want.checksum, got.rows, got.checksum
            )));
        }
    }
    Ok(copied)
}
