//! What each subcommand does; all of it through the same app services as the web layer.

use crate::cli::{
    Cli, Command, DaysArgs, LogArgs, ServeArgs, SignupState, TokenCommand, UserCommand,
};
use crate::database;
use anyhow::{Context, Result, anyhow};
use enough_app::{App, AppError, Support};
use enough_domain::account::Role;
use enough_domain::day::{DayPatch, DayText, parse_date};
use enough_web::{AppState, WebConfig};
use std::io::BufRead;
use std::time::Instant;

/// Runs the chosen subcommand.
pub async fn run(cli: Cli) -> Result<()> {
    if let Command::MigrateStore { from, to } = &cli.command {
        return migrate(from, to).await;
    }
    let url = database::database_url(cli.database.as_deref(), &cli.data_dir);
    match &cli.command {
        Command::Restore { file } => return restore(&url, file).await,
        Command::Backup { file, keep } => return backup(&url, file, *keep).await,
        _ => {}
    }
    let started = Instant::now();
    let (store, pool_probe) = database::open_with_probe(&url, cli.db_pool_size).await?;
    let mut config = enough_app::AppConfig::default();
    if let Command::Serve(args) = &cli.command {
        config.session_idle_secs = i64::from(args.session_idle_days) * 24 * 3600;
        config.hash_threads = args.hash_threads;
    }
    let app = App::with_config(store, config);
    match cli.command {
        Command::Serve(args) => serve(app, args, &url, started, pool_probe).await,
        Command::User(UserCommand::Add {
            email,
            role,
            password_stdin: _,
            time_zone,
        }) => {
            let role: Role = role.parse().map_err(readable)?;
            let password = read_password()?;
            let user = app
                .add_user(&email, role, &password, &time_zone)
                .await
                .map_err(readable)?;
            println!("added {} ({}), id {}", user.email, user.role, user.id);
            Ok(())
        }
        Command::User(UserCommand::List { json }) => {
            let users = app.list_users().await.map_err(readable)?;
            if json {
                let rows: Vec<_> = users
                    .iter()
                    .map(|u| serde_json::json!({"id": u.id, "email": u.email, "role": u.role, "time_zone": u.time_zone.name()}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                println!("{:<6} {:<10} {:<24} email", "id", "role", "time zone");
                for u in users {
                    println!(
                        "{:<6} {:<10} {:<24} {}",
                        u.id,
                        u.role,
                        u.time_zone.name(),
                        u.email
                    );
                }
            }
            Ok(())
        }
        Command::User(UserCommand::SetPassword {
            email,
            password_stdin: _,
        }) => {
            let password = read_password()?;
            let user = app
                .set_password_from_shell(&email, &password)
                .await
                .map_err(readable)?;
            println!(
                "password set for {}; its sessions ended and its tokens were revoked ({})",
                user.email,
                enough_domain::account::password_hint(&password)
            );
            Ok(())
        }
        Command::User(UserCommand::Disable { email }) => {
            let user = app
                .set_disabled_from_shell(&email, true)
                .await
                .map_err(readable)?;
            println!(
                "disabled {}; its sessions ended and its tokens were revoked",
                user.email
            );
            Ok(())
        }
        Command::User(UserCommand::Enable { email }) => {
            let user = app
                .set_disabled_from_shell(&email, false)
                .await
                .map_err(readable)?;
            println!("enabled {}; it can sign in again", user.email);
            Ok(())
        }
        Command::Token(TokenCommand::Create { email, name }) => {
            let user = app.me_at_shell(&email).await.map_err(readable)?;
            let (_, secret) = app.create_token(&user, &name).await.map_err(readable)?;
            println!("{secret}");
            Ok(())
        }
        Command::Signup { state } => {
            let open = matches!(state, SignupState::Open);
            app.set_sign_up_open_from_shell(open)
                .await
                .map_err(readable)?;
            println!("sign-up is now {}", if open { "open" } else { "closed" });
            Ok(())
        }
        Command::Log(args) => log(app, args).await,
        Command::Import(args) => crate::import::run(app, args).await,
        Command::Days(args) => days(app, args).await,
        Command::Export {
            email,
            format,
            output,
        } => {
            let user = app.me_at_shell(&email).await.map_err(readable)?;
            let bytes = match format.as_str() {
                "csv" => app.export_csv_zip(&user).await.map_err(readable)?,
                "fhir" => {
                    let bundle = app.export_fhir(&user).await.map_err(readable)?;
                    serde_json::to_vec_pretty(&bundle)?
                }
                _ => serde_json::to_vec_pretty(&app.export(&user).await.map_err(readable)?)?,
            };
            match output {
                Some(path) => crate::database::write_private(&path, &bytes)
                    .map_err(|e| anyhow::anyhow!("--output {}: {e}", path.display()))?,
                None if format == "csv" => {
                    anyhow::bail!("--format csv writes a zip: give --output FILE.zip")
                }
                None => {
                    use std::io::Write;
                    let mut out = std::io::stdout().lock();
                    out.write_all(&bytes)?;
                    out.write_all(b"\n")?;
                }
            }
            Ok(())
        }
        Command::MigrateStore { .. } | Command::Restore { .. } | Command::Backup { .. } => Ok(()),
    }
}

fn sqlite_only(url: &str, what: &str) -> Result<std::path::PathBuf> {
    if !url.starts_with("sqlite:") {
        anyhow::bail!(
            "{what} works on the SQLite store; for PostgreSQL use pg_dump and pg_restore"
        );
    }
    Ok(enough_store_sqlite::path_from_url(url)?)
}

async fn backup(url: &str, target: &std::path::Path, keep: Option<u32>) -> Result<()> {
    sqlite_only(url, "backup")?;
    let to_folder = target.is_dir() || target.as_os_str().to_string_lossy().ends_with('/');
    if keep.is_some() && !to_folder {
        return Err(anyhow!(
            "--keep needs a folder (e.g. /var/backups/enough/), where each backup gets its own \
             dated name; {} is a file",
            target.display()
        ));
    }
    let file = if to_folder {
        database::create_private_dir(target)
            .with_context(|| format!("could not create the folder {}", target.display()))?;
        crate::backups::dated_path(target, chrono::Utc::now())
    } else {
        target.to_owned()
    };
    let store = enough_store_sqlite::SqliteStore::open(url).await?;
    store.backup(&file).await?;
    let version = enough_store_sqlite::verify_backup(&file)?;
    println!(
        "backed up to {} (integrity check ok, schema {version})",
        file.display()
    );
    // Older backups go only after this one is written and verified.
    if let Some(keep) = keep {
        let removed = crate::backups::prune(target, keep as usize)
            .with_context(|| format!("could not remove old backups from {}", target.display()))?;
        for path in &removed {
            println!("removed {}", path.display());
        }
        println!("keeping the newest {keep} dated backups");
    }
    Ok(())
}

async fn restore(url: &str, file: &std::path::Path) -> Result<()> {
    let target = sqlite_only(url, "restore")?;
    let (file, target2) = (file.to_owned(), target.clone());
    tokio::task::spawn_blocking(move || enough_store_sqlite::restore(&file, &target2)).await??;
    // Opening runs any migrations the backup is behind on.
    let store = enough_store_sqlite::SqliteStore::open(url).await?;
    let users = store.count_users().await?;
    println!("restored {} ({users} accounts)", target.display());
    Ok(())
}

async fn migrate(from: &str, to: &str) -> Result<()> {
    let source = database::open(from).await?;
    let target = database::open(to).await?;
    let summary = enough_app::migrate_store(source.as_ref(), target.as_ref())
        .await
        .map_err(readable)?;
    println!(
        "copied {} → {} and verified:",
        database::redacted(from),
        database::redacted(to)
    );
    println!("{:<16} {:>8}  sha256", "table", "rows");
    for table in summary {
        println!("{:<16} {:>8}  {}", table.table, table.rows, table.checksum);
    }
    Ok(())
}

/// Turns an app error into a message for the shell, naming fields.
pub(crate) fn readable(e: impl Into<AppError>) -> anyhow::Error {
    match e.into() {
        AppError::Validation(errors) => {
            let lines: Vec<String> = errors
                .0
                .iter()
                .map(|e| format!("  --{}: {}", e.field.replace('_', "-"), e.message))
                .collect();
            anyhow!(
                "the input was not accepted, nothing was saved:\n{}",
                lines.join("\n")
            )
        }
        AppError::NotFound("account") => anyhow!("no account has that e-mail address"),
        other => anyhow!(other.to_string()),
    }
}

fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("could not read the password from standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// How many finished handshakes the kernel keeps for the server to accept. The standard
/// library's 128 overflowed under a burst of a few hundred connections: the kernel then drops
/// new ones and their clients retry only after a second.
const LISTEN_BACKLOG: u32 = 1024;

/// A listening socket on `addr` with room for [`LISTEN_BACKLOG`] waiting connections.
fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

async fn serve(
    app: App,
    args: ServeArgs,
    url: &str,
    started: Instant,
    pool_probe: Option<enough_web::PoolProbe>,
) -> Result<()> {
    let listener =
        listen(args.addr).with_context(|| format!("could not listen on {}", args.addr))?;
    let local = listener.local_addr()?;
    let state = AppState::new(
        app.clone(),
        WebConfig {
            secure_cookies: args.secure_cookies,
            trust_forwarded_for: args.trust_forwarded_for,
            trusted_proxies: args.trusted_proxies.clone(),
            public_url: Some(args.public_url.clone().unwrap_or_else(|| {
                let scheme = if args.secure_cookies { "https" } else { "http" };
                format!("{scheme}://{local}")
            })),
            metrics_token: args.metrics_token.clone(),
        },
    );
    let state = match pool_probe {
        Some(probe) => state.with_pool_probe(probe),
        None => state,
    };
    tokio::spawn(purge_sessions(app.clone()));
    tracing::info!(
        "enough is listening on http://{local} (database: {}, ready in {} ms)",
        database::redacted(url),
        started.elapsed().as_millis()
    );
    enough_web::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn purge_sessions(app: App) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        if let Err(e) = app.purge_expired_sessions().await {
            tracing::warn!(error = %e, "could not remove expired sessions");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

async fn log(app: App, args: LogArgs) -> Result<()> {
    let user = app.me_at_shell(&args.email).await.map_err(readable)?;
    let date = match &args.date {
        Some(raw) => parse_date("date", raw).map_err(readable)?,
        None => app.today(&user),
    };
    let text = DayText {
        daylight_hours: args.daylight.clone().unwrap_or_default(),
        energy: args.energy.clone().unwrap_or_default(),
        mood: args.mood.clone().unwrap_or_default(),
        outside_morning: args.outside_morning.clone().unwrap_or_default(),
        habits: args.habits.clone(),
        note: args.note.clone().unwrap_or_default(),
    };
    let (fields, errors) = text.to_fields();
    // Only the flags given change the day (PATCH semantics); the rest stays as logged.
    let patch = DayPatch {
        daylight_hours: args.daylight.is_some().then_some(fields.daylight_hours),
        energy: args.energy.is_some().then_some(fields.energy),
        mood: args.mood.is_some().then_some(fields.mood),
        outside_morning: args
            .outside_morning
            .is_some()
            .then_some(fields.outside_morning),
        habits: (!args.habits.is_empty()).then_some(fields.habits),
        note: args.note.is_some().then_some(fields.note),
    };
    let (entry, created, support) = app
        .patch_day(&user, date, patch, errors)
        .await
        .map_err(readable)?;
    println!(
        "{} {}: mood {}, energy {}, daylight {}, outside in the morning {}",
        if created { "logged" } else { "updated" },
        entry.date,
        entry.mood_label(),
        entry.energy_label(),
        entry.daylight_label(),
        entry.outside_label()
    );
    print_support(support.as_ref());
    Ok(())
}

/// After a save the app's safety decision asked support for: the crisis lines, on stderr (so
/// they reach the person even when the output goes to a file or a pipe).
pub(crate) fn print_support(support: Option<&Support>) {
    let Some(support) = support else { return };
    eprintln!();
    eprintln!("Saved. Some of what was saved suggests things may be very hard right now.");
    eprintln!("You don't have to carry this alone. If you might act on thoughts of harming");
    eprintln!(
        "yourself, call {} (emergency) now. People you can talk to ({}):",
        support.emergency, support.country
    );
    for line in &support.lines {
        let ways: Vec<String> = [
            line.phone.as_ref().map(|p| format!("call {p}")),
            line.text.as_ref().map(|t| format!("text {t}")),
            line.chat.as_ref().map(|c| format!("chat {c}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        eprintln!("  {}: {} ({})", line.name, ways.join(", "), line.hours);
    }
    eprintln!(
        "Your safety plan and these lines are on the support page once signed in: {}",
        support.url
    );
}

async fn days(app: App, args: DaysArgs) -> Result<()> {
    let user = app.me_at_shell(&args.email).await.map_err(readable)?;
    let from = args
        .from
        .as_deref()
        .map(|d| parse_date("from", d))
        .transpose()
        .map_err(readable)?;
    let to = args
        .to
        .as_deref()
        .map(|d| parse_date("to", d))
        .transpose()
        .map_err(readable)?;
    let days = app.days(&user, from, to).await.map_err(readable)?;
    if args.json {
        let rows: Vec<_> = days
            .iter()
            .map(|d| {
                serde_json::json!({
                    "date": d.date.to_string(), "daylight_hours": d.daylight_hours(), "energy": d.energy,
                    "mood": d.mood, "outside_morning": d.outside_morning, "habits": d.habits, "note": d.note,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        println!(
            "{:<11} {:>4} {:>6} {:>8}  outside  note",
            "date", "mood", "energy", "daylight"
        );
        for d in days {
            println!(
                "{:<11} {:>4} {:>6} {:>8}  {:<7}  {}",
                d.date.to_string(),
                d.mood_label(),
                d.energy_label(),
                d.daylight_label(),
                d.outside_label(),
                d.note.as_deref().unwrap_or("").lines().next().unwrap_or("")
            );
        }
    }
    Ok(())
}
