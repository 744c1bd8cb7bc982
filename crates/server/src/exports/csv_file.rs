//! CSV: UTF-8 with a byte-order mark (Excel on Windows reads a BOM-less file as GBK and shows
//! the Chinese garbled), CRLF line ends, every field quoted when needed.
//!
//! Text typed on a tablet reaches a spreadsheet program that runs formulas: a text cell that
//! begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe (OWASP's
//! advice against CSV injection), so `=HYPERLINK(…)` in a note is shown as text, not run.
//! Number cells are written as numbers and keep their sign.

use super::{Cell, ExportFileError, Table};

/// The text of `cell` as written to CSV, neutralised if a spreadsheet would read a formula.
pub fn csv_text(cell: &Cell) -> String {
    let text = cell.display();
    match cell {
        Cell::Text(_) if text.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{text}"),
        _ => text,
    }
}

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn write(table: &Table) -> Result<Vec<u8>, ExportFileError> {
    let mut out = BOM.to_vec();
    {
        let mut writer =
            csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        writer.write_record(&table.headers)?;
        for row in &table.rows {
            writer.write_record(row.iter().map(csv_text))?;
        }
        writer.flush().map_err(csv::Error::from)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        for (raw, shown) in [
            ("=HYPERLINK(\"http://x\",\"点我\")", "'=HYPERLINK(\"http://x\",\"点我\")"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("王海", "王海"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(csv_text(&Cell::Text(raw.into())), shown, "{raw:?}");
        }
        assert_eq!(csv_text(&Cell::Number(-5.0)), Cell::Number(-5.0).display());
    }
}
