//! `records.xlsx`: the records as an Excel workbook, written with rust_xlsxwriter.
//!
//! Sheets, in order: `Records` (one row per record, the columns of `records.csv`), `Leaders`,
//! `Money`, `Dates`, `Sectors`, `Countries` (one row per item, the record id first, so a pivot
//! table needs no splitting of cells), `Mentions` (the rows of `mentions.csv`), `Skipped` and
//! `Run` (the top-level scalar fields of `run.json`, then its notes). Every sheet has a bold,
//! frozen header row, an autofilter and column widths fitted to the text (within bounds).
//!
//! Cells: text is always written as a string cell, never as a formula, so a value starting
//! with `=` stays text and needs no apostrophe; counts, offsets, confidences and amounts are
//! numbers; a full date (`YYYY-MM-DD`) is an Excel date shown as `yyyy-mm-dd`, while partial
//! dates (`2023-03`, `2025`) and intervals (`2024-06-13/2024-06-15`) stay text.
//!
//! Memory: every sheet is written in rust_xlsxwriter's constant-memory mode, which streams each
//! finished row to an unnamed temporary file (in the output folder, deleted by the system even
//! if the run is killed), so the workbook costs a few buffers however many records a run has.
//! Rows must then be written in order, which the writer does: item rows as each record
//! arrives, the `Skipped` and `Run` sheets at the end.
//!
//! Threads: in a run, the `Mentions` sheet, which has as many cells as the other sheets
//! together, is written on a thread of its own ([`XlsxWriter::write_mentions_apart`]); records
//! reach it in input order through a bounded channel. Each sheet is made apart from the
//! workbook, which takes them all back, in order, when it is saved.
//!
//! Limits: a sheet holds at most [`EXCEL_MAX_ROWS`] rows, the header included. Rows beyond it
//! are not written; the sheet's last row then says how many were left out and
//! [`XlsxWriter::notes`] reports it (the pipeline puts it into `run.json`). A cell holds at
//! most [`EXCEL_MAX_CHARS`] characters; longer text is cut and counted in the notes too.

use std::borrow::Cow;
use std::io::{Seek, Write};
use std::path::Path;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format as CellFormat, FormatBorder, Workbook, Worksheet, XlsxError,
};
use serde_json::{Map, Value};

use super::csv::{MENTION_COLUMNS, RECORD_COLUMNS, SKIPPED_COLUMNS};
use crate::input::Skipped;
use crate::record::{CountryOut, DateOut, LeaderOut, MentionKind, MentionRow, MoneyOut, Record, SectorOut};

/// The workbook's zip compression level. Compressing runs on one thread at the end of a run
/// and costs about as much as writing the cells. On 5,000 generated articles, level 2 makes a
/// run that writes the workbook 7–15 % faster than level 3, for a file 7 % larger (28.7 MB
/// instead of 26.7 MB). Level 3 was itself about a third faster than the default 6 (23.2 MB);
/// level 1 makes the file 52 % larger for little more speed.
const ZIP_LEVEL: u8 = 2;

/// Rows in an Excel sheet, the header row included.
pub const EXCEL_MAX_ROWS: u32 = 1_048_576;
/// Characters in an Excel cell.
pub const EXCEL_MAX_CHARS: usize = 32_767;

/// Column widths (in characters) are fitted to the longest cell within these bounds.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

/// Sheet indices, in workbook order (see [`SHEETS`]).
const RECORDS: usize = 0;
const LEADERS: usize = 1;
const MONEY: usize = 2;
const DATES: usize = 3;
const SECTORS: usize = 4;
const COUNTRIES: usize = 5;
const MENTIONS: usize = 6;
const SKIPPED: usize = 7;
const RUN: usize = 8;

/// Names and columns of the sheets, in workbook order.
pub const SHEETS: [(&str, &[&str]); 9] = [
    ("Records", &RECORD_COLUMNS),
    (
        "Leaders",
        &[
            "record_id",
            "name",
            "text",
            "title",
            "country",
            "mentions",
            "start",
            "end",
            "rule",
        ],
    ),
    (
        "Money",
        &[
            "record_id",
            "text",
            "amount",
            "amount_max",
            "currency",
            "qualifier",
            "start",
            "end",
            "rule",
        ],
    ),
    (
        "Dates",
        &[
            "record_id",
            "text",
            "value",
            "kind",
            "year_source",
            "start",
            "end",
            "rule",
        ],
    ),
    ("Sectors", &["record_id", "id", "label", "mentions", "evidence", "rule"]),
    ("Countries", &["record_id", "code", "name", "mentions"]),
    ("Mentions", &MENTION_COLUMNS),
    ("Skipped", &SKIPPED_COLUMNS),
    ("Run", &["key", "value"]),
];

/// One cell to write.
#[derive(Debug, Clone)]
enum Cell<'a> {
    /// A string cell, whatever its first character.
    Text(Cow<'a, str>),
    /// A whole number (counts, offsets).
    Int(u64),
    /// A number in the general format.
    Number(f64),
    /// An amount of money: a number with thousands separators.
    Amount(Decimal),
    /// A date value: an Excel date when it is a full date, text otherwise.
    Date(Cow<'a, str>),
    /// Nothing.
    Empty,
}

impl Cell<'_> {
    fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Text(s) => Cell::Text(Cow::Owned(s.into_owned())),
            Cell::Int(n) => Cell::Int(n),
            Cell::Number(n) => Cell::Number(n),
            Cell::Amount(d) => Cell::Amount(d),
            Cell::Date(s) => Cell::Date(Cow::Owned(s.into_owned())),
            Cell::Empty => Cell::Empty,
        }
    }
}

/// A date cell borrowing `s`.
fn date(s: &str) -> Cell<'_> {
    Cell::Date(Cow::Borrowed(s))
}

/// A text cell borrowing `s`.
fn text(s: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(s))
}

/// A text cell of `items` joined with `; `, as in `records.csv`.
fn joined<'a, I: IntoIterator<Item = &'a str>>(items: I) -> Cell<'a> {
    Cell::Text(Cow::Owned(items.into_iter().collect::<Vec<_>>().join("; ")))
}

/// An optional text: a string cell, or nothing.
fn optional(s: &Option<String>) -> Cell<'_> {
    s.as_deref().map_or(Cell::Empty, text)
}

/// A `YYYY-MM-DD` value as an Excel date; `None` for anything else (partial dates,
/// intervals, and days before 1900, which Excel cannot show as dates).
fn excel_date(value: &str) -> Option<ExcelDateTime> {
    if value.len() != 10 {
        return None;
    }
    let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    let year = u16::try_from(day.year()).ok()?;
    ExcelDateTime::from_ymd(year, day.month() as u8, day.day() as u8).ok()
}

/// What is known about one sheet while it is written.
#[derive(Debug)]
struct SheetState {
    /// The next row to write (0 is the header).
    next_row: u32,
    /// The widest cell seen per column, in characters.
    widths: Vec<usize>,
    /// A row that would take the sheet's last row, held until it is known whether more follow.
    held: Option<Vec<Cell<'static>>>,
    /// Rows left out because the sheet was full.
    dropped: u64,
}

/// The cell formats of the workbook.
#[derive(Clone)]
struct Formats {
    header: CellFormat,
    date: CellFormat,
    whole: CellFormat,
    fraction: CellFormat,
}

impl Formats {
    /// Every format, in the order the workbook numbers them (a format added to the struct
    /// must be added here, or this does not compile).
    fn each(&self) -> [&CellFormat; 4] {
        let Formats {
            header,
            date,
            whole,
            fraction,
        } = self;
        [header, date, whole, fraction]
    }
}

/// How many records' mentions may wait for the `Mentions` sheet's thread.
const MENTIONS_QUEUE: usize = 64;

/// Writes `records.xlsx`, row by row as records arrive.
pub struct XlsxWriter {
    workbook: Workbook,
    /// The sheets in workbook order; a sheet written on a thread of its own is away.
    sheets: Vec<Option<SheetWriter>>,
    /// The `Mentions` sheet's thread, when it is written on one.
    mentions: Option<MentionsThread>,
}

/// The `Mentions` sheet written on a thread of its own: it has as many cells as all the other
/// sheets together, and making cells costs more than everything else the writer does.
struct MentionsThread {
    /// Each record's id and mention rows, in input order.
    sender: SyncSender<(String, Vec<MentionRow>)>,
    /// The thread, which gives the sheet back when the rows end.
    thread: JoinHandle<std::io::Result<SheetWriter>>,
}

impl std::fmt::Debug for XlsxWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XlsxWriter")
            .field("mentions_apart", &self.mentions.is_some())
            .finish_non_exhaustive()
    }
}

impl XlsxWriter {
    /// Starts a workbook whose temporary row files go to `tempdir` (the output folder) and
    /// whose creation date is `created` (the run's reference date, so that the same inputs
    /// and reference date give a byte-identical workbook).
    pub fn new(tempdir: &Path, created: NaiveDate) -> Result<XlsxWriter, XlsxError> {
        XlsxWriter::with_row_limit(tempdir, created, EXCEL_MAX_ROWS)
    }

    /// As [`XlsxWriter::new`], with at most `row_limit` rows per sheet (for tests of the limit).
    pub fn with_row_limit(tempdir: &Path, created: NaiveDate, row_limit: u32) -> Result<XlsxWriter, XlsxError> {
        let row_limit = row_limit.clamp(2, EXCEL_MAX_ROWS);
        let mut workbook = Workbook::new();
        workbook.set_tempdir(tempdir)?;
        workbook.set_zip_compression_level(ZIP_LEVEL);
        let created = ExcelDateTime::from_ymd(
            u16::try_from(created.year()).unwrap_or(2000),
            created.month() as u8,
            created.day() as u8,
        )
        .or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1))?;
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
        let formats = Formats {
            header: CellFormat::new().set_bold().set_border_bottom(FormatBorder::Thin),
            date: CellFormat::new().set_num_format("yyyy-mm-dd"),
            whole: CellFormat::new().set_num_format("#,##0"),
            fraction: CellFormat::new().set_num_format("#,##0.00##"),
        };
        // Cells take their formats' numbers from the workbook on first use; numbered here, in
        // a fixed order, they do not depend on which sheet's thread uses a format first, and
        // the same inputs give a byte-identical workbook.
        for format in formats.each() {
            workbook.register_format(format);
        }
        let sheets = SHEETS
            .iter()
            .map(|(name, columns)| SheetWriter::new(&mut workbook, name, columns, &formats, row_limit).map(Some))
            .collect::<Result<_, _>>()?;
        Ok(XlsxWriter {
            workbook,
            sheets,
            mentions: None,
        })
    }

    /// From now on, writes the `Mentions` sheet on a thread of its own (see
    /// [`XlsxWriter::write_record`]).
    pub fn write_mentions_apart(&mut self) -> std::io::Result<()> {
        let Some(mut sheet) = self.sheets[MENTIONS].take() else {
            return Ok(());
        };
        let (sender, receiver) = sync_channel::<(String, Vec<MentionRow>)>(MENTIONS_QUEUE);
        let thread = std::thread::Builder::new()
            .name("accord-xlsx-mentions".into())
            .spawn(move || {
                for (id, mentions) in receiver {
                    for m in &mentions {
                        super::guarded(|| sheet.row(mention_cells(&id, m)))?;
                    }
                }
                Ok(sheet)
            })?;
        self.mentions = Some(MentionsThread { sender, thread });
        Ok(())
    }

    /// Adds a record, as [`XlsxWriter::write`]; its mention rows go to the `Mentions` sheet's
    /// own thread when it has one.
    pub fn write_record(&mut self, mut r: Record) -> std::io::Result<()> {
        if let Some(mentions) = &self.mentions {
            let rows = std::mem::take(&mut r.mentions);
            if let Err(unsent) = mentions.sender.send((r.id.clone(), rows)) {
                // The thread stopped, at an error: report it (had it not, the sheet would be
                // back here, and the rows are written below).
                r.mentions = unsent.0 .1;
                self.finish_rows()?;
            }
        }
        super::guarded(|| self.write(&r))
    }

    /// Waits until the `Mentions` sheet's thread, if there is one, has written every row it
    /// was given, and takes the sheet back.
    pub fn finish_rows(&mut self) -> std::io::Result<()> {
        let Some(MentionsThread { sender, thread }) = self.mentions.take() else {
            return Ok(());
        };
        drop(sender);
        let sheet = thread.join().unwrap_or_else(|_| {
            Err(std::io::Error::other(
                "records.xlsx: the Mentions sheet's writer stopped",
            ))
        })?;
        self.sheets[MENTIONS] = Some(sheet);
        Ok(())
    }

    /// Adds a record: its row in `Records`, its items in the item sheets, its mentions.
    pub fn write(&mut self, r: &Record) -> Result<(), XlsxError> {
        let id = r.id.as_str();
        self.row(RECORDS, record_cells(r))?;
        for l in &r.leaders {
            self.row(LEADERS, leader_cells(id, l))?;
        }
        for m in &r.money {
            self.row(MONEY, money_cells(id, m))?;
        }
        for d in &r.dates {
            self.row(DATES, date_cells(id, d))?;
        }
        for s in &r.sectors {
            self.row(SECTORS, sector_cells(id, s))?;
        }
        for c in &r.countries {
            self.row(COUNTRIES, country_cells(id, c))?;
        }
        for m in &r.mentions {
            self.row(MENTIONS, mention_cells(id, m))?;
        }
        Ok(())
    }

    /// What the reader of the workbook should know: sheets cut at Excel's row limit and cells
    /// cut at its length limit, so far (a sheet on a thread of its own counts once it is back,
    /// see [`XlsxWriter::finish_rows`]).
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        for (name, sheet) in SHEETS.iter().map(|(name, _)| name).zip(self.sheets.iter()) {
            let Some(sheet) = sheet else { continue };
            if sheet.state.dropped > 0 {
                let shown = u64::from(sheet.row_limit) - 2;
                notes.push(format!(
                    "records.xlsx: sheet {name} shows the first {shown} of {} rows (a sheet holds {} rows); every row is in the other outputs",
                    shown + sheet.state.dropped,
                    sheet.row_limit
                ));
            }
        }
        let clipped: u64 = self.sheets.iter().flatten().map(|s| s.clipped).sum();
        if clipped > 0 {
            notes.push(format!(
                "records.xlsx: {clipped} cell(s) cut to {EXCEL_MAX_CHARS} characters, the most a cell holds; the full text is in the other outputs"
            ));
        }
        notes
    }

    /// Writes the `Skipped` and `Run` sheets (`run` is `run.json` as a JSON value), closes
    /// every sheet (limit row, frozen header, autofilter, widths) and saves the workbook to `out`.
    pub fn finish<W: Write + Seek + Send>(mut self, skipped: &[Skipped], run: &Value, out: W) -> Result<(), XlsxError> {
        self.finish_rows()?;
        for s in skipped {
            self.row(SKIPPED, vec![text(&s.source), text(&s.reason)])?;
        }
        if let Value::Object(fields) = run {
            self.write_run(fields)?;
        }
        for ((_, columns), sheet) in SHEETS.iter().zip(std::mem::take(&mut self.sheets)) {
            let mut sheet = sheet.expect("every sheet is back");
            sheet.close(columns.len() as u16)?;
            self.workbook.push_worksheet(sheet.worksheet);
        }
        self.workbook.save_to_writer(out)
    }

    /// The `Run` sheet: a row per top-level scalar field of `run.json`, then one per note.
    fn write_run(&mut self, fields: &Map<String, Value>) -> Result<(), XlsxError> {
        for (key, value) in fields {
            if let Some(cell) = run_cell(value) {
                self.row(RUN, vec![text(key), cell])?;
            }
        }
        if let Some(Value::Array(notes)) = fields.get("notes") {
            for note in notes.iter().filter_map(Value::as_str) {
                self.row(RUN, vec![text("note"), text(note)])?;
            }
        }
        Ok(())
    }

    /// Adds a row to sheet `index` (see [`SheetWriter::row`]).
    fn row(&mut self, index: usize, cells: Vec<Cell<'_>>) -> Result<(), XlsxError> {
        match self.sheets[index].as_mut() {
            Some(sheet) => sheet.row(cells),
            None => Err(XlsxError::ParameterError(format!(
                "sheet {} is written on a thread of its own",
                SHEETS[index].0
            ))),
        }
    }
}

/// One sheet as it is written: its worksheet, made apart from the workbook (which takes it
/// when the workbook is saved, so that a sheet can be written on a thread of its own), what is
/// known of it so far, and the cell formats.
struct SheetWriter {
    worksheet: Worksheet,
    state: SheetState,
    formats: Formats,
    /// Rows in the sheet, the header included.
    row_limit: u32,
    /// Cells cut to [`EXCEL_MAX_CHARS`] characters.
    clipped: u64,
}

impl SheetWriter {
    /// The sheet `name` of `workbook` with its header row of `columns`.
    fn new(
        workbook: &mut Workbook,
        name: &str,
        columns: &[&str],
        formats: &Formats,
        row_limit: u32,
    ) -> Result<SheetWriter, XlsxError> {
        let mut worksheet = workbook.new_worksheet_with_constant_memory()?;
        worksheet.set_name(name)?;
        for (col, column) in columns.iter().enumerate() {
            worksheet.write_string_with_format(0, col as u16, *column, &formats.header)?;
        }
        Ok(SheetWriter {
            worksheet,
            state: SheetState {
                next_row: 1,
                widths: columns.iter().map(|c| c.len()).collect(),
                held: None,
                dropped: 0,
            },
            formats: formats.clone(),
            row_limit,
            clipped: 0,
        })
    }

    /// Ends the sheet, of `columns` columns: its last row (the held row, or how many rows were
    /// left out), frozen header, autofilter and column widths.
    fn close(&mut self, columns: u16) -> Result<(), XlsxError> {
        let last = self.row_limit - 1;
        // A held row means that nothing was dropped (see `row`).
        let (held, dropped) = (self.state.held.take(), self.state.dropped);
        if dropped > 0 {
            let warning = format!(
                "… {dropped} more row(s) not shown: a sheet holds {} rows; every row is in the other outputs",
                self.row_limit
            );
            self.put(last, vec![text_owned(warning)])?;
        } else if let Some(row) = held {
            self.put(last, row)?;
        }
        let last_row = self.state.next_row - 1;
        let sheet = &mut self.worksheet;
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, last_row, columns - 1)?;
        for (col, width) in self.state.widths.iter().enumerate() {
            sheet.set_column_width(col as u16, (width + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
        }
        Ok(())
    }

    /// Adds a row, or holds or drops it when the sheet is full (see the module doc).
    fn row(&mut self, cells: Vec<Cell<'_>>) -> Result<(), XlsxError> {
        let last = self.row_limit - 1;
        let state = &mut self.state;
        if state.next_row < last {
            let row = state.next_row;
            return self.put(row, cells);
        }
        if state.held.is_none() && state.dropped == 0 {
            state.held = Some(cells.into_iter().map(Cell::into_owned).collect());
        } else {
            state.dropped += 1 + u64::from(state.held.take().is_some());
        }
        Ok(())
    }

    /// Writes `cells` into row `row` and notes their widths.
    fn put(&mut self, row: u32, cells: Vec<Cell<'_>>) -> Result<(), XlsxError> {
        for (col, cell) in cells.into_iter().enumerate() {
            let width = write_cell(
                &mut self.worksheet,
                &self.formats,
                row,
                col as u16,
                cell,
                &mut self.clipped,
            )?;
            if let Some(w) = self.state.widths.get_mut(col) {
                *w = (*w).max(width);
            }
        }
        self.state.next_row = row + 1;
        Ok(())
    }
}

/// A record's row in `Records`: the columns of `records.csv`.
fn record_cells(r: &Record) -> Vec<Cell<'_>> {
    vec![
        text(&r.id),
        text(&r.source),
        Cell::Int(r.story as u64),
        optional(&r.title),
        text(&r.language),
        Cell::Number(r.language_confidence),
        r.published.as_deref().map_or(Cell::Empty, date),
        r.event_date.as_deref().map_or(Cell::Empty, date),
        joined(r.leaders.iter().map(|l| l.name.as_str())),
        joined(r.leaders.iter().map(|l| l.country.as_deref().unwrap_or_default())),
        joined(r.countries.iter().map(|c| c.code.as_str())),
        Cell::Text(Cow::Owned(
            r.money.iter().map(|m| m.value()).collect::<Vec<_>>().join("; "),
        )),
        joined(r.sectors.iter().map(|s| s.id.as_str())),
        joined(r.dates.iter().map(|d| d.value.as_str())),
        joined(r.warnings.iter().map(String::as_str)),
    ]
}

/// A leader's row in `Leaders`.
fn leader_cells<'a>(id: &'a str, l: &'a LeaderOut) -> Vec<Cell<'a>> {
    vec![
        text(id),
        text(&l.name),
        text(&l.text),
        optional(&l.title),
        optional(&l.country),
        Cell::Int(l.mentions as u64),
        Cell::Int(l.start as u64),
        Cell::Int(l.end as u64),
        text(&l.rule),
    ]
}

/// A money mention's row in `Money`.
fn money_cells<'a>(id: &'a str, m: &'a MoneyOut) -> Vec<Cell<'a>> {
    vec![
        text(id),
        text(&m.text),
        Cell::Amount(m.amount),
        m.amount_max.map_or(Cell::Empty, Cell::Amount),
        text(&m.currency),
        text(&m.qualifier),
        Cell::Int(m.start as u64),
        Cell::Int(m.end as u64),
        text(&m.rule),
    ]
}

/// A date mention's row in `Dates`.
fn date_cells<'a>(id: &'a str, d: &'a DateOut) -> Vec<Cell<'a>> {
    vec![
        text(id),
        text(&d.text),
        date(&d.value),
        text(&d.kind),
        text(&d.year_source),
        Cell::Int(d.start as u64),
        Cell::Int(d.end as u64),
        text(&d.rule),
    ]
}

/// A sector's row in `Sectors`.
fn sector_cells<'a>(id: &'a str, s: &'a SectorOut) -> Vec<Cell<'a>> {
    vec![
        text(id),
        text(&s.id),
        text(&s.label),
        Cell::Int(s.mentions as u64),
        joined(s.evidence.iter().map(String::as_str)),
        text(&s.rule),
    ]
}

/// A country's row in `Countries`.
fn country_cells<'a>(id: &'a str, c: &'a CountryOut) -> Vec<Cell<'a>> {
    vec![text(id), text(&c.code), text(&c.name), Cell::Int(c.mentions as u64)]
}

/// A mention's row in `Mentions`; a date's value is a date cell, any other value text.
fn mention_cells<'a>(id: &'a str, m: &'a MentionRow) -> Vec<Cell<'a>> {
    vec![
        text(id),
        text(m.kind.as_str()),
        text(&m.text),
        if m.kind == MentionKind::Date {
            date(&m.value)
        } else {
            text(&m.value)
        },
        Cell::Int(m.start as u64),
        Cell::Int(m.end as u64),
        text(&m.rule),
    ]
}

/// The value cell of a scalar field of `run.json`; `None` for lists and objects.
fn run_cell(value: &Value) -> Option<Cell<'_>> {
    Some(match value {
        Value::String(s) => text(s),
        Value::Number(n) => n.as_f64().map_or_else(|| text_owned(n.to_string()), Cell::Number),
        Value::Bool(b) => text(if *b { "true" } else { "false" }),
        Value::Null => Cell::Empty,
        Value::Array(_) | Value::Object(_) => return None,
    })
}

/// An owned text cell.
fn text_owned(s: String) -> Cell<'static> {
    Cell::Text(Cow::Owned(s))
}

/// Writes one cell; returns its width in characters (at most [`MAX_WIDTH`] + 1 are counted).
fn write_cell(
    sheet: &mut Worksheet,
    formats: &Formats,
    row: u32,
    col: u16,
    cell: Cell<'_>,
    clipped: &mut u64,
) -> Result<usize, XlsxError> {
    match cell {
        Cell::Text(s) => {
            let s = match s.char_indices().nth(EXCEL_MAX_CHARS) {
                Some((cut, _)) => {
                    *clipped += 1;
                    &s[..cut]
                }
                None => &s[..],
            };
            if !s.is_empty() {
                sheet.write_string(row, col, s)?;
            }
            Ok(s.chars().take(MAX_WIDTH + 1).count())
        }
        Cell::Int(n) => {
            sheet.write_number(row, col, n as f64)?;
            Ok(n.to_string().len())
        }
        Cell::Number(n) => {
            sheet.write_number(row, col, n)?;
            Ok(n.to_string().len())
        }
        Cell::Amount(d) => {
            let whole = d.fract().is_zero();
            let format = if whole { &formats.whole } else { &formats.fraction };
            sheet.write_number_with_format(row, col, d.to_f64().unwrap_or(f64::NAN), format)?;
            let digits = d.trunc().abs().to_string().len();
            Ok(digits + digits / 3 + if whole { 0 } else { 5 })
        }
        Cell::Date(value) => match excel_date(&value) {
            Some(day) => {
                sheet.write_datetime_with_format(row, col, &day, &formats.date)?;
                Ok(10)
            }
            None => write_cell(sheet, formats, row, col, Cell::Text(value), clipped),
        },
        Cell::Empty => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn skipped(n: usize) -> Vec<Skipped> {
        (0..n)
            .map(|i| Skipped {
                source: format!("=cmd{i}.txt"),
                reason: "binary: test".to_owned(),
            })
            .collect()
    }

    fn saved(writer: XlsxWriter, skipped: &[Skipped]) -> Xlsx<Cursor<Vec<u8>>> {
        let mut bytes = Cursor::new(Vec::new());
        let run = serde_json::json!({"tool": "accord", "inputs": 3, "skipped": [], "notes": ["n1"]});
        writer.finish(skipped, &run, &mut bytes).unwrap();
        Xlsx::new(Cursor::new(bytes.into_inner())).unwrap()
    }

    #[test]
    fn full_dates_become_excel_dates_and_the_rest_stays_text() {
        assert!(excel_date("2024-06-14").is_some());
        for value in [
            "2024-06",
            "2024",
            "2024-06-13/2024-06-15",
            "1850-01-01",
            "2024-6-14x",
            "2024-02-30",
        ] {
            assert!(excel_date(value).is_none(), "{value}");
        }
    }

    #[test]
    fn mention_values_are_dates_only_for_date_mentions() {
        let mention = |kind: MentionKind| MentionRow {
            kind,
            text: "June 2024".into(),
            value: "2024-06".into(),
            start: 0,
            end: 9,
            rule: "r".into(),
        };
        for kind in MentionKind::ALL {
            let m = mention(kind);
            let cells = mention_cells("id", &m);
            assert!(matches!(&cells[1], Cell::Text(k) if k == kind.as_str()), "{kind}");
            assert_eq!(matches!(cells[3], Cell::Date(_)), kind == MentionKind::Date, "{kind}");
        }
    }

    #[test]
    fn run_fields_become_cells_except_lists_and_objects() {
        for (value, cell) in [
            (serde_json::json!("x"), Some("Text")),
            (serde_json::json!(3), Some("Number")),
            (serde_json::json!(true), Some("Text")),
            (serde_json::json!(null), Some("Empty")),
            (serde_json::json!([1]), None),
            (serde_json::json!({"a": 1}), None),
        ] {
            let got = run_cell(&value).map(|c| match c {
                Cell::Text(_) => "Text",
                Cell::Number(_) => "Number",
                Cell::Empty => "Empty",
                _ => "other",
            });
            assert_eq!(got, cell, "{value}");
        }
    }

    #[test]
    fn a_full_sheet_ends_with_a_row_that_says_how_many_rows_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let writer = XlsxWriter::with_row_limit(dir.path(), day(), 4).unwrap();
        let mut book = saved(writer, &skipped(6));
        let rows: Vec<Vec<Data>> = book
            .worksheet_range("Skipped")
            .unwrap()
            .rows()
            .map(<[Data]>::to_vec)
            .collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1][0], Data::String("=cmd0.txt".into()));
        assert_eq!(rows[2][0], Data::String("=cmd1.txt".into()));
        let last = rows[3][0].to_string();
        assert!(last.starts_with("… 4 more row(s) not shown"), "{last}");
        let run: Vec<Vec<Data>> = book
            .worksheet_range("Run")
            .unwrap()
            .rows()
            .map(<[Data]>::to_vec)
            .collect();
        assert_eq!(run[1], [Data::String("tool".into()), Data::String("accord".into())]);
        assert_eq!(run[2], [Data::String("inputs".into()), Data::Float(3.0)]);
        assert_eq!(run[3], [Data::String("note".into()), Data::String("n1".into())]);
    }

    #[test]
    fn a_sheet_that_exactly_fills_its_rows_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let writer = XlsxWriter::with_row_limit(dir.path(), day(), 4).unwrap();
        assert!(writer.notes().is_empty());
        let mut book = saved(writer, &skipped(3));
        let rows: Vec<String> = book
            .worksheet_range("Skipped")
            .unwrap()
            .rows()
            .map(|r| r[0].to_string())
            .collect();
        assert_eq!(rows, ["source", "=cmd0.txt", "=cmd1.txt", "=cmd2.txt"]);
    }

    #[test]
    fn rows_beyond_the_limit_are_noted() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = XlsxWriter::with_row_limit(dir.path(), day(), 3).unwrap();
        for i in 0..5 {
            writer.row(COUNTRIES, vec![text_owned(format!("r{i}"))]).unwrap();
        }
        let notes = writer.notes();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("records.xlsx: sheet Countries shows the first 1 of 5 rows"),
            "{notes:?}"
        );
        let mut book = saved(writer, &[]);
        let rows: Vec<String> = book
            .worksheet_range("Countries")
            .unwrap()
            .rows()
            .map(|r| r[0].to_string())
            .collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1], "r0");
        assert!(rows[2].starts_with("… 4 more row(s)"), "{rows:?}");
    }

    /// A record `id` with `n` mention rows.
    fn record_with_mentions(id: &str, n: usize) -> Record {
        Record {
            id: id.into(),
            source: format!("{id}.txt"),
            story: 1,
            title: None,
            language: "en".into(),
            language_confidence: 1.0,
            mentions: (0..n)
                .map(|i| MentionRow {
                    kind: if i == 0 {
                        MentionKind::Date
                    } else {
                        MentionKind::Country
                    },
                    text: format!("{id} mention {i}"),
                    value: if i == 0 { "2024-06-14".into() } else { "KZ".into() },
                    start: i,
                    end: i + 1,
                    rule: "country.en".into(),
                })
                .collect(),
            ..Record::default()
        }
    }

    /// Every row of sheet `name` of `book`, as text.
    fn sheet_rows(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<String>> {
        let range = book.worksheet_range(name).unwrap();
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn mentions_written_on_their_own_thread_give_the_same_sheets_and_notes() {
        let records = [record_with_mentions("a", 2), record_with_mentions("b", 3)];
        let books = [false, true].map(|apart| {
            let dir = tempfile::tempdir().unwrap();
            let mut writer = XlsxWriter::with_row_limit(dir.path(), day(), 5).unwrap();
            if apart {
                writer.write_mentions_apart().unwrap();
            }
            for r in &records {
                writer.write_record(r.clone()).unwrap();
            }
            writer.finish_rows().unwrap();
            let notes = writer.notes();
            let mut bytes = Cursor::new(Vec::new());
            writer.finish(&[], &serde_json::json!({}), &mut bytes).unwrap();
            (notes, bytes.into_inner())
        });
        let [(sequential_notes, sequential), (apart_notes, apart)] = books;
        // The same bytes: cell formats are numbered the same whichever thread uses one first.
        assert!(apart == sequential, "the workbooks differ");
        let [mut sequential, mut apart] = [sequential, apart].map(|b| Xlsx::new(Cursor::new(b)).unwrap());
        assert_eq!(apart_notes, sequential_notes);
        assert_eq!(apart_notes.len(), 1, "{apart_notes:?}");
        assert!(
            apart_notes[0].contains("sheet Mentions shows the first 3 of 5 rows"),
            "{apart_notes:?}"
        );
        for (name, _) in SHEETS {
            assert_eq!(
                sheet_rows(&mut apart, name),
                sheet_rows(&mut sequential, name),
                "{name}"
            );
        }
        let mentions = sheet_rows(&mut apart, "Mentions");
        assert_eq!(mentions[1][2], "a mention 0");
        assert_eq!(mentions[3][2], "b mention 0");
        assert!(mentions[4][0].starts_with("… 2 more row(s)"), "{mentions:?}");
    }

    #[test]
    fn cell_formats_are_numbered_the_same_whichever_sheet_uses_one_first() {
        let workbook = |money_first: bool| {
            let dir = tempfile::tempdir().unwrap();
            let mut writer = XlsxWriter::new(dir.path(), day()).unwrap();
            let money = vec![text("a"), Cell::Amount(Decimal::new(12345, 1))];
            let dates = vec![text("a"), date("2024-06-14")];
            let rows = if money_first {
                [(MONEY, money), (DATES, dates)]
            } else {
                [(DATES, dates), (MONEY, money)]
            };
            for (sheet, cells) in rows {
                writer.row(sheet, cells).unwrap();
            }
            let mut bytes = Cursor::new(Vec::new());
            writer.finish(&[], &serde_json::json!({}), &mut bytes).unwrap();
            bytes.into_inner()
        };
        assert!(workbook(true) == workbook(false), "the workbooks differ");
    }

    #[test]
    fn overlong_text_is_cut_to_the_cell_limit_and_noted() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = XlsxWriter::new(dir.path(), day()).unwrap();
        let long = "ä".repeat(EXCEL_MAX_CHARS + 10);
        writer.row(SKIPPED, vec![text(&long), text("=1+1")]).unwrap();
        assert_eq!(writer.notes().len(), 1);
        let mut book = saved(writer, &[]);
        let range = book.worksheet_range("Skipped").unwrap();
        let row: Vec<&Data> = range.rows().nth(1).unwrap().iter().collect();
        assert_eq!(row[0].to_string().chars().count(), EXCEL_MAX_CHARS);
        assert_eq!(*row[1], Data::String("=1+1".into()));
    }
}
