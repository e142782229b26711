//! The errors of the use cases.

use enough_domain::ValidationErrors;
use enough_store::StoreError;

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input was not valid; every problem is named.
    #[error("{0}")]
    Validation(ValidationErrors),
    /// A unique value is taken, e.g. an e-mail address; the field is named.
    #[error("{message}")]
    Conflict {
        /// The field at fault.
        field: &'static str,
        /// What to do about it.
        message: String,
    },
    /// The thing asked for does not exist (or is not the caller's to see).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// No valid session or token was given.
    #[error("please sign in")]
    Unauthenticated,
    /// Signed in, but not allowed to do this.
    #[error("you are not allowed to do that")]
    Forbidden,
    /// The e-mail address or password was wrong (deliberately not saying which).
    #[error("that e-mail address and password do not match an account")]
    WrongCredentials,
    /// Too many failed sign-ins; try again later.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until sign-in is possible again.
        retry_after_secs: i64,
    },
    /// The server is busy (password hashing is saturated); try again shortly.
    #[error("the server is busy; try again in {retry_after_secs} seconds")]
    Busy {
        /// Seconds to wait before trying again.
        retry_after_secs: i64,
    },
    /// The account has been disabled by an administrator.
    #[error("this account is disabled")]
    Disabled,
    /// The admin has closed sign-up.
    #[error("sign-up is closed on this server")]
    SignUpClosed,
    /// The first account already exists.
    #[error("this server is already set up")]
    AlreadySetUp,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something else failed inside the server.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<ValidationErrors> for AppError {
    fn from(e: ValidationErrors) -> Self {
        AppError::Validation(e)
    }
}
