//! Text from a capture made safe to show: a hostile peer's names must not drive a terminal.

use std::fmt::{self, Write};

/// Control characters as `\xNN` (each byte of their UTF-8), everything else as it is.
pub fn escape_controls(s: &str) -> String {
    Escaped(s).to_string()
}

/// Text from a capture, shown with its control characters escaped (as
/// [`escape_controls`]), for printers that write it straight out.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                let mut utf8 = [0; 4];
                for b in c.encode_utf8(&mut utf8).bytes() {
                    write!(f, "\\x{b:02x}")?;
                }
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn controls_are_escaped_and_the_rest_kept() {
        assert_eq!(super::escape_controls("evil\u{7}.example"), r"evil\x07.example");
        assert_eq!(super::escape_controls("\u{1b}[31mred"), r"\x1b[31mred");
        assert_eq!(super::escape_controls("\u{85}é"), "\\xc2\\x85é");
    }
}
