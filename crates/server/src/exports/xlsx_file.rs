//! XLSX with one sheet: a bold, frozen header row and columns sized to their content.

use rust_xlsxwriter::{Format, Workbook};

use super::{Cell, ExportFileError, Table};

/// The most characters an XLSX cell holds (Excel's limit; the writer refuses more).
pub const MAX_CELL_CHARS: usize = 32_767;
/// Appended to a cell cut at [`MAX_CELL_CHARS`].
pub const TRUNCATED_MARKER: &str = "…（内容过长，已截断）";

/// `text` as it fits in one cell: cut, with the marker, when it is longer than the limit.
pub fn fit_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(text);
    }
    let keep = MAX_CELL_CHARS - TRUNCATED_MARKER.chars().count();
    let mut cut: String = text.chars().take(keep).collect();
    cut.push_str(TRUNCATED_MARKER);
    std::borrow::Cow::Owned(cut)
}

pub fn write(table: &Table) -> Result<Vec<u8>, ExportFileError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(table.title)?;
    let bold = Format::new().set_bold();
    for (col, header) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *header, &bold)?;
    }
    for (i, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (col, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => {
                    sheet.write_string(r, col as u16, fit_cell(s))?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, col as u16, *n)?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_the_cell_limit_with_a_marker() {
        let long = "长".repeat(40_000);
        let fitted = fit_cell(&long);
        assert_eq!(fitted.chars().count(), MAX_CELL_CHARS);
        assert!(fitted.ends_with(TRUNCATED_MARKER));
        assert_eq!(fit_cell("短"), "短");
        let table =
            Table { title: "党员", headers: vec!["备注"], rows: vec![vec![Cell::Text(long)]] };
        assert!(write(&table).is_ok());
    }
}
