//! `diagnose --format zeek`: the connections as a Zeek ASCII log shaped like ssl.log, for
//! the tools that read Zeek logs (zeek-cut, SIEM shippers). A printer of the JSON
//! report: every value is a member of the connection object, written Zeek's way.

use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use super::ConnectionReport;

/// Each column: its name, its Zeek type, and its value in a connection's report.
type Column = (&'static str, &'static str, fn(&ConnectionReport) -> Value);

/// A field of one row.
enum Value {
    Time(f64),
    Port(u16),
    /// An address or a string (addresses never need escaping).
    Text(String),
    Bool(bool),
    Set(Vec<String>),
    Unset,
}

fn text(value: Option<&String>) -> Value {
    value.map_or(Value::Unset, |s| Value::Text(s.clone()))
}

/// The ssl.log columns tlsdoctor's report can fill, then its own. Zeek's `resumed` and
/// `next_protocol` are left out: the report does not carry them.
const COLUMNS: &[Column] = &[
    ("ts", "time", |c| Value::Time(c.first_time)),
    // The connection's `id` (unique within its `input`).
    ("uid", "string", |c| Value::Text(format!("TD{}", c.id))),
    ("id.orig_h", "addr", |c| Value::Text(c.client.ip.clone())),
    ("id.orig_p", "port", |c| Value::Port(c.client.port)),
    ("id.resp_h", "addr", |c| Value::Text(c.server.ip.clone())),
    ("id.resp_p", "port", |c| Value::Port(c.server.port)),
    ("version", "string", |c| text(c.version.as_ref())),
    ("cipher", "string", |c| text(c.cipher_suite.as_ref())),
    ("curve", "string", |c| text(c.story.server_choice.as_ref().and_then(|s| s.group.as_ref()))),
    ("server_name", "string", |c| text(c.sni.as_ref())),
    ("last_alert", "string", |c| text(c.alert.as_ref().and_then(|a| a.description.as_ref()))),
    ("established", "bool", |c| Value::Bool(c.outcome == super::Outcome::Ok)),
    ("ja3", "string", |c| text(c.fingerprints.ja3.as_ref())),
    ("ja3s", "string", |c| text(c.fingerprints.ja3s.as_ref())),
    ("ja4", "string", |c| text(c.fingerprints.ja4.as_ref())),
    ("ja4s", "string", |c| text(c.fingerprints.ja4s.as_ref())),
    ("last_ts", "time", |c| Value::Time(c.last_time)),
    ("transport", "string", |c| Value::Text(c.transport.to_string())),
    ("outcome", "string", |c| Value::Text(c.outcome.name().to_string())),
    ("findings", "set[string]", |c| Value::Set(c.findings.iter().map(|f| f.code.to_string()).collect())),
    ("input", "string", |c| Value::Text(c.input.clone())),
];

const SEPARATOR: u8 = b'\t';
const SET_SEPARATOR: u8 = b',';
const EMPTY: &str = "(empty)";
const UNSET: &str = "-";

/// The header: separators, the log's path and opening time, the columns and their types.
pub fn write_header(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "#separator \\x09")?;
    writeln!(out, "#set_separator\t{}", SET_SEPARATOR as char)?;
    writeln!(out, "#empty_field\t{EMPTY}")?;
    writeln!(out, "#unset_field\t{UNSET}")?;
    writeln!(out, "#path\tssl")?;
    writeln!(out, "#open\t{}", log_time(SystemTime::now()))?;
    let names: Vec<&str> = COLUMNS.iter().map(|(name, ..)| *name).collect();
    writeln!(out, "#fields\t{}", names.join("\t"))?;
    let types: Vec<&str> = COLUMNS.iter().map(|(_, typ, _)| *typ).collect();
    writeln!(out, "#types\t{}", types.join("\t"))
}

/// The last line, when the log is complete.
pub fn write_footer(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "#close\t{}", log_time(SystemTime::now()))
}

/// One connection's row, with its line end.
pub fn row(c: &ConnectionReport) -> Vec<u8> {
    let mut line = Vec::new();
    for (i, (_, _, value)) in COLUMNS.iter().enumerate() {
        if i > 0 {
            line.push(SEPARATOR);
        }
        match value(c) {
            Value::Time(t) => line.extend_from_slice(format!("{t:.6}").as_bytes()),
            Value::Port(p) => line.extend_from_slice(p.to_string().as_bytes()),
            Value::Bool(b) => line.push(if b { b'T' } else { b'F' }),
            Value::Text(s) => escape(&s, false, &mut line),
            Value::Set(items) if items.is_empty() => line.extend_from_slice(EMPTY.as_bytes()),
            Value::Set(items) => {
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        line.push(SET_SEPARATOR);
                    }
                    escape(item, true, &mut line);
                }
            }
            Value::Unset => line.extend_from_slice(UNSET.as_bytes()),
        }
    }
    line.push(b'\n');
    line
}

/// A string as Zeek writes it: bytes that are not printable ASCII, the separators and
/// the backslash as `\xNN`; an empty string as the empty field, and a string that reads
/// as the unset or empty field with its first byte escaped, so none is mistaken for them.
fn escape(s: &str, in_set: bool, out: &mut Vec<u8>) {
    if s.is_empty() {
        return out.extend_from_slice(EMPTY.as_bytes());
    }
    let reserved = s == UNSET || s == EMPTY;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let special = b == SEPARATOR || b == b'\\' || (in_set && b == SET_SEPARATOR);
        if !(0x20..0x7f).contains(&b) || special || (reserved && i == 0) {
            out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
        } else {
            out.push(b);
        }
    }
}

/// Zeek's `#open`/`#close` time: `YYYY-MM-DD-HH-MM-SS`, UTC.
fn log_time(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = tlsdoctor_tls::x509::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}-{:02}-{:02}-{:02}", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str, in_set: bool) -> String {
        let mut out = Vec::new();
        escape(s, in_set, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_zeek_does() {
        assert_eq!(escaped("a\tb", false), "a\\x09b");
        assert_eq!(escaped("a,b", false), "a,b");
        assert_eq!(escaped("a,b", true), "a\\x2cb");
        assert_eq!(escaped("\\x07", false), "\\x5cx07");
        assert_eq!(escaped("é", false), "\\xc3\\xa9");
        assert_eq!(escaped("", false), "(empty)");
        assert_eq!(escaped("-", false), "\\x2d");
        assert_eq!(escaped("(empty)", false), "\\x28empty)");
    }

    #[test]
    fn log_times_are_utc_dates() {
        assert_eq!(log_time(UNIX_EPOCH), "1970-01-01-00-00-00");
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_709_251_199);
        assert_eq!(log_time(t), "2024-02-29-23-59-59");
    }
}
