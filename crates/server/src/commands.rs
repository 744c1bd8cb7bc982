//! `server import` and `server export`: the office's file commands, run on the server machine
//! against its data directory (safe while the server runs: SQLite WAL with a busy timeout).

use std::path::Path;

use shared::roles::{Account, Role};

use crate::attachments::AttachmentStore;
use crate::config::DataDirOption;
use crate::exports::{self, ExportFormat, ExportWhat};
use crate::import::{ImportReport, Importer, import_file};
use crate::store::{Scope, Store};

/// The store of the data directory, or of `--database-url`.
async fn open(data: &DataDirOption) -> Result<std::sync::Arc<dyn Store>, String> {
    crate::store::open(&data.data_dir, data.database_url.as_deref())
        .await
        .map_err(|e| e.to_string())
}

/// The id of the town named `name` (created first if `create`); an error if there is none.
pub async fn town_id(store: &dyn Store, name: &str, create: bool) -> Result<i64, String> {
    match store.town_named(name.trim(), create).await.map_err(|e| e.to_string())? {
        Some(town) => Ok(town.id),
        None => Err(format!("没有名为“{name}”的镇")),
    }
}

/// The audit name of an import or export run from the command line without `--as`.
pub const CLI_USER: &str = "命令行";

/// The account named by `--as`, if any.
async fn account_for(
    store: &dyn Store,
    user: Option<&str>,
) -> Result<Option<(i64, Account, Option<i64>)>, String> {
    let Some(name) = user else {
        return Ok(None);
    };
    match store.credentials(name).await.map_err(|e| e.to_string())? {
        Some(c) if !c.disabled => Ok(Some((c.user_id, c.account, c.town))),
        Some(_) => Err(format!("账号 {name} 已停用")),
        None => Err(format!("没有账号 {name}")),
    }
}

/// Import an export file into the data directory.
pub async fn import(
    data: &DataDirOption,
    file: &Path,
    passphrase: Option<String>,
    user: Option<&str>,
) -> Result<ImportReport, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("无法读取文件 {}：{e}", file.display()))?;
    let store = open(data).await?;
    let dir = data.data_dir.join("attachments");
    let attachments = AttachmentStore::open(&dir)
        .map_err(|e| format!("无法打开附件目录 {}：{e}", dir.display()))?;
    // The room `serve` keeps for the database by default (`--min-free-mb`).
    attachments.set_min_free(crate::limits::Limits::default().min_free_bytes);
    let importer = match account_for(store.as_ref(), user).await? {
        Some((id, account, Some(town))) => {
            Importer { username: account.username, user_id: Some(id), town }
        }
        Some((_, account, None)) => {
            return Err(format!("县级账号 {} 不能导入导出文件", account.username));
        }
        None => {
            let town = match data.town.as_deref() {
                Some(name) => town_id(store.as_ref(), name, false).await?,
                None => crate::store::DEFAULT_TOWN,
            };
            Importer { username: CLI_USER.to_owned(), user_id: None, town }
        }
    };
    let hashing = crate::limits::HashLimiter::new(1, 1);
    let passphrase = passphrase.filter(|p| !p.is_empty());
    import_file(store.as_ref(), &hashing, &attachments, bytes, passphrase, importer)
        .await
        .map_err(|e| crate::error::AppError::from(e).body().error.message)
}

/// A person-readable summary of an import.
pub fn describe_import(report: &ImportReport) -> String {
    let mut text = format!(
        "已导入 {} 于 {} 从设备 {} 导出的文件：共 {} 条修改，新保存 {}，重复 {}，拒绝 {}；照片 {} 张（新增 {}）",
        report.author,
        report.created_at,
        report.device_id,
        report.operations,
        report.accepted,
        report.duplicate,
        report.rejected,
        report.attachments,
        report.attachments_new
    );
    for r in &report.rejections {
        let record = report.refused_records.iter().find(|c| c.op_id == r.id);
        let what = record.map_or_else(String::new, |c| {
            let kind = texts::branches::entity_text(c.entity).get_in(None);
            format!("{kind}「{}」", c.name.as_deref().unwrap_or(texts::UNNAMED.get_in(None)))
        });
        text.push_str(&format!(
            "\n  拒绝 {what}（{}）：{}",
            r.id,
            r.message.as_deref().unwrap_or("")
        ));
    }
    text
}

/// Write an office export to `out`; returns the number of rows.
pub async fn export(
    data: &DataDirOption,
    what: ExportWhat,
    format: ExportFormat,
    out: &Path,
    user: Option<&str>,
) -> Result<usize, String> {
    let store = open(data).await?;
    let (scope, account) = match account_for(store.as_ref(), user).await? {
        Some((_, account, town)) => {
            let scope = match (town, account.role) {
                (Some(town), _) => Scope::Town(town),
                (None, Role::CountyViewer) => Scope::County,
                (None, _) => return Err(format!("账号 {} 不属于任何镇", account.username)),
            };
            (scope, account)
        }
        None => (
            Scope::County,
            Account {
                username: CLI_USER.to_owned(),
                display_name: CLI_USER.to_owned(),
                role: Role::TownOffice,
                branches: Vec::new(),
            },
        ),
    };
    let town = match data.town.as_deref() {
        Some(name) => Some(town_id(store.as_ref(), name, false).await?),
        None => None,
    };
    let scope = scope.narrowed(town).ok_or("该账号不能导出别的镇")?;
    let table =
        exports::build(store.as_ref(), scope, what, &account).await.map_err(|e| e.to_string())?;
    let rows = table.rows.len();
    let bytes = exports::render(&table, format).map_err(|e| e.to_string())?;
    std::fs::write(out, bytes).map_err(|e| format!("无法写入 {}：{e}", out.display()))?;
    Ok(rows)
}
