//! CSV: UTF-8 with a byte-order mark (Excel on Windows reads a BOM-less file as GBK and shows
//! the Chinese garbled), CRLF line ends, every field quoted when needed.

use super::{ExportFileError, Table};

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn write(table: &Table) -> Result<Vec<u8>, ExportFileError> {
    let mut out = BOM.to_vec();
    {
        let mut writer =
            csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        writer.write_record(&table.headers)?;
        for row in &table.rows {
            writer.write_record(row.iter().map(|c| c.display()))?;
        }
        writer.flush().map_err(csv::Error::from)?;
    }
    Ok(out)
}
