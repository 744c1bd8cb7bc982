//! `server`: run the office server, or manage its accounts.

use std::process::ExitCode;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use server::commands;
use server::config::{DataDirOption, ServeOptions};
use server::exports::{ExportFormat, ExportWhat};
use shared::roles::Role;
use shared::sync::CreateUserRequest;
use tracing_subscriber::EnvFilter;

/// mimalloc, not the system's allocator: a push of 2,000 operations allocates and frees a great
/// many small values (JSON, records, statements' parameters), and glibc's malloc spent a tenth
/// to a fifth of the push handler's time on them (docs/PERFORMANCE.md, round 8).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "server", version, about = "四争一树 Field 办公室服务器")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeOptions,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and the sync API (the default).
    Serve(ServeOptions),
    /// Create a town-office (镇组织办) account.
    CreateAdmin {
        #[command(flatten)]
        data: DataDirOption,
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "管理员")]
        display_name: String,
    },
    /// Create an account of any role.
    AddUser {
        #[command(flatten)]
        data: DataDirOption,
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
        /// surveyor, branch_secretary, town_office or county_viewer.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Comma-separated branch ids (for surveyors and branch secretaries).
        #[arg(long, value_delimiter = ',')]
        branches: Vec<String>,
        #[arg(long)]
        display_name: String,
    },
    /// Import an export file made by a tablet (the whole file in one transaction).
    Import {
        #[command(flatten)]
        data: DataDirOption,
        /// The export file.
        #[arg(long)]
        file: PathBuf,
        /// The file's passphrase, if it is encrypted.
        #[arg(long, env = "FIELD_EXPORT_PASSPHRASE")]
        passphrase: Option<String>,
        /// Record the import under this account (default: 命令行).
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// Write an office export (CSV with BOM, or XLSX) with Chinese column headers.
    Export {
        #[command(flatten)]
        data: DataDirOption,
        /// people, surveys or candidates.
        #[arg(long, value_parser = parse_what)]
        what: ExportWhat,
        /// csv or xlsx.
        #[arg(long, value_parser = parse_format, default_value = "xlsx")]
        format: ExportFormat,
        #[arg(long)]
        out: PathBuf,
        /// Export what this account may see (default: everything, as the town office).
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// Move a town's SQLite install (its data directory) into an empty PostgreSQL database:
    /// every row, sequence number and photo, checked by counts and hashes; the town's tablets
    /// keep their sign-ins and cursors.
    Migrate {
        /// The town's data directory (with field.sqlite3 and attachments/).
        #[arg(long)]
        from: PathBuf,
        /// The PostgreSQL database (postgres://user:password@host:port/dbname).
        #[arg(long)]
        to: String,
        /// The town's name (recorded in the audit log).
        #[arg(long)]
        town: String,
        /// The county deployment's data directory: the photos are copied to its attachments/.
        #[arg(long, env = "FIELD_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
}

fn parse_what(s: &str) -> Result<ExportWhat, String> {
    ExportWhat::parse(s)
        .ok_or_else(|| format!("未知导出内容 {s:?}，可选：people, surveys, candidates"))
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(s).ok_or_else(|| format!("未知格式 {s:?}，可选：csv, xlsx"))
}

fn parse_role(s: &str) -> Result<Role, String> {
    server::users::parse_role(s).ok_or_else(|| {
        let names: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("未知角色 {s:?}，可选：{}", names.join(", "))
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(options)) => serve(options).await,
        Some(Command::CreateAdmin { data, username, password, display_name }) => {
            let req = CreateUserRequest {
                username,
                password,
                display_name,
                role: Role::TownOffice,
                branches: Vec::new(),
            };
            add_user(&data, req).await
        }
        Some(Command::AddUser { data, username, password, role, branches, display_name }) => {
            add_user(&data, CreateUserRequest { username, password, display_name, role, branches })
                .await
        }
        Some(Command::Import { data, file, passphrase, as_user }) => {
            commands::import(&data, &file, passphrase, as_user.as_deref())
                .await
                .map(|report| println!("{}", commands::describe_import(&report)))
        }
        Some(Command::Export { data, what, format, out, as_user }) => {
            commands::export(&data, what, format, &out, as_user.as_deref())
                .await
                .map(|rows| println!("已导出{} {rows} 行到 {}", what.label_zh(), out.display()))
        }
        Some(Command::Migrate { from, to, town, data_dir }) => {
            server::migrate::migrate(&from, &to, &town, &data_dir).await.map(|report| {
                for t in &report.tables {
                    println!("{:<15} {:>9} 行  sha256 {}", t.table, t.rows, t.sha256);
                }
                println!(
                    "已将镇“{}”迁入 PostgreSQL：{} 张表行数与校验和一致，照片 {} 张",
                    report.town,
                    report.tables.len(),
                    report.photos
                );
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("错误：{message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(options: ServeOptions) -> Result<(), String> {
    if !options.dist.join("index.html").exists() {
        tracing::warn!(dist = %options.dist.display(), "no index.html in the app folder: only the API is served");
    }
    let tls = match (&options.tls_cert, &options.tls_key) {
        (Some(cert), Some(key)) => Some(server::tls::load(cert, key).map_err(|e| e.to_string())?),
        _ => None,
    };
    let mut state =
        server::open_state_with(&options.data_dir, &options.dist, options.database_url.as_deref())
            .await
            .map_err(|e| e.to_string())?;
    state.set_trusted_proxies(server::proxy::TrustedProxies::new(options.trusted_proxies.clone()));
    let min_free_bytes = options.min_free_mb.saturating_mul(1024 * 1024);
    if options.max_connections != state.limits.max_connections
        || min_free_bytes != state.limits.min_free_bytes
        || options.photo_mb_per_day != state.limits.photo_mb_per_day
    {
        let limits = server::limits::Limits {
            max_connections: options.max_connections.max(1),
            min_free_bytes,
            photo_mb_per_day: options.photo_mb_per_day,
            ..(*state.limits).clone()
        };
        state.set_limits(limits);
    }
    if let Some(minimum) = options.min_protocol {
        state.set_min_protocol(minimum.max(shared::sync::MIN_PROTOCOL_VERSION));
    }
    let listener = tokio::net::TcpListener::bind(options.addr())
        .await
        .map_err(|e| format!("无法监听 {}：{e}", options.addr()))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(addr = %options.addr(), %scheme, data_dir = %options.data_dir.display(), clock = %state.clock_node(), "office server listening");
    server::serve_with(listener, state, tls, shutdown_signal()).await.map_err(|e| e.to_string())
}

async fn add_user(data: &DataDirOption, req: CreateUserRequest) -> Result<(), String> {
    let store = server::store::open(&data.data_dir, data.database_url.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    let town = match (data.town.as_deref(), req.role) {
        (Some(name), _) => Some(server::commands::town_id(store.as_ref(), name, true).await?),
        // A county account reads every town; any other account without --town works in the
        // default town (a town's own install needs no town configuration).
        (None, Role::CountyViewer) => None,
        (None, _) => Some(server::store::DEFAULT_TOWN),
    };
    // One hash, on a thread of its own as the server runs them.
    let hashing = server::limits::HashLimiter::new(1, 1);
    let created = server::users::create(store.as_ref(), &hashing, req, town)
        .await
        .map_err(|e| e.body().error.message)?;
    println!(
        "已创建账号 {}（{}，{}）",
        created.account.username,
        created.account.display_name,
        created.account.role.label_zh()
    );
    Ok(())
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
    tracing::info!("shutting down");
}
