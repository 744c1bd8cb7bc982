//! `server`: run the office server, or manage its accounts.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::config::{DataDirOption, ServeOptions};
use server::store::{SqliteStore, Store};
use shared::roles::Role;
use shared::sync::CreateUserRequest;
use tracing_subscriber::EnvFilter;

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
    let state = server::open_state(&options.data_dir, &options.dist).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(options.addr())
        .await
        .map_err(|e| format!("无法监听 {}：{e}", options.addr()))?;
    tracing::info!(addr = %options.addr(), data_dir = %options.data_dir.display(), "office server listening");
    server::serve(listener, state, shutdown_signal()).await.map_err(|e| e.to_string())
}

async fn add_user(data: &DataDirOption, req: CreateUserRequest) -> Result<(), String> {
    let store = SqliteStore::open(&data.data_dir).map_err(|e| e.to_string())?;
    let created = server::users::create(&store as &dyn Store, req)
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
