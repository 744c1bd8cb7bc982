//! Command-line options of `server serve` (each also read from the environment).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Args;

#[derive(Clone, Debug, Args)]
pub struct ServeOptions {
    /// TCP port to listen on.
    #[arg(long, env = "FIELD_PORT", default_value_t = 8080)]
    pub port: u16,
    /// Address to bind (0.0.0.0 to serve the office network).
    #[arg(long, env = "FIELD_BIND", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Where the database and attachments live.
    #[arg(long, env = "FIELD_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Keep the data in PostgreSQL (`postgres://user:password@host:port/dbname`) instead of the
    /// SQLite file under --data-dir (photos stay under --data-dir). See docs/DEPLOY.md.
    #[arg(long, env = "FIELD_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The built app to serve (Trunk's output).
    #[arg(long, env = "FIELD_DIST", default_value = "./dist")]
    pub dist: PathBuf,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key); see docs/DEPLOY.md.
    #[arg(long, env = "FIELD_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, env = "FIELD_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// The oldest sync protocol (`X-Field-Protocol`) to sync with: older apps are told to update
    /// (`426 upgrade_required`). Only raises the minimum this build needs
    /// (`shared::sync::MIN_PROTOCOL_VERSION`), never lowers it.
    #[arg(long, env = "FIELD_MIN_PROTOCOL")]
    pub min_protocol: Option<u32>,
    /// A reverse proxy (address or network, e.g. 127.0.0.1 or 10.0.0.0/8; repeat the option or
    /// give a comma list) whose `X-Forwarded-For` names the client: only requests from it are
    /// read so, taking the right-most address that is not a trusted proxy. See docs/DEPLOY.md.
    #[arg(long = "trusted-proxy", env = "FIELD_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxies: Vec<crate::proxy::ProxyNet>,
    /// Connections served at once; more wait (in the kernel's listen queue) until one closes.
    /// Lowered when the open-file limit (`ulimit -n`, systemd's `LimitNOFILE`) leaves less room.
    #[arg(long, env = "FIELD_MAX_CONNECTIONS", default_value_t = crate::limits::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Megabytes of disk a photo upload must leave free under --data-dir: below it photos are
    /// refused (they stay on the tablets) so the database keeps room for records.
    #[arg(long, env = "FIELD_MIN_FREE_MB", default_value_t = crate::limits::DEFAULT_MIN_FREE_MB)]
    pub min_free_mb: u64,
    /// Megabytes of photos one account may upload a day (0: no bound); beyond it the account's
    /// photos wait on its tablets until the day's quota refills.
    #[arg(long, env = "FIELD_PHOTO_MB_PER_DAY", default_value_t = crate::limits::DEFAULT_PHOTO_MB_PER_DAY)]
    pub photo_mb_per_day: u64,
}

/// Where the database lives, for the admin subcommands.
#[derive(Clone, Debug, Args)]
pub struct DataDirOption {
    #[arg(long, env = "FIELD_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// The PostgreSQL database of a county deployment (as `serve --database-url`).
    #[arg(long, env = "FIELD_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The town (镇) the command works in, by name; created by `add-user`/`create-admin` if
    /// new. Without it: the default town (a town's own install), or for `add-user --role
    /// county_viewer` every town, and for `export` every town.
    #[arg(long, env = "FIELD_TOWN")]
    pub town: Option<String>,
}

impl ServeOptions {
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.bind, self.port)
    }
}
