//! The town's roster of party members (党员名册), as Excel, WPS or a CSV written by either:
//! read with `calamine` (XLSX cell by cell, XLS after [`biff`] checked it) or `csv` (UTF-8, or
//! GBK/GB18030 decoded with `encoding_rs`), columns found by their Chinese headers, every row
//! checked, and matched against the members the server holds (ID number, else name + branch with
//! a birth year that agrees or is unknown on one side: the rule is [`Stored::find`]'s) to become
//! operations. Nothing here writes: [`plan`] says what applying would do; the route applies the
//! operations in one transaction only when no row has a problem. A member whose branch in the
//! file differs from the stored one is no problem: the member is not moved (the server moves no
//! record between branches), the other fields are updated in the stored branch and the report
//! lists the row among its notes.
//!
//! A sheet is bounded before anything is built from it: no cell may lie below
//! [`MAX_SHEET_ROWS`] or right of [`MAX_ROSTER_COLUMNS`]. calamine's own `worksheet_range` makes
//! one dense block from a sheet's first to its last cell, so a tiny file with one value at
//! XFD1048576 would ask for 17 billion cells and abort the server; it is never called on a file
//! as the office sent it.

mod biff;

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
/// Rows a roster's sheet may use: [`HEADER_SEARCH_ROWS`] lines above the header, the header and
/// [`MAX_ROSTER_ROWS`] members (the rows [`read_table`] has always taken). A cell below refuses
/// the file.
pub const MAX_SHEET_ROWS: u32 = (MAX_ROSTER_ROWS + HEADER_SEARCH_ROWS + 1) as u32;
/// Columns a roster's sheet may use (A to BL); a cell further right refuses the file. A roster
/// has about a dozen columns (the seven fields, 序号, 备注 and what an office adds): 64 leaves
/// room for any of them while bounding, with [`MAX_SHEET_ROWS`], what one sheet can make the
/// server hold to about 640,000 cells.
pub const MAX_ROSTER_COLUMNS: u32 = 64;
/// Most cells the sheets of an XLS may span together (calamine builds every sheet of an XLS when
/// it opens it): one sheet of the largest roster.
const MAX_WORKBOOK_CELLS: u64 = MAX_SHEET_ROWS as u64 * MAX_ROSTER_COLUMNS as u64;
/// Most text the cells of a sheet (of an XLS: of all its sheets) may make together (3,000 members
/// are about 1 MiB of text): a long shared string named by every cell would otherwise be copied
/// into each.
const MAX_SHEET_TEXT_BYTES: usize = 64 * 1024 * 1024;

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
    /// A cell (named as the sheet names it, `XFD1048576`) below [`MAX_SHEET_ROWS`] or right of
    /// [`MAX_ROSTER_COLUMNS`]: refused before the sheet is read.
    OutOfBounds {
        cell: String,
    },
    /// A spreadsheet kind read whole into memory by its reader (XLSB, ODS, another zip), which
    /// cannot be bounded as it is read.
    Format,
}

impl RosterError {
    /// The answer's stable code (what the app reacts to).
    pub fn code(&self) -> &'static str {
        match self {
            RosterError::Unreadable(_) | RosterError::NoSheet | RosterError::Format => {
                "roster_unreadable"
            }
            RosterError::Encoding => "roster_encoding",
            RosterError::TooLarge => "roster_too_large",
            RosterError::TooManyRows => "roster_too_many_rows",
            RosterError::NoHeader | RosterError::NoBranchColumn => "roster_no_header",
            RosterError::OutOfBounds { .. } => "roster_out_of_bounds",
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
            RosterError::OutOfBounds { cell } => Message::new("roster_out_of_bounds")
                .arg("cell", cell)
                .arg("max", MAX_ROSTER_ROWS)
                .arg("cols", MAX_ROSTER_COLUMNS),
            RosterError::Format => Message::new("roster_format"),
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
    if bytes.starts_with(b"PK") {
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
        // The sizes the archive declares (Excel and WPS declare them).
        if archive.decompressed_size().is_some_and(|total| total > u128::from(MAX_UNZIPPED_BYTES)) {
            return Err(RosterError::TooLarge);
        }
        // Only an XLSX is read cell by cell: calamine reads an XLSB or ODS sheet whole.
        if archive.index_for_name("xl/workbook.xml").is_none() {
            return Err(RosterError::Format);
        }
        read_xlsx(bytes)
    } else {
        read_xls(bytes)
    }
}

fn unreadable(error: impl std::fmt::Display) -> RosterError {
    RosterError::Unreadable(error.to_string())
}

/// The first sheet of an XLSX (the workbook's order, as calamine's `worksheet_range_at(0)`),
/// read one cell at a time into a [`Sheet`].
fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, RosterError> {
    use calamine::{Data, DataRef, Reader, XlsxError};
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let name = book.sheet_names().into_iter().next().ok_or(RosterError::NoSheet)?;
    let mut cells = match book.worksheet_cells_reader(&name) {
        Ok(cells) => cells,
        // A chart sheet first: no cells, as calamine's range of it.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(unreadable(e)),
    };
    let mut sheet = Sheet::default();
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        // A cell with a style and no value: calamine's range leaves it out, and so does this.
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        sheet.put(row, col, cell_text(&Data::from(cell.get_value().clone())))?;
    }
    Ok(sheet.into_rows())
}

/// A sheet read cell by cell: every cell within the roster's bounds, the text bounded.
#[derive(Default)]
struct Sheet {
    rows: Vec<Vec<String>>,
    /// The first row and the last column holding a cell.
    first_row: Option<usize>,
    last_col: usize,
    text_bytes: usize,
}

impl Sheet {
    fn put(&mut self, row: u32, col: u32, text: String) -> Result<(), RosterError> {
        check_cell(row, col)?;
        self.text_bytes = self.text_bytes.saturating_add(text.len());
        if self.text_bytes > MAX_SHEET_TEXT_BYTES {
            return Err(RosterError::TooLarge);
        }
        let (row, col) = (row as usize, col as usize);
        if self.rows.len() <= row {
            self.rows.resize(row + 1, Vec::new());
        }
        let cells = &mut self.rows[row];
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        // A position given twice holds the later value, as in calamine's range.
        cells[col] = text;
        self.first_row = Some(self.first_row.map_or(row, |first| first.min(row)));
        self.last_col = self.last_col.max(col);
        Ok(())
    }

    /// The rows as calamine's range gave them: the sheet's own row and column numbers (empty rows
    /// above the first cell), every row from the first cell's to the last one's as wide as the
    /// last column.
    fn into_rows(mut self) -> Vec<Vec<String>> {
        let Some(first_row) = self.first_row else { return Vec::new() };
        for cells in self.rows.iter_mut().skip(first_row) {
            cells.resize(self.last_col + 1, String::new());
        }
        self.rows
    }
}

/// A cell within the rows and columns a roster may use.
fn check_cell(row: u32, col: u32) -> Result<(), RosterError> {
    if row >= MAX_SHEET_ROWS || col >= MAX_ROSTER_COLUMNS {
        return Err(RosterError::OutOfBounds { cell: cell_name(row, col) });
    }
    Ok(())
}

/// A cell's name as the sheet shows it (`A1`, `XFD1048576`), from its 0-based position.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let digit = (n - 1) % 26;
        letters.push(char::from(b'A' + digit as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

/// The first sheet of an XLS, once [`biff::checked`] bounded every sheet (calamine builds them all
/// when it opens the file) and gave the workbook in a compound file of its own.
fn read_xls(bytes: &[u8]) -> Result<Vec<Vec<String>>, RosterError> {
    use calamine::Reader;
    let checked = biff::checked(bytes)?;
    let mut book = calamine::Xls::new(Cursor::new(checked)).map_err(unreadable)?;
    let range = book.worksheet_range_at(0).ok_or(RosterError::NoSheet)?.map_err(unreadable)?;
    // `rows()` starts at the range's first used cell: keep the sheet's own row numbers.
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); first_row as usize];
    for row in range.rows() {
        if rows.len() > MAX_ROSTER_ROWS + HEADER_SEARCH_ROWS {
            return Err(RosterError::TooManyRows);
        }
        let mut cells = vec![String::new(); first_col as usize];
        cells.extend(row.iter().map(cell_text));
        rows.push(cells);
    }
    Ok(rows)
}

/// A cell as text (an Excel date as `YYYY-MM-DD`).
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
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

/// Read `bytes`, check every row and match it against `people` (the server's person records, by
/// [`Stored::find`]): the report, and (when no row has a problem) the operations authored by
/// `ctx`. A row matched (by ID number) to a member of another branch updates that member's other
/// fields in its stored branch and is listed in the report's notes as not moved; it blocks
/// nothing.
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

    // Duplicates within the file: the same ID number twice, or two rows that could be the same
    // member by the rule of [`Stored::find`] (same name and branch, birth years equal or one of
    // them unknown, ID numbers not both given and different).
    let mut seen_id: HashMap<String, u32> = HashMap::new();
    let mut seen_name: HashMap<NameAndBranch, Vec<Known<u32>>> = HashMap::new();
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
        let earlier = seen_name.entry((p.name.clone(), p.branch_id.clone())).or_default();
        let same = earlier.iter().find(|(_, year, id)| could_be_one(*year, id, p));
        if let Some((first, year, _)) = same {
            let code = if *year == p.birth_year {
                "roster_duplicate_member"
            } else {
                "roster_duplicate_maybe"
            };
            issue(row.number, Field::Name, Message::new(code).arg("row", *first));
            *ok = false;
            continue;
        }
        earlier.push((row.number, p.birth_year, p.id_number.clone()));
    }

    // Match against the members the server holds.
    let stored = Stored::new(people);
    let mut matched_by: HashMap<Uuid, u32> = HashMap::new();
    // Rows made new members with namesakes in other branches: noted once every row is matched.
    let mut namesakes: Vec<(u32, &String, Vec<&Record>)> = Vec::new();
    let mut operations = Vec::new();
    for (row, ok) in &rows {
        let p = &row.person;
        let record = match stored.find(p) {
            Found::New => None,
            Found::Member(record) => Some(record),
            Found::Several(candidates) => {
                let described: Vec<Message> = candidates.iter().map(|r| candidate(r)).collect();
                issue(
                    row.number,
                    Field::Name,
                    Message::new("roster_possible_duplicate")
                        .arg("name", &p.name)
                        .arg("count", candidates.len())
                        .arg("candidates", described),
                );
                continue;
            }
        };
        let Some(record) = record else {
            report.created += 1;
            if *ok {
                // Perhaps a member who moved here from another branch, with no ID number on
                // either side to tell (names alone would merge namesakes): made as a new member,
                // and the office is told before it applies (below, once every row is matched).
                let elsewhere = stored.namesakes_elsewhere(p);
                if !elsewhere.is_empty() {
                    namesakes.push((row.number, &p.name, elsewhere));
                }
            }
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
            continue;
        };
        if *ok && let Some(first) = matched_by.insert(record.id, row.number) {
            // Two rows that are one stored member: which one holds is not for the import to guess.
            matched_by.insert(record.id, first);
            issue(row.number, Field::Name, Message::new("roster_same_member").arg("row", first));
            continue;
        }
        if record.branch_id != p.branch_id && !p.branch_id.is_empty() {
            // A member found (by ID number) in another branch: not moved; the rest is updated
            // in the stored branch, and the office is told.
            let said = Message::new("roster_not_moved")
                .arg("stored", Branches::name_of(branches, &record.branch_id))
                .arg("file", Branches::name_of(branches, &p.branch_id));
            let message = crate::error::zh_hans(&said);
            report.notes.push(RosterIssue::new(row.number, label(Field::Branch), said, message));
        }
        let changes = changed_fields(record, row);
        if changes.is_empty() {
            report.unchanged += 1;
        } else {
            report.updated += 1;
            if *ok {
                // In the record's own branch: the server moves no record between branches.
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
    for (row, name, mut elsewhere) in namesakes {
        // A namesake another row of the file is: someone else, in the file under their own
        // branch.
        elsewhere.retain(|r| !matched_by.contains_key(&r.id));
        if elsewhere.is_empty() {
            continue;
        }
        let described: Vec<Message> = elsewhere
            .iter()
            .map(|r| {
                Message::new("roster_namesake")
                    .arg("branch", Branches::name_of(branches, &r.branch_id))
                    .arg("member", vec![candidate(r)])
            })
            .collect();
        let said = Message::new("roster_namesake_elsewhere")
            .arg("name", name)
            .arg("count", elsewhere.len())
            .arg("candidates", described);
        let message = crate::error::zh_hans(&said);
        report.notes.push(RosterIssue::new(row, label(Field::Name), said, message));
    }
    report.issues.sort_by_key(|i| i.row);
    report.notes.sort_by_key(|i| i.row);
    Ok(Plan { report, operations })
}

/// A member's name and branch code: whom a row may be, before birth years and ID numbers.
type NameAndBranch = (String, String);
/// One known under a name and branch (a row of the file, a stored member), with its birth year
/// and ID number (trimmed, upper case; empty when unknown).
type Known<T> = (T, Option<i32>, String);

/// Whether one known with birth year `year` and ID number `id` could be the member of `row`:
/// their ID numbers are not both given and different, and their birth years are the same or
/// unknown on one side.
fn could_be_one(year: Option<i32>, id: &str, row: &Person) -> bool {
    let ids_differ = !id.is_empty() && !row.id_number.is_empty() && id != row.id_number;
    let years_fit = year.is_none() || row.birth_year.is_none() || year == row.birth_year;
    !ids_differ && years_fit
}

/// The members the server holds, as a roster row is matched against them.
struct Stored<'a> {
    by_id: HashMap<String, &'a Record>,
    /// By (name, branch), each with its birth year and ID number (trimmed, upper case).
    by_name: HashMap<NameAndBranch, Vec<Known<&'a Record>>>,
    /// By name alone, in every branch.
    by_name_anywhere: HashMap<String, Vec<Known<&'a Record>>>,
}

/// Which stored member a row is.
enum Found<'a> {
    New,
    Member(&'a Record),
    /// Several stored members could be the row: it is a possible duplicate, never guessed.
    Several(Vec<&'a Record>),
}

impl<'a> Stored<'a> {
    fn new(people: &'a [Record]) -> Self {
        let mut by_id = HashMap::new();
        let mut by_name: HashMap<_, Vec<_>> = HashMap::new();
        let mut by_name_anywhere: HashMap<_, Vec<_>> = HashMap::new();
        for record in people.iter().filter(|r| !r.is_deleted()) {
            let Ok(p) = record.to_typed::<Person>() else { continue };
            let id = p.id_number.trim().to_uppercase();
            if !id.is_empty() {
                by_id.insert(id.clone(), record);
            }
            let name = p.name.trim().to_owned();
            by_name_anywhere.entry(name.clone()).or_default().push((
                record,
                p.birth_year,
                id.clone(),
            ));
            by_name.entry((name, record.branch_id.clone())).or_default().push((
                record,
                p.birth_year,
                id,
            ));
        }
        Self { by_id, by_name, by_name_anywhere }
    }

    /// The stored member a row is. The rule (the office relies on it to import the same roster
    /// again and again, before and after surveys filled in what the roster lacked):
    ///
    /// 1. **ID number first.** A row with a 身份证号 is the stored member with that number, in
    ///    whatever branch (a member who moved is not moved by the import: see [`plan`]). Two ID
    ///    numbers that are both given and differ are two people, whatever else agrees: a stored
    ///    member with another ID number is never matched by name.
    /// 2. **Else name and branch.** The candidates are the stored members of the row's branch
    ///    with the row's name whose ID number does not contradict the row's and whose birth year
    ///    is the row's or unknown on one side:
    ///    - exactly one with the row's (known) birth year: that member;
    ///    - else exactly one candidate: that member, so a birth year known on one side only
    ///      (a roster without 出生年月, a survey later filling it in, or the reverse) finds the
    ///      member instead of making a second one;
    ///    - else several: a "possible duplicate" issue naming them, which blocks the import
    ///      (nothing is created, and no member is guessed);
    ///    - none: a new member.
    fn find(&self, row: &Person) -> Found<'a> {
        if !row.id_number.is_empty()
            && let Some(record) = self.by_id.get(&row.id_number)
        {
            return Found::Member(record);
        }
        let Some(named) = self.by_name.get(&(row.name.clone(), row.branch_id.clone())) else {
            return Found::New;
        };
        let candidates: Vec<&Known<&Record>> =
            named.iter().filter(|(_, year, id)| could_be_one(*year, id, row)).collect();
        let same_year: Vec<&Record> = candidates
            .iter()
            .filter(|(_, year, _)| year.is_some() && *year == row.birth_year)
            .map(|(r, _, _)| *r)
            .collect();
        match (same_year.as_slice(), candidates.as_slice()) {
            ([one], _) => Found::Member(one),
            ([], []) => Found::New,
            ([], [(one, _, _)]) => Found::Member(one),
            ([], several) => Found::Several(several.iter().map(|(r, _, _)| *r).collect()),
            (several, _) => Found::Several(several.to_vec()),
        }
    }

    /// Stored members of another branch than the row's who could be the row by name (the rule
    /// of [`Self::find`] within a branch), in a stable order: what a row made into a new member
    /// is noted with, as it may be a member who moved here.
    fn namesakes_elsewhere(&self, row: &Person) -> Vec<&'a Record> {
        let Some(named) = self.by_name_anywhere.get(&row.name) else { return Vec::new() };
        let mut found: Vec<&'a Record> = named
            .iter()
            .filter(|(record, year, id)| {
                record.branch_id != row.branch_id && could_be_one(*year, id, row)
            })
            .map(|(record, _, _)| *record)
            .collect();
        found.sort_by(|a, b| (&a.branch_id, a.id).cmp(&(&b.branch_id, b.id)));
        found
    }
}

/// A stored member named in a "possible duplicate" issue: birth year (or that it is unknown),
/// village or unit when known.
fn candidate(record: &Record) -> Message {
    let p = record.to_typed::<Person>().unwrap_or_default();
    let unit = p.village_unit.trim();
    let code = match (p.birth_year, unit.is_empty()) {
        (Some(_), true) => "roster_candidate",
        (Some(_), false) => "roster_candidate_at",
        (None, true) => "roster_candidate_no_year",
        (None, false) => "roster_candidate_no_year_at",
    };
    let mut said = Message::new(code);
    if let Some(year) = p.birth_year {
        said = said.arg("year", year);
    }
    if !unit.is_empty() {
        said = said.arg("value", unit);
    }
    said
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

    /// What the old reader made of a (small) workbook: calamine's dense range of the first sheet,
    /// the sheet's own row and column numbers kept.
    fn via_range(bytes: &[u8]) -> Vec<Vec<String>> {
        use calamine::Reader;
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut rows: Vec<Vec<String>> = vec![Vec::new(); first_row as usize];
        for row in range.rows() {
            let mut cells = vec![String::new(); first_col as usize];
            cells.extend(row.iter().map(cell_text));
            rows.push(cells);
        }
        rows
    }

    fn roster_sheet(extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "姓名").unwrap();
        sheet.write_string(0, 1, "所在支部").unwrap();
        sheet.write_string(1, 0, "林海生").unwrap();
        sheet.write_string(1, 1, "渔业村党支部").unwrap();
        extra(sheet);
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn cell_names_as_the_sheet_shows_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(9, MAX_ROSTER_COLUMNS - 1), "BL10");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(u32::MAX, u32::MAX), "MWLQKWV4294967296");
    }

    /// One value at XFD1048576 made calamine's range 1,048,576 × 16,384 cells (about 550 GB of
    /// `Data`): the old reader aborted the whole server on this file of a few kilobytes. Now the cell is refused
    /// when it is read, before anything is built.
    #[test]
    fn a_value_at_xfd1048576_is_refused_before_anything_is_built() {
        let file = roster_sheet(|sheet| {
            sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
        });
        assert!(file.len() < 16 * 1024, "{}", file.len());
        let started = std::time::Instant::now();
        let refused = read_table(&file).unwrap_err();
        assert_eq!(refused, RosterError::OutOfBounds { cell: "XFD1048576".into() });
        assert_eq!(refused.code(), "roster_out_of_bounds");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        // Far down in the first column, or far right in the first row, alike.
        for (row, col, cell) in [(1_048_575, 0, "A1048576"), (0, 16_383, "XFD1")] {
            let file = roster_sheet(|sheet| {
                sheet.write_string(row, col, "x").unwrap();
            });
            assert_eq!(read_table(&file), Err(RosterError::OutOfBounds { cell: cell.into() }));
        }
    }

    #[test]
    fn a_cell_just_inside_the_bounds_is_read_and_just_outside_refused() {
        let last_row = MAX_SHEET_ROWS - 1;
        let last_col = (MAX_ROSTER_COLUMNS - 1) as u16;
        let file = roster_sheet(|sheet| {
            sheet.write_string(last_row, last_col, "最后").unwrap();
        });
        let table = read_table(&file).unwrap();
        assert_eq!(table.len(), MAX_SHEET_ROWS as usize);
        assert_eq!(table[last_row as usize].len(), MAX_ROSTER_COLUMNS as usize);
        assert_eq!(table[last_row as usize][last_col as usize], "最后");
        assert_eq!(table[1][..2], ["林海生", "渔业村党支部"]);
        assert_eq!(table, via_range(&file));

        let below = roster_sheet(|sheet| {
            sheet.write_string(MAX_SHEET_ROWS, 0, "x").unwrap();
        });
        assert_eq!(read_table(&below), Err(RosterError::OutOfBounds { cell: "A10012".into() }));
        let right = roster_sheet(|sheet| {
            sheet.write_string(0, MAX_ROSTER_COLUMNS as u16, "x").unwrap();
        });
        assert_eq!(read_table(&right), Err(RosterError::OutOfBounds { cell: "BM1".into() }));
    }

    /// Cell by cell, the table is what calamine's range made of the sheet: leading empty rows
    /// and columns kept, every row as wide as the last column, dates, numbers, booleans, shared
    /// strings; a styled cell without a value (even far outside the bounds) counts for nothing.
    #[test]
    fn an_xlsx_reads_exactly_as_calamine_s_range_read_it() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let border = rust_xlsxwriter::Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
        let sheet = book.add_worksheet();
        sheet.set_name("名册").unwrap();
        sheet.write_string(2, 2, "某某镇党员名册").unwrap();
        for (c, h) in ["姓名", "性别", "出生年月", "联系电话", "所在支部"].iter().enumerate()
        {
            sheet.write_string(3, 2 + c as u16, *h).unwrap();
        }
        sheet.write_string(4, 2, "林海生").unwrap();
        sheet.write_string(4, 3, "男").unwrap();
        sheet.write_number_with_format(4, 4, 29_342.0, &date).unwrap();
        sheet.write_number(4, 5, 13_812_345_678.0).unwrap();
        sheet.write_string(4, 6, "渔业村党支部").unwrap();
        sheet.write_string(6, 2, "陈秀英").unwrap();
        sheet.write_number(6, 4, 1980.5).unwrap();
        sheet.write_boolean(6, 5, true).unwrap();
        sheet.write_string(6, 6, "渔业村党支部").unwrap();
        sheet.write_blank(8, 9, &border).unwrap();
        sheet.write_blank(1_000_000, 10_000, &border).unwrap();
        // A second sheet: the first one is read.
        book.add_worksheet().write_string(0, 0, "别的表").unwrap();
        let file = book.save_to_buffer().unwrap();

        let table = read_table(&file).unwrap();
        assert_eq!(table, via_range(&file));
        assert_eq!(table.len(), 7);
        assert!(table[..2].iter().all(Vec::is_empty));
        assert!(table[2..].iter().all(|row| row.len() == 7), "{table:?}");
        assert_eq!(table[4][2..], ["林海生", "男", "1980-05-01", "13812345678", "渔业村党支部"]);
        assert_eq!(table[5], vec![String::new(); 7]);
        assert_eq!(table[6][4..6], ["1980.5", "true"]);
    }

    #[test]
    fn an_xlsb_or_ods_is_refused_with_words_that_say_what_to_save_it_as() {
        use std::io::Write;
        let mut ods = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default();
        ods.start_file("mimetype", stored).unwrap();
        ods.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        ods.start_file("content.xml", stored).unwrap();
        ods.write_all(b"<office:document-content/>").unwrap();
        let ods = ods.finish().unwrap().into_inner();
        assert_eq!(read_table(&ods), Err(RosterError::Format));
        assert_eq!(RosterError::Format.code(), "roster_unreadable");
        let words = crate::error::zh_hans(&RosterError::Format.message());
        assert!(words.contains(".xlsx"), "{words}");
    }

    /// A BIFF8 workbook stream: globals (BOF, one BOUNDSHEET, EOF), then the sheet (BOF,
    /// `records`, EOF), in a compound file written by the `cfb` crate, as Excel lays out an XLS.
    pub(super) fn xls(records: &[Vec<u8>]) -> Vec<u8> {
        xls_of(&workbook_stream(records), "/Workbook")
    }

    fn xls_of(stream: &[u8], path: &str) -> Vec<u8> {
        use std::io::Write;
        let mut file =
            cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
                .unwrap();
        let mut out = file.create_stream(path).unwrap();
        out.write_all(stream).unwrap();
        out.flush().unwrap();
        drop(out);
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    pub(super) fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let len = u16::try_from(data.len()).unwrap();
        [&typ.to_le_bytes()[..], &len.to_le_bytes(), data].concat()
    }

    fn bof(kind: u16) -> Vec<u8> {
        let mut data = [0u8; 16];
        data[..2].copy_from_slice(&0x0600u16.to_le_bytes());
        data[2..4].copy_from_slice(&kind.to_le_bytes());
        record(0x0809, &data)
    }

    fn workbook_stream(records: &[Vec<u8>]) -> Vec<u8> {
        workbook_stream_with(&[], records)
    }

    /// The stream with `globals` after the BOUNDSHEET (an SST, say).
    fn workbook_stream_with(globals: &[Vec<u8>], records: &[Vec<u8>]) -> Vec<u8> {
        let boundsheet = |pos: u32| {
            let mut data = pos.to_le_bytes().to_vec();
            data.extend([0, 0, 6, 0]);
            data.extend(b"Sheet1");
            record(0x0085, &data)
        };
        let globals = globals.concat();
        let globals_len = bof(0x0005).len() + boundsheet(0).len() + globals.len() + 4;
        let mut stream = bof(0x0005);
        stream.extend(boundsheet(globals_len as u32));
        stream.extend(globals);
        stream.extend(record(0x000A, &[]));
        stream.extend(bof(0x0010));
        stream.extend(records.concat());
        stream.extend(record(0x000A, &[]));
        stream
    }

    /// An SST of `strings`, each compressed (Latin-1) when it can be, else UTF-16.
    fn sst(strings: &[&str]) -> Vec<u8> {
        let count = u32::try_from(strings.len()).unwrap().to_le_bytes();
        let mut data = [count, count].concat();
        for text in strings {
            let units: Vec<u16> = text.encode_utf16().collect();
            data.extend(u16::try_from(units.len()).unwrap().to_le_bytes());
            if units.iter().all(|u| *u < 0x100) {
                data.push(0);
                data.extend(units.iter().map(|u| *u as u8));
            } else {
                data.push(1);
                data.extend(units.iter().flat_map(|u| u.to_le_bytes()));
            }
        }
        record(0x00FC, &data)
    }

    fn label_sst(row: u16, col: u16, index: u32) -> Vec<u8> {
        record(
            0x00FD,
            &[&row.to_le_bytes()[..], &col.to_le_bytes(), &[0, 0], &index.to_le_bytes()].concat(),
        )
    }

    pub(super) fn number(row: u16, col: u16, value: f64) -> Vec<u8> {
        let data = [&row.to_le_bytes()[..], &col.to_le_bytes(), &[0, 0], &value.to_le_bytes()];
        record(0x0203, &data.concat())
    }

    fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut data = [&row.to_le_bytes()[..], &col.to_le_bytes(), &[0, 0]].concat();
        data.extend(u16::try_from(units.len()).unwrap().to_le_bytes());
        data.push(1);
        data.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        record(0x0204, &data)
    }

    #[test]
    fn an_xls_within_the_bounds_is_read_as_before() {
        let last_row = u16::try_from(MAX_SHEET_ROWS - 1).unwrap();
        let file = xls(&[
            label(1, 0, "姓名"),
            label(1, 1, "所在支部"),
            label(2, 0, "林海生"),
            number(2, 2, 13_812_345_678.0),
            number(last_row, 63, 7.0),
        ]);
        let table = read_table(&file).unwrap();
        assert_eq!(table, via_range(&file));
        assert!(table[0].is_empty());
        assert_eq!(table[1][..2], ["姓名", "所在支部"]);
        assert_eq!(table[2][..3], ["林海生", "", "13812345678"]);
        assert_eq!(table.len(), MAX_SHEET_ROWS as usize);
        assert_eq!(table[usize::from(last_row)][63], "7");
    }

    /// calamine builds every sheet of an XLS when it opens it: one NUMBER or LABEL record at
    /// (65535, 65535) was 4.3 billion cells. Each kind of record that places a value is bounded
    /// before calamine sees the file.
    #[test]
    fn an_xls_with_a_cell_outside_the_bounds_is_refused_before_calamine_opens_it() {
        let far = cell_name(65_535, 65_535);
        for (records, cell) in [
            (vec![number(0, 0, 1.0), number(65_535, 65_535, 1.0)], far.as_str()),
            (vec![label(0, 0, "姓名"), label(65_535, 65_535, "x")], far.as_str()),
            (vec![record(0x0003, &[0x1B, 0x27, 0, 0, 0, 0, 0])], "A10012"),
        ] {
            let started = std::time::Instant::now();
            let file = xls(&records);
            assert_eq!(read_table(&file), Err(RosterError::OutOfBounds { cell: cell.into() }));
            assert!(started.elapsed() < std::time::Duration::from_secs(5));
        }
    }

    /// A roster whose borders were drawn down the whole sheet holds formatted empty cells to row
    /// 65536 (BLANK, MULBLANK) and declares the whole sheet (DIMENSIONS): an ordinary file, read
    /// as its values say. calamine skips empty cells, and the DIMENSIONS it would reserve room
    /// for are emptied in the copy it reads, whatever the file declares.
    #[test]
    fn an_xls_formatted_down_to_its_last_row_is_read() {
        let mulblank = [&[0xFF, 0xFF, 0, 0, 0, 0][..], &255u16.to_le_bytes()];
        let dimensions = [
            &0u32.to_le_bytes()[..],
            &1_000_000u32.to_le_bytes(),
            &0u16.to_le_bytes(),
            &200u16.to_le_bytes(),
            &[0, 0],
        ];
        let file = xls(&[
            record(0x0200, &dimensions.concat()),
            label(0, 0, "姓名"),
            label(0, 1, "所在支部"),
            label(1, 0, "林海生"),
            label(1, 1, "东沙村党支部"),
            record(0x0201, &[0xFF, 0xFF, 0xFF, 0x00, 0, 0]),
            record(0x00BE, &mulblank.concat()),
        ]);
        let started = std::time::Instant::now();
        let table = read_table(&file).expect("an ordinary roster");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(table[0][..2], ["姓名", "所在支部"]);
        assert_eq!(table[1][..2], ["林海生", "东沙村党支部"]);
        assert_eq!(table.len(), 2, "the empty formatted rows make no rows");
    }

    /// Shared strings (compressed and UTF-16) and a formula's value read as calamine read them
    /// from the office's own file; the formula's tokens, emptied, are not needed for its value.
    #[test]
    fn an_xls_with_shared_strings_and_formulas_reads_as_before() {
        let formula = [
            &1u16.to_le_bytes()[..],
            &0u16.to_le_bytes(),
            &[0, 0],
            &2.0f64.to_le_bytes(),
            &[0, 0, 0, 0, 0, 0],
            &3u16.to_le_bytes(),
            &[0x1E, 2, 0],
        ]
        .concat();
        let stream = workbook_stream_with(
            &[sst(&["姓名", "branch", "所在支部"])],
            &[label_sst(0, 0, 0), label_sst(0, 2, 2), label_sst(3, 1, 1), record(0x0006, &formula)],
        );
        let file = xls_of(&stream, "/Workbook");
        let table = read_table(&file).unwrap();
        assert_eq!(table, via_range(&file));
        assert_eq!(table[0], ["姓名", "", "所在支部"]);
        assert_eq!(table[1], ["2", "", ""]);
        assert_eq!(table[3], ["", "branch", ""]);
    }

    /// calamine gives a LABEL the room its length field asks for (64 KiB from a 9-byte record)
    /// and copies a shared string into every cell naming it: the text an XLS may make is bounded.
    #[test]
    fn an_xls_whose_cells_would_make_gigabytes_of_text_is_refused() {
        let roomy: Vec<Vec<u8>> = (0..1100u16)
            .map(|row| {
                let data = [&row.to_le_bytes()[..], &[0, 0, 0, 0], &u16::MAX.to_le_bytes(), &[0]];
                record(0x0204, &data.concat())
            })
            .collect();
        assert_eq!(read_table(&xls(&roomy)), Err(RosterError::TooLarge));
        let long = "x".repeat(8000);
        let named: Vec<Vec<u8>> = (0..3000u16).map(|row| label_sst(row, 0, 0)).collect();
        let file = xls_of(&workbook_stream_with(&[sst(&[&long])], &named), "/Workbook");
        assert_eq!(read_table(&file), Err(RosterError::TooLarge));
        // The same string named by a few cells reads.
        let file = xls_of(&workbook_stream_with(&[sst(&[&long])], &named[..10]), "/Workbook");
        assert_eq!(read_table(&file).unwrap()[9], [long]);
    }

    #[test]
    fn an_xls_that_cannot_be_walked_is_refused_as_unreadable() {
        let unreadable = |file: &[u8], why: &str| {
            let refused = read_table(file).unwrap_err();
            assert!(
                matches!(&refused, RosterError::Unreadable(detail) if detail.contains(why)),
                "{refused:?}"
            );
            assert_eq!(refused.code(), "roster_unreadable");
        };
        // Not a compound file past its signature.
        let mut garbage = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        garbage.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
        unreadable(&garbage, "");
        // A compound file without a workbook stream.
        unreadable(&xls_of(&workbook_stream(&[]), "/Other"), "no Workbook stream");
        // A record cut short, and a sheet said to start past the stream's end.
        let mut cut = workbook_stream(&[number(1, 1, 1.0)]);
        cut.truncate(cut.len() - 8);
        unreadable(&xls_of(&cut, "/Workbook"), "a record cut short");
        let mut past = workbook_stream(&[]);
        past[24..28].copy_from_slice(&100_000u32.to_le_bytes());
        unreadable(&xls_of(&past, "/Workbook"), "a sheet after the workbook's end");
        // Two sheets on the same records: calamine would read them twice.
        let sheet = [bof(0x0010), number(1, 1, 1.0), record(0x000A, &[])].concat();
        let boundsheet =
            |pos: u32| record(0x0085, &[&pos.to_le_bytes()[..], &[0, 0, 1, 0], b"S"].concat());
        let globals_len = bof(0x0005).len() + 2 * boundsheet(0).len() + 4;
        let pos = u32::try_from(globals_len).unwrap();
        let twice =
            [bof(0x0005), boundsheet(pos), boundsheet(pos), record(0x000A, &[]), sheet].concat();
        unreadable(&xls_of(&twice, "/Workbook"), "sheets that overlap");
    }

    /// Matching a roster against the members the server holds ([`Stored::find`]) and a member
    /// whose branch differs ([`plan`]'s notes).
    mod matching {
        use super::super::*;

        const A: &str = "渔业村党支部";
        const B: &str = "海港社区党支部";

        fn today() -> NaiveDate {
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        }

        /// A valid ID number born on `birth` (YYYYMMDD).
        fn id_number(birth: &str, seq: u32) -> String {
            let body = format!("330902{birth}{seq:03}");
            const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
            format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
        }

        fn record<T: serde::Serialize>(entity: EntityKind, branch: &str, value: &T) -> Record {
            let mut r = Record::new(entity, Uuid::now_v7(), branch);
            r.fields = to_fields(value).unwrap();
            r
        }

        fn branches() -> Branches {
            let records: Vec<Record> = [("a", A), ("b", B)]
                .into_iter()
                .map(|(code, name)| {
                    let branch =
                        Branch { name: name.into(), code: code.into(), ..Default::default() };
                    record(EntityKind::Branch, "", &branch)
                })
                .collect();
            Branches::new(&records)
        }

        fn member(name: &str, year: Option<i32>, id: &str, branch: &str, unit: &str) -> Record {
            let person = Person {
                name: name.into(),
                birth_year: year,
                id_number: id.into(),
                phone: "13800000001".into(),
                branch_id: branch.into(),
                village_unit: unit.into(),
                ..Default::default()
            };
            record(EntityKind::Person, branch, &person)
        }

        /// `rows` (姓名, 出生年份, 联系电话, 身份证号, 所在支部) as a CSV, planned against `people`.
        fn plan_of(rows: &[[&str; 5]], people: &[Record]) -> Plan {
            let mut csv = String::from("姓名,出生年份,联系电话,身份证号,所在支部\n");
            for row in rows {
                csv.push_str(&row.join(","));
                csv.push('\n');
            }
            let ctx = OpContext { device_id: Uuid::now_v7(), author: "office".into() };
            let mut clock = HlcClock::new("office-device");
            plan(csv.as_bytes(), &branches(), people, &ctx, &mut clock, today()).unwrap()
        }

        fn counts(plan: &Plan) -> (u32, u32, u32) {
            (plan.report.created, plan.report.updated, plan.report.unchanged)
        }

        fn codes(issues: &[RosterIssue]) -> Vec<(u32, &str)> {
            issues.iter().map(|i| (i.row, i.reason.as_deref().unwrap_or(""))).collect()
        }

        /// A member who moved to another branch blocked the whole file
        /// (`roster_branch_differs`); now the row updates the member's other fields in its
        /// stored branch, is noted as not moved, and the rest of the file applies.
        #[test]
        fn a_member_of_another_branch_is_updated_in_place_and_noted_not_moved() {
            let id = id_number("19700501", 123);
            let moved = member("林海生", Some(1970), &id, "a", "东海村");
            let plan = plan_of(
                &[["林海生", "1970", "13912345678", &id, B], ["新党员", "1990", "", "", B]],
                std::slice::from_ref(&moved),
            );
            assert!(plan.report.issues.is_empty(), "{:?}", plan.report.issues);
            assert_eq!(counts(&plan), (1, 1, 0));
            assert_eq!(codes(&plan.report.notes), [(2, "roster_not_moved")]);
            let note = &plan.report.notes[0];
            assert_eq!(note.column, "所在支部");
            assert!(note.message.contains(A) && note.message.contains(B), "{}", note.message);
            assert_eq!(plan.operations.len(), 2);
            let update = plan.operations.iter().find(|op| op.entity_id == moved.id).unwrap();
            assert_eq!(update.branch_id, "a", "updated in its stored branch");
            let fields: Vec<&str> = update.changes.iter().map(|c| c.field.as_str()).collect();
            assert_eq!(fields, ["phone"]);
            let created = plan.operations.iter().find(|op| op.entity_id != moved.id).unwrap();
            assert_eq!(created.branch_id, "b");

            // The same file again, once the phone is stored: unchanged, still noted.
            let mut stored = moved.clone();
            stored.fields.insert("phone".into(), Value::from("13912345678"));
            let again = plan_of(&[["林海生", "1970", "13912345678", &id, B]], &[stored]);
            assert!(again.report.issues.is_empty());
            assert_eq!(counts(&again), (0, 0, 1));
            assert_eq!(again.report.notes.len(), 1);
            assert!(again.operations.is_empty());
        }

        /// A roster without 出生年月 imported, a survey then filling in the year: the same
        /// roster again made a second member (the key held the year); and the reverse.
        #[test]
        fn a_birth_year_known_on_one_side_only_finds_the_member() {
            let no_year = member("王海", None, "", "a", "");
            let plan = plan_of(&[["王海", "1970", "", "", A]], std::slice::from_ref(&no_year));
            assert!(plan.report.issues.is_empty(), "{:?}", plan.report.issues);
            assert_eq!(counts(&plan), (0, 1, 0));
            assert_eq!(plan.operations[0].entity_id, no_year.id);
            assert_eq!(plan.operations[0].changes[0].field, "birth_year");

            let with_year = member("王海", Some(1970), "", "a", "");
            let plan = plan_of(&[["王海", "", "", "", A]], &[with_year]);
            assert!(plan.report.issues.is_empty(), "{:?}", plan.report.issues);
            assert_eq!(counts(&plan), (0, 0, 1));
            assert!(plan.operations.is_empty());

            // Another branch's 王海 is someone else.
            let plan = plan_of(&[["王海", "", "", "", B]], &[member("王海", None, "", "a", "")]);
            assert_eq!(counts(&plan), (1, 0, 0));
        }

        /// A member who moved to another branch, with no ID number on either side, was made a
        /// second time by the roster without a word. Still made (a name alone would merge
        /// namesakes), but each such row is now noted with the namesakes of other branches.
        #[test]
        fn a_new_member_with_a_namesake_in_another_branch_is_noted() {
            let elsewhere = member("王海", Some(1970), "", "a", "东海村");
            let older = member("王海", None, "", "a", "");
            let other_year = member("王海", Some(1980), "", "a", "");
            let other_id = member("王海", Some(1970), &id_number("19700501", 77), "a", "");
            let people = [elsewhere.clone(), older, other_year, other_id];
            let plan = plan_of(&[["王海", "1970", "", "", B], ["李明", "", "", "", B]], &people);
            assert!(plan.report.issues.is_empty(), "{:?}", plan.report.issues);
            assert_eq!(counts(&plan), (2, 0, 0), "still made: a name alone is not the member");
            assert_eq!(codes(&plan.report.notes), [(2, "roster_namesake_elsewhere")]);
            let note = &plan.report.notes[0];
            assert_eq!(note.column, "姓名");
            // The three who could be the row (the one born in 1980 cannot; the one with an ID
            // number could: the row has none).
            assert!(note.message.contains("3 名“王海”"), "{}", note.message);
            assert!(note.message.contains(A), "{}", note.message);
            assert!(note.message.contains("1970 年生，东海村"), "{}", note.message);
            assert!(note.message.contains("出生年份未填"), "{}", note.message);
            assert!(!note.message.contains("1980"), "{}", note.message);
            assert_eq!(plan.operations.len(), 2);
            assert!(plan.operations.iter().all(|op| op.branch_id == "b"));

            // With the ID number in the file and on the member, the row is that member (updated
            // in place, noted as not moved), and no namesake is noted.
            let id = id_number("19700501", 123);
            let mut known = elsewhere.clone();
            known.fields.insert("id_number".into(), Value::from(id.clone()));
            let plan = plan_of(&[["王海", "1970", "", &id, B]], &[known]);
            assert_eq!(counts(&plan), (0, 0, 1));
            assert_eq!(codes(&plan.report.notes), [(2, "roster_not_moved")]);

            // The namesake in the other branch is in the file too, as its own row: someone else.
            let plan = plan_of(
                &[["王海", "1970", "", "", B], ["王海", "1970", "", "", A]],
                std::slice::from_ref(&elsewhere),
            );
            assert_eq!(counts(&plan), (1, 0, 1));
            assert!(plan.report.notes.is_empty(), "{:?}", plan.report.notes);
            // A row with a problem of its own is not noted as well.
            let plan = plan_of(&[["王海", "1970", "123", "", B]], std::slice::from_ref(&elsewhere));
            assert!(!plan.report.issues.is_empty());
            assert!(plan.report.notes.is_empty(), "{:?}", plan.report.notes);

            // A namesake in the row's own branch is the member, as before.
            let plan = plan_of(&[["王海", "1970", "", "", A]], std::slice::from_ref(&elsewhere));
            assert_eq!(counts(&plan), (0, 0, 1));
            assert!(plan.report.notes.is_empty());
        }

        #[test]
        fn several_members_who_could_be_the_row_are_a_blocking_possible_duplicate() {
            let people = [
                member("王海", Some(1970), "", "a", "东海村"),
                member("王海", None, "", "a", ""),
                member("王海", Some(1980), "", "b", ""),
            ];
            let plan = plan_of(&[["王海", "", "", "", A]], &people);
            assert_eq!(codes(&plan.report.issues), [(2, "roster_possible_duplicate")]);
            let said = &plan.report.issues[0].message;
            assert!(said.contains("2 名“王海”"), "{said}");
            assert!(said.contains("1970 年生，东海村") && said.contains("出生年份未填"), "{said}");
            assert_eq!(counts(&plan), (0, 0, 0));
            assert!(plan.operations.is_empty());

            // The year told, the member with that year is the one.
            let plan = plan_of(&[["王海", "1970", "", "", A]], &people);
            assert!(plan.report.issues.is_empty(), "{:?}", plan.report.issues);
            assert_eq!(counts(&plan), (0, 0, 1));
            // Another year: only the one without a year could be it.
            let plan = plan_of(&[["王海", "1975", "", "", A]], &people);
            assert!(plan.report.issues.is_empty(), "{:?}", plan.report.issues);
            assert_eq!(counts(&plan), (0, 1, 0));
            assert_eq!(plan.operations[0].entity_id, people[1].id);
            // Two stored without a year and a row with one: still a possible duplicate.
            let two = [member("李明", None, "", "a", ""), member("李明", None, "", "a", "西岙村")];
            let plan = plan_of(&[["李明", "1970", "", "", A]], &two);
            assert_eq!(codes(&plan.report.issues), [(2, "roster_possible_duplicate")]);
        }

        /// An ID number on both sides decides: the same one is the member (whatever the name,
        /// year or branch), different ones are two people.
        #[test]
        fn an_id_number_on_both_sides_wins_over_name_and_year() {
            let id = id_number("19700501", 123);
            let other = id_number("19700501", 125);
            let stored = member("王海", Some(1970), &id, "a", "");
            let plan = plan_of(&[["王海", "1970", "", &other, A]], std::slice::from_ref(&stored));
            assert_eq!(counts(&plan), (1, 0, 0), "another ID number: another person");
            let plan = plan_of(&[["王海生", "", "", &id, A]], std::slice::from_ref(&stored));
            assert_eq!(counts(&plan), (0, 1, 0));
            assert_eq!(plan.operations[0].entity_id, stored.id);
            // No ID number in the file: by name and year, as before.
            let plan = plan_of(&[["王海", "1970", "", "", A]], std::slice::from_ref(&stored));
            assert_eq!(counts(&plan), (0, 0, 1));
        }

        /// Within the file: two rows of one name and branch, the year missing in one of them,
        /// may be one member (blocking), and two rows that find one stored member are refused.
        #[test]
        fn rows_of_the_file_that_may_be_one_member_are_problems() {
            let plan = plan_of(&[["王海", "", "", "", A], ["王海", "1970", "", "", A]], &[]);
            assert_eq!(codes(&plan.report.issues), [(3, "roster_duplicate_maybe")]);
            let plan = plan_of(&[["王海", "1970", "", "", A], ["王海", "1980", "", "", A]], &[]);
            assert!(plan.report.issues.is_empty(), "two years: two people");
            assert_eq!(counts(&plan), (2, 0, 0));
            let id = id_number("19700501", 123);
            let stored = member("王海", None, &id, "a", "");
            let plan =
                plan_of(&[["王海生", "", "", &id, A], ["王海", "1970", "", "", A]], &[stored]);
            assert_eq!(codes(&plan.report.issues), [(3, "roster_same_member")]);
        }
    }

    #[test]
    fn a_gbk_csv_is_read() {
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,所在支部\n林海生,渔业村党支部\n");
        let table = read_table(&bytes).unwrap();
        assert_eq!(table[1], vec!["林海生", "渔业村党支部"]);
    }
}
