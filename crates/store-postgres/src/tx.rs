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
    pub(crate) conn: &'c mut PgConnection,
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

fn read(row: &PgRow) -> StoreResult<Row> {
    let mut values = Vec::with_capacity(row.columns().len());
    for (i, column) in row.columns().iter().enumerate() {
        let get_err = db_error;
        let value = match column.type_info().name() {
            "INT8" => Value::Int(row.try_get::<Option<i64>, _>(i).map_err(get_err)?),
            "INT4" => Value::Int(
                row.try_get::<Option<i32>, _>(i)
                    .map_err(get_err)?
                    .map(i64::from),
            ),
            "INT2" => Value::Int(
                row.try_get::<Option<i16>, _>(i)
                    .map_err(get_err)?
                    .map(i64::from),
            ),
            "FLOAT8" => Value::Real(row.try_get::<Option<f64>, _>(i).map_err(get_err)?),
            "FLOAT4" => Value::Real(
                row.try_get::<Option<f32>, _>(i)
                    .map_err(get_err)?
                    .map(f64::from),
            ),
            "BOOL" => Value::Bool(row.try_get::<Option<bool>, _>(i).map_err(get_err)?),
            "DATE" => Value::Date(row.try_get::<Option<NaiveDate>, _>(i).map_err(get_err)?),
            "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => {
                Value::Text(row.try_get::<Option<String>, _>(i).map_err(get_err)?)
            }
            "VOID" => Value::Int(None),
            other => {
                return Err(StoreError::Corrupt(format!(
                    "column {} has a type the store does not read: {other}",
                    column.name()
                )));
            }
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
            .map_err(db_error)?;
        Ok(done.rows_affected())
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>> {
        let rows = bound(sql, params)
            .fetch_all(&mut *self.conn)
            .await
            .map_err(db_error)?;
        rows.iter().map(read).collect()
    }
}
