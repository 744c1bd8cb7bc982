//! An XLS checked before calamine opens it. An XLS is a BIFF workbook (the "Workbook" stream,
//! "Book" in BIFF5) in a compound file, and calamine builds every sheet of it when it opens the
//! file, as one dense block from its first to its last cell: a cell record at row 65535, column
//! 65535 asks for 4.3 billion cells, a DIMENSIONS record for more. So the stream is read here
//! with the `cfb` crate and every record calamine reads is walked the way it walks them (the
//! globals up to their EOF, then each sheet from where its BOUNDSHEET says up to its EOF):
//!
//! - every cell holding a value lies within the roster's bounds, and the sheets together span no
//!   more cells than [`MAX_WORKBOOK_CELLS`] (formatted empty cells, BLANK and MULBLANK, are not
//!   counted: calamine skips them, and a roster whose borders reach the sheet's last row is an
//!   ordinary file);
//! - the text calamine makes of the cells is bounded ([`MAX_SHEET_TEXT_BYTES`]): a LABEL's room is
//!   what its length field says (up to 64 KiB from a 9-byte record), a LABELSST copies its shared
//!   string into every cell naming it;
//! - the walks never overlap (sheets on the same records would be read again and again);
//! - formulas are emptied (their token count set to 0, their value kept): calamine writes each
//!   formula out as text, a sheet name for every three bytes of tokens, and the roster reads
//!   values only; DIMENSIONS records are emptied too (calamine reserves room for the block they
//!   declare, which the file may state as anything).
//!
//! A stream that cannot be found or walked is refused as unreadable, never handed to calamine
//! unchecked. calamine then reads the checked stream in a compound file the `cfb` crate wrote,
//! holding only it: calamine's own reader of compound files takes the sizes a file declares on
//! trust (it reserves and resizes to them), so it never sees the office's file itself.

use std::io::{Cursor, Read, Write};

use super::{
    MAX_ROSTER_BYTES, MAX_SHEET_TEXT_BYTES, MAX_WORKBOOK_CELLS, RosterError, check_cell, unreadable,
};

/// The end of the globals or of a sheet.
const EOF: u16 = 0x000A;
/// Where a sheet starts (its first field, a u32 offset in the stream).
const BOUNDSHEET: u16 = 0x0085;
/// The rows and columns a sheet declares (calamine reserves room for them).
const DIMENSIONS: u16 = 0x0200;
/// Several cells of a row: row, first column, …, last column (the last two bytes).
const MULRK: u16 = 0x00BD;
const MULBLANK: u16 = 0x00BE;
/// A cell's text (row, column, XF, then a string), and a formula's text value (a string).
const LABEL: u16 = 0x0204;
const STRING: u16 = 0x0207;
/// A cell naming a shared string (row, column, XF, then the string's index, u32).
const LABELSST: u16 = 0x00FD;
/// The shared strings, continued in the CONTINUE records after it.
const SST: u16 = 0x00FC;
const CONTINUE: u16 = 0x003C;
/// A formula: row, column, XF, value (8 bytes), flags, 4 bytes, then the token count and tokens.
const FORMULA: u16 = 0x0006;
/// Where a formula's token count is in its record.
const FORMULA_TOKENS: usize = 20;
/// Text calamine may make of one byte of a string (UTF-16 or a code page, as UTF-8).
const TEXT_PER_BYTE: u64 = 3;
/// Records whose data starts with the cell's row and column (u16 each) and that hold a value:
/// BIFF5/8 FORMULA, NUMBER, LABEL, BOOLERR, RK, LABELSST, RSTRING, and BIFF2–4's INTEGER,
/// NUMBER, LABEL, BOOLERR and FORMULA (calamine reads none of the older ones, but they are
/// bounded alike). Not BLANK (0x0201, 0x0001) nor MULBLANK: a formatted empty cell, which
/// calamine skips, so a roster whose borders were drawn down the whole sheet is not refused.
const CELLS: [u16; 12] = [
    FORMULA, 0x0203, LABEL, 0x0205, 0x027E, LABELSST, 0x00D6, 0x0002, 0x0003, 0x0004, 0x0005,
    0x0206,
];

/// The workbook stream of `bytes` (a compound file), checked, in a compound file of its own: what
/// calamine may open.
pub(super) fn checked(bytes: &[u8]) -> Result<Vec<u8>, RosterError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(unreadable)?;
    // calamine's order: "Workbook" (BIFF8), else "Book" (BIFF5).
    let path = ["/Workbook", "/Book"]
        .into_iter()
        .find(|path| file.is_stream(path))
        .ok_or_else(|| RosterError::Unreadable("no Workbook stream".to_owned()))?;
    let mut stream = Vec::new();
    file.open_stream(path)
        .map_err(unreadable)?
        .take(MAX_ROSTER_BYTES as u64 + 1)
        .read_to_end(&mut stream)
        .map_err(unreadable)?;
    if stream.len() > MAX_ROSTER_BYTES {
        return Err(RosterError::TooLarge);
    }
    for (at, len) in check(&stream)? {
        if let Some(bytes) = stream.get_mut(at..at + len) {
            bytes.fill(0);
        }
    }
    let mut out = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
        .map_err(unreadable)?;
    let mut copy = out.create_stream(path).map_err(unreadable)?;
    copy.write_all(&stream).map_err(unreadable)?;
    copy.flush().map_err(unreadable)?;
    drop(copy);
    out.flush().map_err(unreadable)?;
    Ok(out.into_inner().into_inner())
}

/// Every record calamine reads from `stream` within the bounds (see the module's words): the
/// bytes to empty in the copy calamine reads, each (where, how many): the formulas' token
/// counts, and every DIMENSIONS record (calamine reserves room for the block it declares; a
/// sheet formatted down to its last row declares all of it, and the cells it holds are bounded
/// one by one anyway).
fn check(stream: &[u8]) -> Result<Vec<(usize, usize)>, RosterError> {
    let mut globals = Records::new(stream, 0);
    let mut sheets = Vec::new();
    let mut strings = Vec::new();
    while let Some(record) = globals.read().transpose()? {
        match record.typ {
            BOUNDSHEET => sheets.push(u32_at(record.data, 0)? as usize),
            // calamine keeps the last SST.
            SST => strings = string_costs(record.data, globals.continues()?)?,
            EOF => break,
            _ => {}
        }
    }
    let mut walks = vec![(0, globals.at)];
    let mut spanned: u64 = 0;
    let mut text: u64 = 0;
    let mut emptied = Vec::new();
    for start in sheets {
        if start > stream.len() {
            return Err(RosterError::Unreadable("a sheet after the workbook's end".to_owned()));
        }
        let mut records = Records::new(stream, start);
        let mut span = Span::default();
        while let Some(record) = records.read().transpose()? {
            let data = record.data;
            match record.typ {
                EOF => break,
                DIMENSIONS => emptied.push((record.at, data.len())),
                MULBLANK => {}
                MULRK => {
                    if data.len() < 6 {
                        return Err(RosterError::Unreadable("a record too short".to_owned()));
                    }
                    let row = u16_at(data, 0)?;
                    span.cell(row, u16_at(data, 2)?)?;
                    span.cell(row, u16_at(data, data.len() - 2)?)?;
                }
                // The string's room is what its length says, its text up to 3 bytes a byte.
                STRING => text += text_cost(u16_at(data, 0)?, data),
                typ if CELLS.contains(&typ) => {
                    span.cell(u16_at(data, 0)?, u16_at(data, 2)?)?;
                    match typ {
                        LABEL => text += text_cost(u16_at(data, 6)?, data),
                        LABELSST => {
                            let index = u32_at(data, 6)? as usize;
                            text += strings.get(index).copied().unwrap_or(0);
                        }
                        FORMULA if data.len() >= FORMULA_TOKENS + 2 => {
                            emptied.push((record.at + FORMULA_TOKENS, 2));
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        walks.push((start, records.at));
        spanned = spanned.saturating_add(span.cells());
        if spanned > MAX_WORKBOOK_CELLS || text > MAX_SHEET_TEXT_BYTES as u64 {
            return Err(RosterError::TooLarge);
        }
    }
    walks.sort_unstable();
    if walks.windows(2).any(|pair| pair[1].0 < pair[0].1) {
        return Err(RosterError::Unreadable("sheets that overlap".to_owned()));
    }
    Ok(emptied)
}

/// What a LABEL's or STRING's text may cost: the room its length field asks for, or the text
/// its bytes make, whichever is more.
fn text_cost(length: u16, data: &[u8]) -> u64 {
    u64::from(length).max(TEXT_PER_BYTE * data.len() as u64)
}

/// What each shared string may cost once copied into a cell, walked as calamine's `parse_sst`
/// walks them (the SST's data, then its CONTINUE records; a string's characters go on in the
/// next one after a byte of flags).
fn string_costs(sst: &[u8], continues: Vec<&[u8]>) -> Result<Vec<u64>, RosterError> {
    let short = || RosterError::Unreadable("a shared string cut short".to_owned());
    let mut parts = Parts { data: sst.get(8..).ok_or_else(short)?, rest: continues.into_iter() };
    let mut costs = Vec::new();
    while !parts.data.is_empty() || parts.next() {
        let chars = u16_at(parts.data, 0)?;
        let flags = *parts.data.get(2).ok_or_else(short)?;
        parts.data = &parts.data[3..];
        let mut runs = 0;
        if flags & 0x08 != 0 {
            runs = usize::from(u16_at(parts.data, 0)?) * 4;
            parts.data = &parts.data[2..];
        }
        let mut extra = 0;
        if flags & 0x04 != 0 {
            // As calamine reads it: a negative size is one no record holds.
            extra = u32_at(parts.data, 0)?;
            parts.data = &parts.data[4..];
        }
        let mut left = usize::from(chars);
        let mut wide = flags & 0x01 != 0;
        let mut bytes = 0;
        while left > 0 {
            let taken =
                if wide { (parts.data.len() / 2).min(left) } else { parts.data.len().min(left) };
            let used = if wide { 2 * taken } else { taken };
            parts.data = &parts.data[used..];
            left -= taken;
            bytes += used;
            if left > 0 {
                if !parts.next() {
                    return Err(short());
                }
                wide = parts.data.first().ok_or_else(short)? & 0x01 != 0;
                parts.data = &parts.data[1..];
            }
        }
        parts.skip(runs).ok_or_else(short)?;
        parts.skip(usize::try_from(extra).unwrap_or(usize::MAX)).ok_or_else(short)?;
        costs.push(TEXT_PER_BYTE * bytes as u64);
    }
    Ok(costs)
}

/// The SST's data and its CONTINUE records, read in turn.
struct Parts<'a> {
    data: &'a [u8],
    rest: std::vec::IntoIter<&'a [u8]>,
}

impl Parts<'_> {
    /// On to the next CONTINUE record (what is left of this one is dropped, as calamine does).
    fn next(&mut self) -> bool {
        match self.rest.next() {
            Some(data) => {
                self.data = data;
                true
            }
            None => false,
        }
    }

    fn skip(&mut self, mut len: usize) -> Option<()> {
        while len > 0 {
            if self.data.is_empty() && !self.next() {
                return None;
            }
            let taken = len.min(self.data.len());
            self.data = &self.data[taken..];
            len -= taken;
        }
        Some(())
    }
}

/// The cells a sheet spans: from its first to its last cell holding a value.
#[derive(Default)]
struct Span {
    /// First row, last row, first column, last column.
    cells: Option<(u32, u32, u32, u32)>,
}

impl Span {
    fn cell(&mut self, row: u16, col: u16) -> Result<(), RosterError> {
        let (row, col) = (u32::from(row), u32::from(col));
        check_cell(row, col)?;
        self.cells = Some(match self.cells {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
        Ok(())
    }

    fn cells(&self) -> u64 {
        self.cells.map_or(0, |(r0, r1, c0, c1)| u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1))
    }
}

/// A BIFF record: its type, its data and where the data starts in the stream.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    at: usize,
}

/// BIFF records, `[type u16][length u16][data]`, framed as calamine frames them (a CONTINUE
/// record is one more record here; calamine joins it to the one before, which frames alike).
#[derive(Clone, Copy)]
struct Records<'a> {
    rest: &'a [u8],
    /// Where the next record starts in the stream.
    at: usize,
}

impl<'a> Records<'a> {
    /// The records of `stream` from `at` on (`at` at most its length).
    fn new(stream: &'a [u8], at: usize) -> Self {
        Self { rest: stream.get(at..).unwrap_or_default(), at }
    }

    /// The next record, `None` at the stream's end.
    fn read(&mut self) -> Option<Result<Record<'a>, RosterError>> {
        if self.rest.is_empty() {
            return None;
        }
        let cut = || RosterError::Unreadable("a record cut short".to_owned());
        let Some(&[t0, t1, l0, l1]) = self.rest.get(..4) else { return Some(Err(cut())) };
        let len = usize::from(u16::from_le_bytes([l0, l1]));
        let Some(data) = self.rest.get(4..4 + len) else { return Some(Err(cut())) };
        let record = Record { typ: u16::from_le_bytes([t0, t1]), data, at: self.at + 4 };
        self.rest = &self.rest[4 + len..];
        self.at += 4 + len;
        Some(Ok(record))
    }

    /// The data of the CONTINUE records right after the one just read, as calamine joins them to
    /// it (only while more than a record's header is left).
    fn continues(&self) -> Result<Vec<&'a [u8]>, RosterError> {
        let mut ahead = *self;
        let mut out = Vec::new();
        while ahead.rest.len() > 4 && u16_at(ahead.rest, 0)? == CONTINUE {
            match ahead.read() {
                Some(Ok(record)) => out.push(record.data),
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        Ok(out)
    }
}

fn u16_at(data: &[u8], at: usize) -> Result<u16, RosterError> {
    match data.get(at..at + 2) {
        Some(&[a, b]) => Ok(u16::from_le_bytes([a, b])),
        _ => Err(RosterError::Unreadable("a record too short".to_owned())),
    }
}

fn u32_at(data: &[u8], at: usize) -> Result<u32, RosterError> {
    match data.get(at..at + 4) {
        Some(&[a, b, c, d]) => Ok(u32::from_le_bytes([a, b, c, d])),
        _ => Err(RosterError::Unreadable("a record too short".to_owned())),
    }
}
