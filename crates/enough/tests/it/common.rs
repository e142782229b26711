//! The test harness: a real server on 127.0.0.1:0 over a fresh database, on every backend.

use enough_app::App;
use enough_domain::account::Role;
use enough_store::Store;
use enough_store_postgres::PostgresStore;
use enough_store_postgres::testing::{TestDatabase, base_url_from_env, fresh_database};
use enough_store_sqlite::SqliteStore;
use enough_web::{AppState, WebConfig};
use std::future::Future;
use std::sync::Arc;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "a long enough password";

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh database of one backend, with its URL; dropped by [`FreshDb::finish`].
pub struct FreshDb {
    pub backend: Backend,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<TestDatabase>,
}

impl FreshDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("enough.db").display());
                Self {
                    backend,
                    url,
                    _dir: Some(dir),
                    pg: None,
                }
            }
            Backend::Postgres => {
                let base = base_url_from_env("integration").expect("checked by backends()");
                let db = fresh_database(&base).await.unwrap();
                Self {
                    backend,
                    url: db.url.clone(),
                    _dir: None,
                    pg: Some(db),
                }
            }
        }
    }

    pub async fn store(&self) -> Arc<dyn Store> {
        match self.backend {
            Backend::Sqlite => Arc::new(SqliteStore::open(&self.url).await.unwrap()),
            Backend::Postgres => Arc::new(PostgresStore::connect(&self.url).await.unwrap()),
        }
    }

    pub async fn finish(self) {
        if let Some(pg) = self.pg {
            pg.drop_database().await.unwrap();
        }
    }
}

/// SQLite always; PostgreSQL too when `ENOUGH_TEST_POSTGRES_URL` is set (the skip is printed).
pub fn backends(test: &str) -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if base_url_from_env(test).is_some() {
        all.push(Backend::Postgres);
    }
    all
}

/// A server running in this process.
pub struct TestServer {
    pub url: String,
    pub app: App,
    /// The store under the app, for arranging what no endpoint can (e.g. the past).
    pub store: Arc<dyn Store>,
    stop: Option<oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn start(store: Arc<dyn Store>) -> Self {
        Self::start_with(store, WebConfig::default()).await
    }

    /// A server with its own web settings (trusted proxies, public URL…).
    pub async fn start_with(store: Arc<dyn Store>, mut config: WebConfig) -> Self {
        let app = App::new(store.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        // As `enough serve` does without --public-url: links point at the listening address.
        config.public_url.get_or_insert_with(|| url.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let state = AppState::new(app.clone(), config);
        tokio::spawn(async move {
            let _ = enough_web::serve(listener, state, async {
                let _ = stopped.await;
            })
            .await;
        });
        Self {
            url,
            app,
            store,
            stop: Some(stop),
        }
    }

    /// Adds an account directly through the app, and acts as it the way the command line does
    /// (`App::me_at_shell`: no session is started, so nothing else changes).
    pub async fn add_user(&self, email: &str, role: Role) -> enough_app::Me {
        self.app
            .add_user(email, role, PASSWORD, "Europe/Dublin")
            .await
            .unwrap();
        self.app.me_at_shell(email).await.unwrap()
    }

    /// A personal access token for `email`'s account.
    pub async fn token_for(&self, user: &enough_app::Me) -> String {
        self.app.create_token(user, "test").await.unwrap().1
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Runs `test` once per backend, each on a fresh database with an admin already set up.
pub async fn on_every_backend<F, Fut>(name: &str, test: F)
where
    F: Fn(TestServer, Backend) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends(name) {
        let db = FreshDb::new(backend).await;
        let server = TestServer::start(db.store().await).await;
        server.add_user("admin@example.org", Role::Admin).await;
        test(server, backend).await;
        db.finish().await;
    }
}

/// An HTTP client that keeps cookies and does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The CSRF token in a page's first form.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a csrf field") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

/// Signs in through the real form; returns the client holding the session cookie.
pub async fn signed_in_browser(server: &TestServer, email: &str) -> reqwest::Client {
    let client = browser();
    let page = client
        .get(format!("{}/sign-in", server.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(format!("{}/sign-in", server.url))
        .form(&[
            ("csrf", csrf_in(&page).as_str()),
            ("email", email),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "sign-in redirects");
    client
}

/// GETs a page and returns (status, body).
pub async fn get(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}
