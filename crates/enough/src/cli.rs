//! The command line: every flag has an environment variable and a documented default.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// enough: a private companion for therapy homework on perfectionism and seasonal low mood.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Database URL: sqlite://PATH (default: DATA_DIR/enough.db) or postgres://USER@HOST/DB.
    #[arg(long, env = "ENOUGH_DATABASE", global = true)]
    pub database: Option<String>,

    /// Folder for the embedded SQLite database.
    #[arg(
        long,
        env = "ENOUGH_DATA_DIR",
        default_value = "enough-data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// How log lines are written to standard error: text (for people) or json (one object a
    /// line, for log collectors). Lines written while serving a request carry its request id.
    #[arg(long, env = "ENOUGH_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: LogFormat,

    /// Most connections this process opens to PostgreSQL (not used with SQLite). With N app
    /// servers over one database, keep N × this + 5 at or below the server's max_connections.
    #[arg(long, env = "ENOUGH_DB_POOL_SIZE", default_value_t = 16, global = true,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub db_pool_size: u32,

    #[command(subcommand)]
    pub command: Command,
}

/// The shape of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app and the JSON API.
    Serve(ServeArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage personal access tokens for the API.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Open or close self sign-up.
    Signup {
        /// `open` or `close`.
        state: SignupState,
    },
    /// Log (create or replace) one day for a person.
    Log(LogArgs),
    /// Import another app's export into a person's log: shows what would change, then writes
    /// it all in one transaction (or nothing with --dry-run). Importing twice changes nothing.
    Import(ImportArgs),
    /// List a person's logged days, newest first.
    Days(DaysArgs),
    /// Export everything a person owns (the same as the web downloads): JSON to stdout by
    /// default; `--format csv --output FILE.zip` for CSV files in a zip; `--format fhir` for a
    /// FHIR R4 Bundle.
    Export {
        /// The person's e-mail address.
        #[arg(long)]
        email: String,
        /// json, csv or fhir.
        #[arg(long, default_value = "json", value_parser = ["json", "csv", "fhir"])]
        format: String,
        /// Write to this file instead of stdout (required for csv, which is a zip).
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Write a consistent copy of the SQLite database while the server keeps running.
    Backup {
        /// Where to write the copy: a file, or a folder (one that exists, or a path ending in
        /// `/`) where each backup gets its own dated name, e.g. enough-20260105T030000Z.db.
        file: std::path::PathBuf,
        /// Keep only the newest N dated backups in the folder and remove older ones (needs a
        /// folder; other files there are never touched).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        keep: Option<u32>,
    },
    /// Replace the SQLite database with a backup, after checking its integrity (stop the server first).
    Restore {
        /// The backup to restore.
        file: std::path::PathBuf,
    },
    /// Copy a whole installation into a new, empty database and verify it table by table.
    MigrateStore {
        /// Source database URL, e.g. sqlite://enough-data/enough.db.
        #[arg(long)]
        from: String,
        /// Target database URL, e.g. postgres://enough@db/enough (must be empty).
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ENOUGH_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Mark cookies Secure; set this when people reach the server over HTTPS.
    #[arg(long, env = "ENOUGH_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Trust X-Forwarded-For for the client's address (only behind your own reverse proxy):
    /// the value the proxy the connection comes from added, the rightmost.
    #[arg(long, env = "ENOUGH_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Days a browser session may stay unused before it ends (it ends after 30 days anyway).
    #[arg(long, env = "ENOUGH_SESSION_IDLE_DAYS", default_value_t = 7,
          value_parser = clap::value_parser!(u16).range(1..=30))]
    pub session_idle_days: u16,
    /// Password hashes run at once, each needing 19 MiB while it runs (0: one, so hashing takes
    /// at most one core's worth; its threads run at a lower priority than reads). Two more wait
    /// per thread at most; further sign-ins get 503 with Retry-After.
    #[arg(long, env = "ENOUGH_HASH_THREADS", default_value_t = 0)]
    pub hash_threads: usize,
    /// A reverse proxy (address or CIDR range) whose X-Forwarded-For is believed; repeat for
    /// each. The header is read right to left past these; without any, the connection's
    /// address is the client's.
    #[arg(
        long = "trusted-proxy",
        env = "ENOUGH_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<enough_web::client_address::IpRange>,
    /// The address people reach the server at, e.g. https://enough.example.org; used for every
    /// absolute link (calendar feeds, invitations). Default: http://ADDR (https with
    /// --secure-cookies).
    #[arg(long, env = "ENOUGH_PUBLIC_URL", value_parser = public_url)]
    pub public_url: Option<String>,
    /// A secret (16 characters or more) that lets a scraper read /metrics from anywhere with
    /// `Authorization: Bearer TOKEN`. Without it, /metrics answers only to this machine's
    /// loopback, and never to a request relayed by a reverse proxy.
    #[arg(long, env = "ENOUGH_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<enough_web::MetricsToken>,
}

/// An http(s) URL without a path, query or credentials.
fn public_url(text: &str) -> Result<String, String> {
    let t = text.trim().trim_end_matches('/');
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or_else(|| format!("'{text}' must start with https:// or http://"))?;
    if rest.is_empty()
        || rest.contains(['/', '?', '#', '@', ' '])
        || rest.chars().any(char::is_control)
    {
        return Err(format!(
            "'{text}' must be a scheme and host only, like https://enough.example.org"
        ));
    }
    Ok(t.to_owned())
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account.
    Add {
        /// E-mail address (the sign-in name).
        #[arg(long)]
        email: String,
        /// person, therapist or admin.
        #[arg(long, default_value = "person")]
        role: String,
        /// Read the password from standard input (one line).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// IANA time zone, e.g. Europe/London.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
    },
    /// Set an account's password (an admin reset): ends its sessions and revokes its tokens.
    SetPassword {
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
        /// Read the new password from standard input (one line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable an account: it cannot sign in, its sessions and tokens stop working at once.
    Disable {
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
    },
    /// List accounts.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a personal access token and print it (shown only once).
    Create {
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "created with the CLI")]
        name: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SignupState {
    /// Anyone who reaches the server can create an account.
    Open,
    /// Only admins add accounts.
    Close,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The person's e-mail address.
    #[arg(long)]
    pub email: String,
    /// The date, YYYY-MM-DD (default: the person's today).
    #[arg(long)]
    pub date: Option<String>,
    /// Hours of daylight exposure, 0–24 in quarter hours (e.g. 1.5 or 1:30).
    ///
    /// Every value is optional: give any subset. Values given are added to the day (what it
    /// already has stays); a day needs at least one value.
    #[arg(long)]
    pub daylight: Option<String>,
    /// Energy, 0–10.
    #[arg(long)]
    pub energy: Option<String>,
    /// Mood, 0–10.
    #[arg(long)]
    pub mood: Option<String>,
    /// Outside in the morning: yes or no.
    #[arg(long)]
    pub outside_morning: Option<String>,
    /// A habit that was done (repeatable): got_outside, moved_my_body, nourishing_food,
    /// joyful_activity, social_contact. Given habits replace the day's ticked set.
    #[arg(long = "habit")]
    pub habits: Vec<String>,
    /// A note (at most 2,000 characters).
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct DaysArgs {
    /// The person's e-mail address.
    #[arg(long)]
    pub email: String,
    /// First date, inclusive (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Last date, inclusive (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `enough import FORMAT FILE --email E`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// daylio, bearable, csv (date,daylight_hours,energy,mood,outside_morning,note),
    /// apple-health (export.zip or export.xml), or json (an export made by enough).
    #[arg(value_parser = ["daylio", "bearable", "csv", "apple-health", "json"])]
    pub format: String,
    /// The file to import.
    pub file: PathBuf,
    /// Whose log.
    #[arg(long)]
    pub email: String,
    /// Show what would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// When a day already has a value: keep-mine (default) or take-imported.
    #[arg(long, default_value = "keep-mine", value_parser = ["keep-mine", "take-imported"])]
    pub rule: String,
    /// Daylio mood labels as label=value pairs (0–10), e.g. "rad=10, good=8, meh=5, bad=3,
    /// awful=0, anxious=2"; default: Daylio's five moods spread over 0–10.
    #[arg(long, default_value = "")]
    pub moods: String,
    /// Which Daylio activities tick which habit, one habit per line or separated by ";", e.g.
    /// "moved_my_body: walk, sport, yoga; got_outside: walk, nature". Replaces the defaults
    /// (walk, nature, sport, friends, family, good meal, cooking, reading, music, ...);
    /// unmatched activities are listed, never guessed.
    #[arg(long, default_value = "")]
    pub activities: String,
    /// For new days the source has no daylight for: use this many hours.
    #[arg(long)]
    pub fill_daylight: Option<f64>,
    /// For new days without energy: use this (0–10).
    #[arg(long)]
    pub fill_energy: Option<u8>,
    /// For new days without mood: use this (0–10).
    #[arg(long)]
    pub fill_mood: Option<u8>,
    /// For new days without "outside in the morning": yes or no.
    #[arg(long, value_parser = ["yes", "no"])]
    pub fill_outside: Option<String>,
}
