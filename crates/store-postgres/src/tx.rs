//! Running the store's statements on a PostgreSQL connection: values are bound with their
//! types (a NULL too), and columns are read back by their declared type.

use crate::rows::db_error;
use async_trait::async_trait;
use chrono::NaiveDate;
use enough_store::sql::{Dialect, Row, Tx, Value};
use enough_store::{StoreError, StoreResult};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, Column, PgConnection, Postgres, Row as _, TypeInfo};

/// A transaction (or, for reads, a connection) of the pool.
pub(crate) struct PgTx<'c> {
    conn: &'c mut PgConnection,
    /// Set once a statement has failed on the server: inside a transaction PostgreSQL then
    /// refuses every further statement until it is rolled back (to a savepoint, at least).
    failed: bool,
}

impl<'c> PgTx<'c> {
    /// Statements on `conn`.
    pub(crate) fn new(conn: &'c mut PgConnection) -> Self {
        Self {
            conn,
            failed: false,
        }
    }

    /// Whether a statement failed on the server (the job may have handled the error).
    pub(crate) fn failed(&self) -> bool {
        self.failed
    }

    /// The store's error for a driver error, noting one the server raised.
    fn error(&mut self, e: sqlx::Error) -> StoreError {
        if matches!(e, sqlx::Error::Database(_)) {
            self.failed = true;
        }
        db_error(e)
    }
}

fn bound<'q>(sql: &str, params: &[Value]) -> Query<'q, Postgres, PgArguments> {
    let mut query = sqlx::query(AssertSqlSafe(sql.to_owned()));
    for v in params {
        query = match v {
            Value::Int(v) => query.bind(*v),
            Value::Real(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.clone()),
            Value::Bool(v) => query.bind(*v),
            Value::Date(v) => query.bind(*v),
        };
    }
    query
}

/// How a column is read, decided once per statement from its declared type.
#[derive(Clone, Copy)]
enum Kind {
    Int8,
    Int4,
    Int2,
    Float8,
    Float4,
    Bool,
    Date,
    Text,
    Void,
}

/// The kind of each column of a result, or an error naming a column of a type the store does
/// not read.
fn kinds(row: &PgRow) -> StoreResult<Vec<Kind>> {
    row.columns()
        .iter()
        .map(|column| {
            Ok(match column.type_info().name() {
                "INT8" => Kind::Int8,
                "INT4" => Kind::Int4,
                "INT2" => Kind::Int2,
                "FLOAT8" => Kind::Float8,
                "FLOAT4" => Kind::Float4,
                "BOOL" => Kind::Bool,
                "DATE" => Kind::Date,
                "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => Kind::Text,
                "VOID" => Kind::Void,
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "column {} has a type the store does not read: {other}",
                        column.name()
                    )));
                }
            })
        })
        .collect()
}

/// One row's values, read by column index.
fn read(row: &PgRow, kinds: &[Kind]) -> StoreResult<Row> {
    let mut values = Vec::with_capacity(kinds.len());
    for (i, kind) in kinds.iter().enumerate() {
        let value = match kind {
            Kind::Int8 => Value::Int(row.try_get::<Option<i64>, _>(i).map_err(db_error)?),
            Kind::Int4 => Value::Int(
                row.try_get::<Option<i32>, _>(i)
                    .map_err(db_error)?
                    .map(i64::from),
            ),
            Kind::Int2 => Value::Int(
                row.try_get::<Option<i16>, _>(i)
                    .map_err(db_error)?
                    .map(i64::from),
            ),
            Kind::Float8 => Value::Real(row.try_get::<Option<f64>, _>(i).map_err(db_error)?),
            Kind::Float4 => Value::Real(
                row.try_get::<Option<f32>, _>(i)
                    .map_err(db_error)?
                    .map(f64::from),
            ),
            Kind::Bool => Value::Bool(row.try_get::<Option<bool>, _>(i).map_err(db_error)?),
            Kind::Date => Value::Date(row.try_get::<Option<NaiveDate>, _>(i).map_err(db_error)?),
            Kind::Text => Value::Text(row.try_get::<Option<String>, _>(i).map_err(db_error)?),
            Kind::Void => Value::Int(None),
        };
        values.push(value);
    }
    Ok(Row(values))
}

#[async_trait]
impl Tx for PgTx<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn execute(&mut self, sql: &str, params: &[Value]) -> StoreResult<u64> {
        let done = bound(sql, params)
            .execute(&mut *self.conn)
            .await
            .map_err(|e| self.error(e))?;
        Ok(done.rows_affected())
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>> {
        let rows = bound(sql, params)
            .fetch_all(&mut *self.conn)
            .await
            .map_err(|e| self.error(e))?;
        let Some(first) = rows.first() else {
            return Ok(Vec::new());
        };
        let kinds = kinds(first)?;
        rows.iter().map(|row| read(row, &kinds)).collect()
    }
}
