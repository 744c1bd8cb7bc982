//! XLSX with one sheet: a bold, frozen header row and columns sized to their content.

use rust_xlsxwriter::{Format, Workbook};

use super::{Cell, ExportFileError, Table};

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
                    sheet.write_string(r, col as u16, s)?;
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
