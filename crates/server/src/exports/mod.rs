//! Office exports: people, surveys and candidates as CSV (UTF-8 with a BOM, so Excel shows the
//! Chinese correctly) or XLSX, with Chinese column headers and choices as their Chinese labels.
//! What a caller gets follows their rights: their branches only for branch-scoped roles, and
//! no phone or ID number columns for roles that may not see personal data.

mod csv_file;
mod tables;
mod xlsx_file;

use std::collections::HashMap;

use shared::model::Branch;
use shared::record::{EntityKind, Record};
use shared::roles::Account;

use crate::store::{Store, StoreError};

pub use tables::{candidates_table, people_table, surveys_table};

/// Which records to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportWhat {
    People,
    Surveys,
    Candidates,
}

impl ExportWhat {
    pub const ALL: [ExportWhat; 3] =
        [ExportWhat::People, ExportWhat::Surveys, ExportWhat::Candidates];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportWhat::People => "people",
            ExportWhat::Surveys => "surveys",
            ExportWhat::Candidates => "candidates",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.as_str() == s)
    }

    /// Sheet name (also the title of the table).
    pub fn label_zh(self) -> &'static str {
        match self {
            ExportWhat::People => "党员名册",
            ExportWhat::Surveys => "调查摸底",
            ExportWhat::Candidates => "争创对象",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// `people.csv` → (people, csv).
pub fn parse_file_name(name: &str) -> Option<(ExportWhat, ExportFormat)> {
    let (what, format) = name.split_once('.')?;
    Some((ExportWhat::parse(what)?, ExportFormat::parse(format)?))
}

/// One cell of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        let s = s.into();
        if s.is_empty() { Cell::Empty } else { Cell::Text(s) }
    }

    /// As CSV shows it.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A table ready to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub title: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportFileError {
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The file's bytes.
pub fn render(table: &Table, format: ExportFormat) -> Result<Vec<u8>, ExportFileError> {
    match format {
        ExportFormat::Csv => csv_file::write(table),
        ExportFormat::Xlsx => xlsx_file::write(table),
    }
}

/// Branch key → branch name, from the branch records. Records name their branch by its key
/// (`Branch::key`: the code, which for a branch adopted from a free-text value is that text,
/// else the record id), so a renamed branch prints its new name.
fn branch_names(branches: &[Record]) -> HashMap<String, String> {
    branches
        .iter()
        .filter_map(|r| {
            let b: Branch = r.to_typed().ok()?;
            Some((b.key(r.id), b.name))
        })
        .filter(|(_, name)| !name.trim().is_empty())
        .collect()
}

/// Build the table of `what` as `account` may see it.
/// `scope`: the caller's towns, or one of them (a county account's `town` filter).
pub async fn build(
    store: &dyn Store,
    scope: crate::store::Scope,
    what: ExportWhat,
    account: &Account,
) -> Result<Table, StoreError> {
    let branches = branch_names(&store.records(scope, EntityKind::Branch, account).await?);
    let people = store.records(scope, EntityKind::Person, account).await?;
    Ok(match what {
        ExportWhat::People => people_table(&people, &branches, account.role),
        ExportWhat::Surveys => {
            let surveys = store.records(scope, EntityKind::Survey, account).await?;
            surveys_table(&surveys, &people, &branches)
        }
        ExportWhat::Candidates => candidates_table(
            &store.records(scope, EntityKind::Candidate, account).await?,
            &people,
            &branches,
        ),
    })
}

/// A download name like `people-20261128.xlsx` (ASCII, so every browser keeps it).
pub fn file_name(what: ExportWhat, format: ExportFormat, date: chrono::NaiveDate) -> String {
    format!("{}-{}.{}", what.as_str(), date.format("%Y%m%d"), format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_parse() {
        assert_eq!(parse_file_name("people.csv"), Some((ExportWhat::People, ExportFormat::Csv)));
        assert_eq!(
            parse_file_name("candidates.xlsx"),
            Some((ExportWhat::Candidates, ExportFormat::Xlsx))
        );
        assert_eq!(parse_file_name("people.pdf"), None);
        assert_eq!(parse_file_name("users.csv"), None);
        assert_eq!(parse_file_name("people"), None);
    }
}
