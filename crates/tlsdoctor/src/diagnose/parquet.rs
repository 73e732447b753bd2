//! `diagnose --format parquet`: a capture's connections and findings as two Parquet
//! tables, for data lakes. Their columns are the JSON report's members, with the same
//! names (docs/report.md, "diagnose --format parquet"): each row is the report's serde
//! form of a connection or finding, so the tables cannot disagree with the JSON. Rows are
//! written as connections end, in row groups, so memory does not grow with the capture.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_json::reader::{Decoder, ReaderBuilder};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::Value;

use super::{ConnectionReport, ReportSink};

/// Rows turned into an Arrow batch at once.
const BATCH_ROWS: usize = 1024;
/// Rows of a row group: what the Parquet writer holds before writing it out.
const ROW_GROUP_ROWS: usize = 16 * 1024;

/// The two files of a capture: `DIR/STEM.connections.parquet` and
/// `DIR/STEM.findings.parquet`, STEM being the capture's file name without `.gz`,
/// `.pcap`, `.pcapng` or `.cap`.
pub fn table_paths(dir: &Path, capture: &Path) -> [PathBuf; 2] {
    let name = capture.file_name().map_or_else(|| "capture".into(), |n| n.to_string_lossy().into_owned());
    let strip = |name: &str, ext: &str| name.strip_suffix(ext).filter(|s| !s.is_empty()).map(str::to_string);
    let name = strip(&name, ".gz").unwrap_or(name);
    let stem = [".pcapng", ".pcap", ".cap"].iter().find_map(|ext| strip(&name, ext)).unwrap_or(name);
    [dir.join(format!("{stem}.connections.parquet")), dir.join(format!("{stem}.findings.parquet"))]
}

/// A capture's two tables, being written.
pub struct ParquetReport {
    connections: Table,
    findings: Table,
    /// Connections written that failed or have an error finding.
    with_problems: u64,
    /// The first error; later rows are dropped.
    error: Option<io::Error>,
}

impl ParquetReport {
    /// Creates the two files (see [`table_paths`]).
    pub fn create(paths: &[PathBuf; 2]) -> io::Result<Self> {
        Ok(ParquetReport {
            connections: Table::create(&paths[0], connection_schema())?,
            findings: Table::create(&paths[1], finding_schema())?,
            with_problems: 0,
            error: None,
        })
    }

    /// Adds a connection and its findings.
    pub fn connection(&mut self, report: &ConnectionReport) {
        if self.error.is_some() {
            return;
        }
        self.with_problems += u64::from(report.has_problem());
        let (connection, findings) = rows(report);
        let written =
            self.connections.push(&connection).and_then(|()| findings.iter().try_for_each(|f| self.findings.push(f)));
        self.error = written.err();
    }

    /// Connections written that failed or have an error finding.
    pub fn with_problems(&self) -> u64 {
        self.with_problems
    }

    /// Writes the rows held and closes both files.
    pub fn finish(self) -> io::Result<()> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.connections.finish()?;
        self.findings.finish()
    }
}

impl ReportSink for ParquetReport {
    fn report(&mut self, _frame: u64, report: ConnectionReport) {
        self.connection(&report);
    }
}

/// A connection's row and its findings' rows, from the report's serde form. Members
/// whose shape is free (the story, the ladder, a finding's detail) are kept as JSON text.
fn rows(report: &ConnectionReport) -> (Value, Vec<Value>) {
    let mut connection = serde_json::to_value(report).unwrap_or_default();
    let findings = match connection.as_object_mut().and_then(|c| c.remove("findings")) {
        Some(Value::Array(findings)) => findings,
        _ => Vec::new(),
    };
    as_json_text(&mut connection, "story");
    as_json_text(&mut connection, "ladder");
    let findings = findings
        .into_iter()
        .map(|mut finding| {
            as_json_text(&mut finding, "detail");
            if let Some(f) = finding.as_object_mut() {
                f.insert("input".into(), report.input.clone().into());
                f.insert("connection".into(), report.id.into());
            }
            finding
        })
        .collect();
    (connection, findings)
}

fn as_json_text(row: &mut Value, member: &str) {
    if let Some(value) = row.get_mut(member) {
        *value = Value::String(value.to_string());
    }
}

fn text(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn list_of_text(name: &str, items_nullable: bool) -> Field {
    Field::new(name, DataType::List(Arc::new(Field::new("item", DataType::Utf8, items_nullable))), false)
}

fn object(name: &str, nullable: bool, fields: Vec<Field>) -> Field {
    Field::new(name, DataType::Struct(fields.into()), nullable)
}

/// The connections table: a connection object of the JSON report but its `findings`.
pub fn connection_schema() -> Schema {
    let endpoint = |name| object(name, false, vec![text("ip", false), Field::new("port", DataType::UInt16, false)]);
    let frame = |name| Field::new(name, DataType::UInt64, false);
    Schema::new(vec![
        Field::new("id", DataType::UInt32, false),
        text("input", false),
        text("transport", false),
        endpoint("client"),
        endpoint("server"),
        frame("first_frame"),
        frame("last_frame"),
        Field::new("first_time", DataType::Float64, false),
        Field::new("last_time", DataType::Float64, false),
        text("sni", true),
        text("version", true),
        text("cipher_suite", true),
        text("client_auth", false),
        Field::new("decrypted", DataType::Boolean, false),
        text("outcome", false),
        object(
            "alert",
            true,
            vec![
                text("sender", false),
                text("level", true),
                text("description", true),
                frame("frame"),
                Field::new("encrypted", DataType::Boolean, false),
            ],
        ),
        object("closed", true, vec![text("sender", false), text("how", false), frame("frame")]),
        object(
            "http_response",
            true,
            vec![text("version", false), Field::new("status", DataType::UInt16, false), frame("frame")],
        ),
        list_of_text("passed", false),
        // Its shape varies with what the capture showed: JSON text.
        text("story", false),
        object(
            "fingerprints",
            false,
            ["ja3", "ja3_string", "ja4", "ja4_r", "ja3s", "ja3s_string", "ja4s", "ja4s_r"]
                .into_iter()
                .map(|name| text(name, true))
                .chain([list_of_text("ja4x", true), list_of_text("client_ja4x", true)])
                .collect(),
        ),
        // A list of steps: JSON text, as the story.
        text("ladder", false),
    ])
}

/// The findings table: a finding object of the JSON report, with the `input` and the
/// `connection` (its `id`) it belongs to.
pub fn finding_schema() -> Schema {
    Schema::new(vec![
        text("input", false),
        Field::new("connection", DataType::UInt32, false),
        text("code", false),
        text("severity", false),
        Field::new("frame", DataType::UInt64, false),
        text("summary", false),
        // Its members vary with the code: JSON text.
        text("detail", false),
        text("remedy", false),
    ])
}

/// One Parquet file, fed rows.
struct Table {
    decoder: Decoder,
    writer: ArrowWriter<File>,
    pending: usize,
}

impl Table {
    fn create(path: &Path, schema: Schema) -> io::Result<Table> {
        let schema = Arc::new(schema);
        let decoder = ReaderBuilder::new(schema.clone()).with_batch_size(BATCH_ROWS).build_decoder().map_err(other)?;
        let file = File::create(path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_size(ROW_GROUP_ROWS)
            .build();
        let writer = ArrowWriter::try_new(file, schema, Some(properties)).map_err(other)?;
        Ok(Table { decoder, writer, pending: 0 })
    }

    fn push(&mut self, row: &Value) -> io::Result<()> {
        self.decoder.serialize(std::slice::from_ref(row)).map_err(other)?;
        self.pending += 1;
        if self.pending >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.pending = 0;
        match self.decoder.flush().map_err(other)? {
            Some(batch) => self.writer.write(&batch).map_err(other),
            None => Ok(()),
        }
    }

    fn finish(mut self) -> io::Result<()> {
        self.flush()?;
        self.writer.close().map(drop).map_err(other)
    }
}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::other(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_named_after_the_capture_without_its_extensions() {
        let names = |capture: &str| table_paths(Path::new("out"), Path::new(capture)).map(|p| p.display().to_string());
        assert_eq!(names("/data/a.pcapng"), ["out/a.connections.parquet", "out/a.findings.parquet"]);
        assert_eq!(names("b.pcap.gz")[0], "out/b.connections.parquet");
        assert_eq!(names("c.2026-12-06.cap")[1], "out/c.2026-12-06.findings.parquet");
        assert_eq!(names(".pcap")[0], "out/.pcap.connections.parquet");
    }

    #[test]
    fn the_story_and_a_findings_detail_become_json_text() {
        let mut row = serde_json::json!({"story": {"alerts": []}, "detail": {"a": [1]}});
        as_json_text(&mut row, "story");
        as_json_text(&mut row, "detail");
        assert_eq!(row["story"], r#"{"alerts":[]}"#);
        assert_eq!(row["detail"], r#"{"a":[1]}"#);
    }
}
