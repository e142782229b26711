//! The one seam a backend implements: run a statement inside the current transaction.
//!
//! Every statement of the store is written once, in PostgreSQL's `$1` placeholder style, in
//! the repositories of this crate ([`crate::repo`]). A backend implements [`Tx`] (run a
//! statement, hand back rows of [`Value`]s) and converts placeholders and value types in one
//! place; the few statements where the dialects truly differ pick their text with
//! [`Tx::dialect`].

use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::NaiveDate;
use std::future::Future;
use std::pin::Pin;

/// Which SQL dialect a transaction speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite: dates are `YYYY-MM-DD` text, booleans are integers.
    Sqlite,
    /// PostgreSQL: real `DATE` and `BOOLEAN` columns, row locks, advisory locks.
    Postgres,
}

/// A statement parameter or a column value. Parameters are typed even when NULL (PostgreSQL
/// needs the type of a NULL parameter); in rows read back, any variant's `None` is NULL.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An integer.
    Int(Option<i64>),
    /// A floating-point number.
    Real(Option<f64>),
    /// Text.
    Text(Option<String>),
    /// A boolean (an integer 0/1 in SQLite).
    Bool(Option<bool>),
    /// A calendar date (`YYYY-MM-DD` text in SQLite).
    Date(Option<NaiveDate>),
}

impl Value {
    /// True for NULL.
    pub fn is_null(&self) -> bool {
        matches!(
            self,
            Value::Int(None)
                | Value::Real(None)
                | Value::Text(None)
                | Value::Bool(None)
                | Value::Date(None)
        )
    }
}

macro_rules! value_from {
    ($variant:ident, $t:ty, $conv:expr) => {
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant(Some($conv(v)))
            }
        }
        impl From<Option<$t>> for Value {
            fn from(v: Option<$t>) -> Self {
                Value::$variant(v.map($conv))
            }
        }
    };
}
value_from!(Int, i64, |v| v);
value_from!(Int, u8, i64::from);
value_from!(Int, i32, i64::from);
value_from!(Int, u32, i64::from);
value_from!(Real, f64, |v| v);
value_from!(Text, String, |v| v);
value_from!(Text, &str, str::to_owned);
value_from!(Text, &String, String::clone);
value_from!(Bool, bool, |v| v);
value_from!(Date, NaiveDate, |v| v);

/// Typed ids bind as their number: `params![user.id]` needs no `.0`.
macro_rules! value_from_id {
    ($t:ident) => {
        value_from!(Int, enough_domain::ids::$t, enough_domain::ids::$t::get);
    };
}
enough_domain::for_each_id!(value_from_id);

/// Statement parameters: `&params![a, b, c]` is a `&[Value]`.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => { [$($crate::sql::Value::from($v)),*] };
}

/// One row read back: its values in the order of the statement's columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Value>);

fn corrupt(i: usize, want: &str, got: &Value) -> StoreError {
    StoreError::Corrupt(format!("column {i}: expected {want}, found {got:?}"))
}

impl Row {
    fn at(&self, i: usize) -> StoreResult<&Value> {
        self.0
            .get(i)
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is missing")))
    }

    /// An integer column that may be NULL.
    pub fn opt_i64(&self, i: usize) -> StoreResult<Option<i64>> {
        match self.at(i)? {
            v if v.is_null() => Ok(None),
            Value::Int(v) => Ok(*v),
            Value::Bool(Some(b)) => Ok(Some(i64::from(*b))),
            other => Err(corrupt(i, "an integer", other)),
        }
    }

    /// An integer column.
    pub fn i64(&self, i: usize) -> StoreResult<i64> {
        self.opt_i64(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is NULL")))
    }

    /// A typed id column (`PersonId`, `LinkId`, …).
    pub fn id<T: From<i64>>(&self, i: usize) -> StoreResult<T> {
        self.i64(i).map(T::from)
    }

    /// A typed id column that may be NULL.
    pub fn opt_id<T: From<i64>>(&self, i: usize) -> StoreResult<Option<T>> {
        Ok(self.opt_i64(i)?.map(T::from))
    }

    /// A small integer column (0 to `max`) that may be NULL, e.g. a rating.
    pub fn opt_small(&self, i: usize, max: i64) -> StoreResult<Option<u8>> {
        match self.opt_i64(i)? {
            None => Ok(None),
            Some(v) if (0..=max).contains(&v) => u8::try_from(v)
                .map(Some)
                .map_err(|_| StoreError::Corrupt(format!("column {i}: {v} out of range"))),
            Some(v) => Err(StoreError::Corrupt(format!(
                "column {i}: {v} out of range 0 to {max}"
            ))),
        }
    }

    /// A floating-point column that may be NULL (integers are widened).
    pub fn opt_f64(&self, i: usize) -> StoreResult<Option<f64>> {
        match self.at(i)? {
            v if v.is_null() => Ok(None),
            Value::Real(v) => Ok(*v),
            #[allow(clippy::cast_precision_loss)]
            Value::Int(Some(v)) => Ok(Some(*v as f64)),
            other => Err(corrupt(i, "a number", other)),
        }
    }

    /// A floating-point column.
    pub fn f64(&self, i: usize) -> StoreResult<f64> {
        self.opt_f64(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is NULL")))
    }

    /// A text column that may be NULL.
    pub fn opt_text(&self, i: usize) -> StoreResult<Option<String>> {
        match self.at(i)? {
            v if v.is_null() => Ok(None),
            Value::Text(v) => Ok(v.clone()),
            other => Err(corrupt(i, "text", other)),
        }
    }

    /// A text column.
    pub fn text(&self, i: usize) -> StoreResult<String> {
        self.opt_text(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is NULL")))
    }

    /// A boolean column that may be NULL (SQLite's 0/1 integers are read too).
    pub fn opt_bool(&self, i: usize) -> StoreResult<Option<bool>> {
        match self.at(i)? {
            v if v.is_null() => Ok(None),
            Value::Bool(v) => Ok(*v),
            Value::Int(Some(0)) => Ok(Some(false)),
            Value::Int(Some(1)) => Ok(Some(true)),
            other => Err(corrupt(i, "a boolean", other)),
        }
    }

    /// A boolean column.
    pub fn bool(&self, i: usize) -> StoreResult<bool> {
        self.opt_bool(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is NULL")))
    }

    /// A date column that may be NULL (SQLite's `YYYY-MM-DD` text is parsed).
    pub fn opt_date(&self, i: usize) -> StoreResult<Option<NaiveDate>> {
        match self.at(i)? {
            v if v.is_null() => Ok(None),
            Value::Date(v) => Ok(*v),
            Value::Text(Some(t)) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| StoreError::Corrupt(format!("column {i}: not a date: {t:?}"))),
            other => Err(corrupt(i, "a date", other)),
        }
    }

    /// A date column.
    pub fn date(&self, i: usize) -> StoreResult<NaiveDate> {
        self.opt_date(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is NULL")))
    }
}

/// One open transaction (or, for reads, one connection) of a backend. Everything a backend
/// must provide to run the store's statements.
#[async_trait]
pub trait Tx: Send {
    /// The dialect of the statements this transaction runs.
    fn dialect(&self) -> Dialect;
    /// Runs a statement written with `$1`-style placeholders; the number of rows it changed.
    async fn execute(&mut self, sql: &str, params: &[Value]) -> StoreResult<u64>;
    /// Runs a statement written with `$1`-style placeholders; every row it returned.
    async fn query(&mut self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>>;
    /// Asks the backend to erase freed pages' old content once this transaction has
    /// committed (after an account deletion). Backends without such copies do nothing.
    fn erase_after_commit(&mut self) {}
}

impl dyn Tx + '_ {
    /// The first row of a statement, if any.
    pub async fn query_opt(&mut self, sql: &str, params: &[Value]) -> StoreResult<Option<Row>> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// The one row a statement must return.
    pub async fn query_one(&mut self, sql: &str, params: &[Value]) -> StoreResult<Row> {
        self.query_opt(sql, params)
            .await?
            .ok_or_else(|| StoreError::Database(format!("no row returned by: {sql}")))
    }
}

/// A boxed future borrowing a transaction for `'t`.
pub type TxFuture<'t, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 't>>;

/// The work of one transaction, as the backends receive it (type-erased: the caller's result
/// travels back through a slot the closure captured, see [`crate::Store`]'s `write`).
pub type TxJob = Box<dyn for<'t> FnOnce(&'t mut dyn Tx) -> TxFuture<'t, ()> + Send>;

/// Rewrites `$1`-style placeholders to SQLite's `?1` style (the numbers are kept, so a
/// parameter may be used twice). `$` never appears otherwise in the store's statements.
pub fn numbered_question_marks(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// Polls a future that never waits on anything but the blocking calls inside it (a
/// transaction's work running on a backend's own thread) to completion, on this thread.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        // Only work that awaits something outside the transaction gets here; let it progress.
        std::thread::yield_now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_numbered_question_marks() {
        assert_eq!(
            numbered_question_marks("SELECT a FROM t WHERE b = $1 AND c = $12 OR d = $1"),
            "SELECT a FROM t WHERE b = ?1 AND c = ?12 OR d = ?1"
        );
    }
}
