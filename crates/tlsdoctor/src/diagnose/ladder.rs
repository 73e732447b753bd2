//! The handshake as a ladder for a terminal (`diagnose --ladder`): the client's column on
//! the left, the server's on the right, one arrow per frame with its number and time,
//! and the failing steps marked. 80 columns wide.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use tlsdoctor_tls::text::Escaped;

use super::{ConnectionReport, Severity, Step};

/// Box-drawing characters, or ASCII for terminals and files without them (`--ascii`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glyphs {
    Unicode,
    Ascii,
}

struct Set {
    line: char,
    right: char,
    left: char,
    failed: char,
}

impl Glyphs {
    fn set(self) -> Set {
        match self {
            Glyphs::Unicode => Set { line: '─', right: '►', left: '◄', failed: '✗' },
            Glyphs::Ascii => Set { line: '-', right: '>', left: '<', failed: 'x' },
        }
    }
}

/// Frame (7), time (8), and the spaces around them.
const PREFIX: usize = 2 + 7 + 2 + 8 + 2;
/// The arrow and the text on it, then a mark column: 80 in all.
const LANE: usize = 80 - PREFIX - 3;
/// Room for the text inside an arrow: its two ends and a space each side.
const TEXT: usize = LANE - 6;

const BAD: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// A connection's title line, then its ladder (`dissect --ladder`): which connection,
/// between which endpoints, in which capture (`input`, given when there are several).
pub fn write_titled(out: &mut dyn Write, c: &ConnectionReport, input: Option<&str>, glyphs: Glyphs) -> io::Result<()> {
    const BOLD: Style = Style::new().bold();
    write!(
        out,
        "{BOLD}connection {}{BOLD:#}  {}:{} {} {}:{}  {}",
        c.id,
        c.client.ip,
        c.client.port,
        if glyphs == Glyphs::Ascii { "->" } else { "→" },
        c.server.ip,
        c.server.port,
        c.transport
    )?;
    if let Some(input) = input {
        write!(out, "  in {}", Escaped(input))?;
    }
    if let Some(sni) = &c.sni {
        write!(out, "  SNI {}", Escaped(sni))?;
    }
    writeln!(out, "  frames {}-{}", c.first_frame, c.last_frame)?;
    write(out, c, glyphs)?;
    writeln!(out)
}

/// Writes the ladder of `c`: a header, an arrow per frame, then what the marks stand for.
pub fn write(out: &mut dyn Write, c: &ConnectionReport, glyphs: Glyphs) -> io::Result<()> {
    let g = glyphs.set();
    let errors: Vec<_> = c.findings.iter().filter(|f| f.severity == Severity::Error).collect();
    let alert_frame = c.alert.as_ref().map(|a| a.frame);
    let marked = |frame: u64| alert_frame == Some(frame) || errors.iter().any(|f| f.frame == frame);
    let pad = LANE - "client".len() - "server".len();
    writeln!(out, "\n  {DIM}{:>7}  {:>8}  client{}server{DIM:#}", "frame", "time (s)", " ".repeat(pad))?;
    let mut steps = c.ladder.iter().peekable();
    while let Some(first) = steps.next() {
        let mut group: Vec<&Step> = vec![first];
        while let Some(next) = steps.next_if(|s| s.frame == first.frame && s.from == first.from) {
            group.push(next);
        }
        let messages: Vec<String> = group.iter().map(|s| Escaped(&s.message).to_string()).collect();
        let lines = wrap(&messages, TEXT);
        let mark = marked(first.frame);
        for (i, line) in lines.iter().enumerate() {
            let (frame, time) =
                if i == 0 { (first.frame.to_string(), format!("{:.3}", first.time)) } else { Default::default() };
            let arrow = if i == 0 { arrow(line, first.from == "client", &g) } else { format!("   {line}") };
            if mark && i == 0 {
                writeln!(out, "  {frame:>7}  {time:>8}  {BAD}{arrow:<LANE$} {}{BAD:#}", g.failed)?;
            } else {
                writeln!(out, "{}", format!("  {frame:>7}  {time:>8}  {arrow}").trim_end())?;
            }
        }
    }
    // What the marks stand for, in frame order.
    let mut marks: Vec<(u64, String)> = errors.iter().map(|f| (f.frame, f.code.to_string())).collect();
    if let Some(a) = &c.alert {
        let what = a.description.as_deref().unwrap_or("encrypted");
        marks.push((a.frame, format!("the {}'s alert ({what})", a.sender)));
    }
    marks.sort();
    for (frame, what) in marks {
        writeln!(out, "  {BAD}{}{BAD:#} frame {frame}: {what}", g.failed)?;
    }
    Ok(())
}

/// One arrow across the lane, its text on it: `── text ───►` or `◄─── text ──`.
fn arrow(text: &str, rightwards: bool, g: &Set) -> String {
    let fill = LANE.saturating_sub(text.chars().count() + 5);
    let line = |n: usize| g.line.to_string().repeat(n);
    if rightwards {
        format!("{} {text} {}{}", line(2), line(fill), g.right)
    } else {
        format!("{}{} {text} {}", g.left, line(fill), line(2))
    }
}

/// The messages, joined by ", ", in lines of at most `width` characters: a line breaks
/// between messages, and inside one only when it is longer than a line.
fn wrap(messages: &[String], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for (i, message) in messages.iter().enumerate() {
        let piece = if i + 1 < messages.len() { format!("{message},") } else { message.clone() };
        let joined =
            if line.is_empty() { piece.chars().count() } else { line.chars().count() + 1 + piece.chars().count() };
        if joined > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
        while line.chars().count() > width {
            lines.push(line.chars().take(width).collect());
            line = line.chars().skip(width).collect();
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_between_messages_and_long_ones_are_cut() {
        let m = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(wrap(&m(&["Server Hello", "Certificate"]), 30), ["Server Hello, Certificate"]);
        assert_eq!(wrap(&m(&["Server Hello", "Certificate Verify"]), 20), ["Server Hello,", "Certificate Verify"]);
        assert_eq!(wrap(&m(&["abcdefgh"]), 3), ["abc", "def", "gh"]);
        assert_eq!(wrap(&m(&["Client Hello"]), 20), ["Client Hello"]);
    }

    #[test]
    fn arrows_fill_the_lane() {
        let g = Glyphs::Unicode.set();
        let right = arrow("Client Hello", true, &g);
        assert_eq!(right.chars().count(), LANE);
        assert!(right.starts_with("── Client Hello ─") && right.ends_with('►'));
        let left = arrow("Server Hello", false, &g);
        assert_eq!(left.chars().count(), LANE);
        assert!(left.starts_with("◄─") && left.ends_with(" Server Hello ──"));
        assert_eq!(arrow("x", true, &Glyphs::Ascii.set()).chars().filter(|&c| c == '>').count(), 1);
    }
}
