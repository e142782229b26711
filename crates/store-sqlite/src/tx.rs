//! Running the store's statements on an SQLite connection: `$1` placeholders become `?1`,
//! dates are bound as `YYYY-MM-DD` text and booleans as 0/1.

use crate::rows::db_error;
use async_trait::async_trait;
use enough_store::sql::{Dialect, Row, Tx, Value, numbered_question_marks};
use enough_store::{StoreError, StoreResult};
use rusqlite::Connection;
use rusqlite::types::{Value as Sql, ValueRef};
use std::sync::{Mutex, PoisonError};

/// A transaction (the writer's savepoint for one job, or a read) on one connection.
pub(crate) struct SqliteTx<'c> {
    pub(crate) conn: &'c Mutex<Connection>,
}

fn bind(v: &Value) -> Sql {
    match v {
        Value::Int(Some(i)) => Sql::Integer(*i),
        Value::Real(Some(f)) => Sql::Real(*f),
        Value::Text(Some(t)) => Sql::Text(t.clone()),
        Value::Bool(Some(b)) => Sql::Integer(i64::from(*b)),
        Value::Date(Some(d)) => Sql::Text(d.to_string()),
        _ => Sql::Null,
    }
}

fn read(v: ValueRef<'_>) -> StoreResult<Value> {
    Ok(match v {
        ValueRef::Null => Value::Int(None),
        ValueRef::Integer(i) => Value::Int(Some(i)),
        ValueRef::Real(f) => Value::Real(Some(f)),
        ValueRef::Text(t) => Value::Text(Some(
            std::str::from_utf8(t)
                .map_err(|e| StoreError::Corrupt(format!("text that is not UTF-8: {e}")))?
                .to_owned(),
        )),
        ValueRef::Blob(_) => return Err(StoreError::Corrupt("an unexpected blob".to_owned())),
    })
}

#[async_trait]
impl Tx for SqliteTx<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn execute(&mut self, sql: &str, params: &[Value]) -> StoreResult<u64> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut statement = conn
            .prepare_cached(&numbered_question_marks(sql))
            .map_err(db_error)?;
        let n = statement
            .execute(rusqlite::params_from_iter(params.iter().map(bind)))
            .map_err(db_error)?;
        Ok(u64::try_from(n).unwrap_or(u64::MAX))
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut statement = conn
            .prepare_cached(&numbered_question_marks(sql))
            .map_err(db_error)?;
        let width = statement.column_count();
        let mut rows = statement
            .query(rusqlite::params_from_iter(params.iter().map(bind)))
            .map_err(db_error)?;
        let mut all = Vec::new();
        while let Some(row) = rows.next().map_err(db_error)? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(read(row.get_ref(i).map_err(db_error)?)?);
            }
            all.push(Row(values));
        }
        Ok(all)
    }

    fn erase_after_commit(&mut self) {
        // With secure_delete the freed pages are zeros; the checkpoint after the commit copies
        // them into the file and empties the WAL, which held the old pages.
        crate::writer::checkpoint_after_commit();
    }
}
