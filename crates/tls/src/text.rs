//! Text from a capture made safe to show: a hostile peer's names must not drive a terminal.

/// Control characters as `\xNN` (each byte of their UTF-8), everything else as it is.
pub fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            for b in c.to_string().bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
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
