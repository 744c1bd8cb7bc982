//! The town's roster of party members (党员名册), as Excel, WPS or a CSV written by either:
//! read with `calamine` (XLSX/XLS/ODS) or `csv` (UTF-8, or GBK/GB18030 decoded with
//! `encoding_rs`), columns found by their Chinese headers, every row checked, and matched against
//! the members the server holds (ID number, else name + birth year + branch) to become
//! operations. Nothing here writes: [`plan`] says what applying would do; the route applies the
//! operations in one transaction only when no row has a problem.

use std::collections::HashMap;
use std::io::Cursor;

use chrono::{Datelike, NaiveDate};
use serde_json::Value;
use shared::hlc::HlcClock;
use shared::message::{FieldLabel, Message};
use shared::model::{Branch, Gender, Person};
use shared::op::{OpContext, Operation};
use shared::record::{EntityKind, Record, to_fields};
use shared::sync::{RosterColumn, RosterIssue, RosterReport};
use shared::validate::{check_id_number, validate_person};
use uuid::Uuid;

/// Largest roster file taken (a town's 3,000 members are well under 1 MiB).
pub const MAX_ROSTER_BYTES: usize = 16 * 1024 * 1024;
/// Most member rows in one roster (a town has 300–3,000 members; the app is sized for 10,000).
pub const MAX_ROSTER_ROWS: usize = 10_000;
/// Largest uncompressed content of an XLSX (a zip): refuses a "zip bomb" before reading it.
pub const MAX_UNZIPPED_BYTES: u64 = 256 * 1024 * 1024;
/// Longest cell read; longer ones are a problem of their row.
pub const MAX_CELL_CHARS: usize = 200;
/// How many rows from the top may come before the header row (a title, a date line…).
const HEADER_SEARCH_ROWS: usize = 10;

/// Why a whole file is refused (before any row is looked at): [`RosterError::message`] is what
/// the office reads (worded by `crates/texts`), the `Display` is for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub enum RosterError {
    /// The reader's own reason (technical, as the library says it).
    Unreadable(String),
    /// A workbook without a sheet.
    NoSheet,
    Encoding,
    TooLarge,
    TooManyRows,
    NoHeader,
    /// A header row with names but no branch column.
    NoBranchColumn,
}

impl RosterError {
    /// The answer's stable code (what the app reacts to).
    pub fn code(&self) -> &'static str {
        match self {
            RosterError::Unreadable(_) | RosterError::NoSheet => "roster_unreadable",
            RosterError::Encoding => "roster_encoding",
            RosterError::TooLarge => "roster_too_large",
            RosterError::TooManyRows => "roster_too_many_rows",
            RosterError::NoHeader | RosterError::NoBranchColumn => "roster_no_header",
        }
    }

    /// What the office reads.
    pub fn message(&self) -> Message {
        match self {
            RosterError::Unreadable(detail) => {
                Message::new("roster_unreadable").arg("detail", detail)
            }
            RosterError::NoSheet => Message::new("roster_no_sheet"),
            RosterError::Encoding => Message::new("roster_encoding"),
            RosterError::TooLarge => Message::new("roster_too_large"),
            RosterError::TooManyRows => {
                Message::new("roster_too_many_rows").arg("max", MAX_ROSTER_ROWS)
            }
            RosterError::NoHeader => {
                Message::new("roster_no_header").arg("rows", HEADER_SEARCH_ROWS)
            }
            RosterError::NoBranchColumn => Message::new("roster_no_branch_column"),
        }
    }
}

/// The fields a roster column can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Field {
    Name,
    Gender,
    Birth,
    Phone,
    IdNumber,
    Branch,
    VillageUnit,
}

impl Field {
    const ALL: [Field; 7] = [
        Field::Name,
        Field::Gender,
        Field::Birth,
        Field::Phone,
        Field::IdNumber,
        Field::Branch,
        Field::VillageUnit,
    ];

    fn label(self) -> &'static str {
        match self {
            Field::Name => "姓名",
            Field::Gender => "性别",
            Field::Birth => "出生年月",
            Field::Phone => "联系电话",
            Field::IdNumber => "身份证号",
            Field::Branch => "所在支部",
            Field::VillageUnit => "村（社区）/单位",
        }
    }

    /// The field as the app names it in its language.
    fn field_label(self) -> FieldLabel {
        match self {
            Field::Name => FieldLabel::Name,
            Field::Gender => FieldLabel::Gender,
            Field::Birth => FieldLabel::BirthYear,
            Field::Phone => FieldLabel::Phone,
            Field::IdNumber => FieldLabel::IdNumber,
            Field::Branch => FieldLabel::Branch,
            Field::VillageUnit => FieldLabel::VillageUnit,
        }
    }

    /// Header spellings found in town rosters (compared after [`normalise_header`]).
    fn headers(self) -> &'static [&'static str] {
        match self {
            Field::Name => &["姓名", "党员姓名", "名字", "姓 名"],
            Field::Gender => &["性别"],
            Field::Birth => {
                &["出生年月", "出生年份", "出生日期", "出生年月日", "出生年", "生日", "出生时间"]
            }
            Field::Phone => {
                &["联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码"]
            }
            Field::IdNumber => {
                &["身份证号", "身份证号码", "公民身份号码", "身份证", "公民身份证号码"]
            }
            Field::Branch => &[
                "所在支部",
                "支部",
                "所属支部",
                "党支部",
                "所在党支部",
                "所在党组织",
                "党组织",
                "所属党组织",
                "支部名称",
            ],
            Field::VillageUnit => &[
                "村(社区)/单位",
                "村(社区)",
                "村社区",
                "村/单位",
                "所在村",
                "所在村(社区)",
                "所在村(社区)/单位",
                "单位",
                "工作单位",
                "所在单位",
                "村(社区)/企业/机关",
            ],
        }
    }
}

/// A header as compared: no spaces (ASCII or full-width), ASCII parentheses and slash, no
/// required-field star.
fn normalise_header(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '／' => '/',
            c => c,
        })
        .collect()
}

fn field_of(header: &str) -> Option<Field> {
    let header = normalise_header(header);
    Field::ALL.into_iter().find(|f| f.headers().iter().any(|h| normalise_header(h) == header))
}

/// The cells of a file, row by row, as text (an Excel date as `YYYY-MM-DD`).
pub fn read_table(bytes: &[u8]) -> Result<Vec<Vec<String>>, RosterError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        read_workbook(bytes)
    } else {
        read_csv(bytes)
    }
}

fn read_workbook(bytes: &[u8]) -> Result<Vec<Vec<String>>, RosterError> {
    use calamine::{Data, Reader};
    if bytes.starts_with(b"PK") {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| RosterError::Unreadable(e.to_string()))?;
        // The sizes the archive declares (Excel and WPS declare them).
        if archive.decompressed_size().is_some_and(|total| total > u128::from(MAX_UNZIPPED_BYTES)) {
            return Err(RosterError::TooLarge);
        }
    }
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| RosterError::Unreadable(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(RosterError::NoSheet)?
        .map_err(|e| RosterError::Unreadable(e.to_string()))?;
    // `rows()` starts at the range's first used cell: keep the sheet's own row numbers.
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); first_row as usize];
    for row in range.rows() {
        if rows.len() > MAX_ROSTER_ROWS + HEADER_SEARCH_ROWS {
            return Err(RosterError::TooManyRows);
        }
        let mut cells = vec![String::new(); first_col as usize];
        cells.extend(row.iter().map(|cell| match cell {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(d) => excel_date(d.as_f64()),
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }));
        rows.push(cells);
    }
    Ok(rows)
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|base| base.checked_add_signed(chrono::Duration::days(serial.floor() as i64)))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| serial.to_string())
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, RosterError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            // Excel and WPS on a Chinese Windows write CSV as GBK (GB18030 is its superset).
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(RosterError::Encoding);
            }
            text
        }
    };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| RosterError::Unreadable(e.to_string()))?;
        if rows.len() > MAX_ROSTER_ROWS + HEADER_SEARCH_ROWS {
            return Err(RosterError::TooManyRows);
        }
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(rows)
}

/// A member's row as read.
#[derive(Clone, Debug)]
struct Row {
    /// 1-based, as the spreadsheet shows it.
    number: u32,
    person: Person,
    /// The fields the file gave a value for (an empty cell never clears what the server holds).
    given: Vec<Field>,
}

/// The branches the roster may name, by name and by code.
pub struct Branches {
    by_text: HashMap<String, (String, bool)>,
}

impl Branches {
    /// From the branch records the server holds.
    pub fn new(records: &[Record]) -> Self {
        let mut by_text = HashMap::new();
        for record in records {
            let Ok(branch) = record.to_typed::<Branch>() else { continue };
            let code = branch.key(record.id);
            let name = normalise_header(&branch.name);
            if !name.is_empty() {
                by_text.insert(name, (code.clone(), branch.retired));
            }
            by_text.entry(normalise_header(&code)).or_insert((code, branch.retired));
        }
        Self { by_text }
    }

    pub fn is_empty(&self) -> bool {
        self.by_text.is_empty()
    }
}

/// What a roster would do: the report and the operations that do it.
pub struct Plan {
    pub report: RosterReport,
    pub operations: Vec<Operation>,
}

/// Read `bytes`, check every row and match it against `people` (the server's person records):
/// the report, and (when no row has a problem) the operations authored by `ctx`.
pub fn plan(
    bytes: &[u8],
    branches: &Branches,
    people: &[Record],
    ctx: &OpContext,
    clock: &mut HlcClock,
    today: NaiveDate,
) -> Result<Plan, RosterError> {
    let table = read_table(bytes)?;
    let (header_at, columns) = find_header(&table)?;
    let mut report = RosterReport {
        columns: columns
            .iter()
            .map(|(i, f)| RosterColumn {
                header: table[header_at][*i].trim().to_owned(),
                field: f.label().to_owned(),
                label: Some(f.field_label()),
            })
            .collect(),
        ..RosterReport::default()
    };
    let label = |field: Field| -> String {
        columns
            .iter()
            .find(|(_, f)| *f == field)
            .map(|(i, _)| table[header_at][*i].trim().to_owned())
            .unwrap_or_else(|| field.label().to_owned())
    };
    let mut issue = |row: u32, field: Field, said: Message| {
        let message = crate::error::zh_hans(&said);
        report.issues.push(RosterIssue::new(row, label(field), said, message));
    };

    // Read and check each row.
    let mut rows = Vec::new();
    for (index, cells) in table.iter().enumerate().skip(header_at + 1) {
        let number = (index + 1) as u32;
        let cell = |field: Field| -> String {
            columns
                .iter()
                .find(|(_, f)| *f == field)
                .and_then(|(i, _)| cells.get(*i))
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        if columns.iter().all(|(i, _)| cells.get(*i).is_none_or(|c| c.trim().is_empty())) {
            continue;
        }
        let mut person = Person::default();
        let mut given = Vec::new();
        let mut ok = true;
        for field in Field::ALL {
            let text = cell(field);
            if text.is_empty() {
                continue;
            }
            if text.chars().count() > MAX_CELL_CHARS {
                issue(
                    number,
                    field,
                    Message::new("roster_cell_too_long").arg("max", MAX_CELL_CHARS),
                );
                ok = false;
                continue;
            }
            given.push(field);
            match field {
                Field::Name => person.name = text,
                Field::Gender => match text.as_str() {
                    "男" | "男性" => person.gender = Some(Gender::Male),
                    "女" | "女性" => person.gender = Some(Gender::Female),
                    _ => {
                        issue(number, field, Message::new("roster_gender").arg("value", text));
                        ok = false;
                    }
                },
                Field::Birth => match birth_year(&text) {
                    Some(year) => person.birth_year = Some(year),
                    None => {
                        issue(number, field, Message::new("roster_birth").arg("value", text));
                        ok = false;
                    }
                },
                Field::Phone => person.phone = text,
                Field::IdNumber => person.id_number = text.to_uppercase(),
                Field::Branch => match branches.by_text.get(&normalise_header(&text)) {
                    Some((_, true)) => {
                        issue(
                            number,
                            field,
                            Message::new("roster_branch_retired").arg("branch", text),
                        );
                        ok = false;
                    }
                    Some((code, false)) => person.branch_id = code.clone(),
                    None => {
                        issue(
                            number,
                            field,
                            Message::new("roster_branch_unknown").arg("branch", text),
                        );
                        ok = false;
                    }
                },
                Field::VillageUnit => person.village_unit = text,
            }
        }
        if person.birth_year.is_none()
            && !person.id_number.is_empty()
            && let Ok(info) = check_id_number(&person.id_number, today)
        {
            person.birth_year = Some(info.birth_date.year());
        }
        for error in validate_person(&person, today) {
            let field = match error.field.as_str() {
                "name" => Field::Name,
                "birth_year" => Field::Birth,
                "phone" => Field::Phone,
                "id_number" => Field::IdNumber,
                "branch_id" if !given.contains(&Field::Branch) => Field::Branch,
                // An unknown branch is already said.
                "branch_id" => continue,
                _ => Field::Name,
            };
            issue(number, field, error.message);
            ok = false;
        }
        rows.push((Row { number, person, given }, ok));
        if rows.len() > MAX_ROSTER_ROWS {
            return Err(RosterError::TooManyRows);
        }
    }
    report.rows = rows.len() as u32;

    // Duplicates within the file.
    let mut seen_id: HashMap<String, u32> = HashMap::new();
    let mut seen_key: HashMap<(String, Option<i32>, String), u32> = HashMap::new();
    for (row, ok) in rows.iter_mut() {
        let p = &row.person;
        if !p.id_number.is_empty() {
            if let Some(first) = seen_id.get(&p.id_number) {
                issue(
                    row.number,
                    Field::IdNumber,
                    Message::new("roster_duplicate_id").arg("row", *first),
                );
                *ok = false;
                continue;
            }
            seen_id.insert(p.id_number.clone(), row.number);
        }
        let key = (p.name.clone(), p.birth_year, p.branch_id.clone());
        if let Some(first) = seen_key.get(&key) {
            issue(
                row.number,
                Field::Name,
                Message::new("roster_duplicate_member").arg("row", *first),
            );
            *ok = false;
            continue;
        }
        seen_key.insert(key, row.number);
    }

    // Match against the members the server holds.
    let mut existing_id: HashMap<String, &Record> = HashMap::new();
    let mut existing_key: HashMap<(String, Option<i32>, String), &Record> = HashMap::new();
    for record in people.iter().filter(|r| !r.is_deleted()) {
        let Ok(p) = record.to_typed::<Person>() else { continue };
        if !p.id_number.trim().is_empty() {
            existing_id.insert(p.id_number.trim().to_uppercase(), record);
        }
        existing_key
            .insert((p.name.trim().to_owned(), p.birth_year, record.branch_id.clone()), record);
    }
    let mut operations = Vec::new();
    for (row, ok) in &rows {
        let p = &row.person;
        let matched = (!p.id_number.is_empty())
            .then(|| existing_id.get(&p.id_number))
            .flatten()
            .or_else(|| existing_key.get(&(p.name.clone(), p.birth_year, p.branch_id.clone())))
            .copied();
        match matched {
            Some(record) if record.branch_id != p.branch_id && !p.branch_id.is_empty() => {
                let now = Branches::name_of(branches, &record.branch_id);
                issue(
                    row.number,
                    Field::Branch,
                    Message::new("roster_branch_differs").arg("branch", now),
                );
            }
            Some(record) => {
                let changes = changed_fields(record, row);
                if changes.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.updated += 1;
                    if *ok {
                        operations.push(Operation::upsert(
                            ctx,
                            clock.tick(now_ms()),
                            EntityKind::Person,
                            record.id,
                            &record.branch_id,
                            Some(record),
                            changes,
                        ));
                    }
                }
            }
            None => {
                report.created += 1;
                if *ok {
                    let fields = to_fields(p).unwrap_or_default();
                    operations.push(Operation::upsert(
                        ctx,
                        clock.tick(now_ms()),
                        EntityKind::Person,
                        Uuid::now_v7(),
                        &p.branch_id,
                        None,
                        fields.into_iter().filter(|(_, v)| !is_empty_value(v)),
                    ));
                }
            }
        }
    }
    report.issues.sort_by_key(|i| i.row);
    Ok(Plan { report, operations })
}

impl Branches {
    fn name_of(branches: &Branches, code: &str) -> String {
        branches
            .by_text
            .iter()
            .find(|(text, (c, _))| c == code && *text != &normalise_header(code))
            .map(|(text, _)| text.clone())
            .unwrap_or_else(|| code.to_owned())
    }
}

fn is_empty_value(value: &Value) -> bool {
    value.is_null() || value.as_str().is_some_and(str::is_empty)
}

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
}

/// The fields of `row` the file gave whose value differs from the record's.
fn changed_fields(record: &Record, row: &Row) -> Vec<(String, Value)> {
    let Ok(fields) = to_fields(&row.person) else { return Vec::new() };
    let names: Vec<&str> = row
        .given
        .iter()
        .filter_map(|f| match f {
            Field::Name => Some("name"),
            Field::Gender => Some("gender"),
            Field::Birth => Some("birth_year"),
            Field::Phone => Some("phone"),
            Field::IdNumber => Some("id_number"),
            Field::VillageUnit => Some("village_unit"),
            Field::Branch => None,
        })
        .collect();
    let mut names = names;
    // A birth year read from the ID number counts as given.
    if row.person.birth_year.is_some() && !names.contains(&"birth_year") {
        names.push("birth_year");
    }
    names
        .into_iter()
        .filter_map(|name| {
            let value = fields.get(name)?.clone();
            (record.get(name) != Some(&value)).then(|| (name.to_owned(), value))
        })
        .collect()
}

/// The header row (within the first rows) and which column is which field.
fn find_header(table: &[Vec<String>]) -> Result<(usize, Vec<(usize, Field)>), RosterError> {
    for (at, row) in table.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let mut columns: Vec<(usize, Field)> = Vec::new();
        for (i, cell) in row.iter().enumerate() {
            if let Some(field) = field_of(cell)
                && !columns.iter().any(|(_, f)| *f == field)
            {
                columns.push((i, field));
            }
        }
        let has = |f: Field| columns.iter().any(|(_, c)| *c == f);
        if has(Field::Name) && columns.len() >= 2 {
            if !has(Field::Branch) {
                return Err(RosterError::NoBranchColumn);
            }
            return Ok((at, columns));
        }
    }
    Err(RosterError::NoHeader)
}

/// A birth year from the ways rosters write it: 1980, 1980.05, 1980-05-01, 1980/5, 1980年5月,
/// 198005, 19800501.
pub fn birth_year(text: &str) -> Option<i32> {
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &text[digits.len()..];
    let year = match digits.len() {
        4 | 6 | 8 => digits[..4].parse().ok()?,
        _ => return None,
    };
    let rest_ok = digits.len() > 4 && rest.is_empty()
        || digits.len() == 4
            && (rest.is_empty()
                || rest.starts_with(['.', '-', '/', '年'])
                    && rest.chars().all(|c| c.is_ascii_digit() || ".-/年月日 :".contains(c)));
    (rest_ok && (1900..=2100).contains(&year)).then_some(year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_years_as_rosters_write_them() {
        for (text, year) in [
            ("1980", Some(1980)),
            ("1980.05", Some(1980)),
            ("1980-05-01", Some(1980)),
            ("1980/5", Some(1980)),
            ("1980年5月", Some(1980)),
            ("198005", Some(1980)),
            ("19800501", Some(1980)),
            ("1980-05-01 00:00:00", Some(1980)),
            ("八零年", None),
            ("80", None),
            ("1980abc", None),
        ] {
            assert_eq!(birth_year(text), year, "{text}");
        }
    }

    #[test]
    fn headers_and_their_variants() {
        assert_eq!(field_of(" 姓 名 "), Some(Field::Name));
        assert_eq!(field_of("*所在支部"), Some(Field::Branch));
        assert_eq!(field_of("村（社区）/单位"), Some(Field::VillageUnit));
        assert_eq!(field_of("手机号码"), Some(Field::Phone));
        assert_eq!(field_of("公民身份号码"), Some(Field::IdNumber));
        assert_eq!(field_of("出生年月"), Some(Field::Birth));
        assert_eq!(field_of("备注"), None);
    }

    #[test]
    fn a_gbk_csv_is_read() {
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,所在支部\n林海生,渔业村党支部\n");
        let table = read_table(&bytes).unwrap();
        assert_eq!(table[1], vec!["林海生", "渔业村党支部"]);
    }
}
