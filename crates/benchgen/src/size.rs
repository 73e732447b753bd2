//! `--size` values: `256M`, `1G`, `1.5GiB` (binary units), `300MB`, `1GB` (decimal
//! units) or plain bytes.

/// Parses a size; `K/M/G/T` and `KiB/MiB/...` are powers of 1024, `KB/MB/...` of 1000.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let bad = || format!("bad size {text:?}: expected bytes or a number with K, M, G, T (binary) or KB, MB, GB, TB");
    let upper = text.trim().to_ascii_uppercase();
    let split = upper.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(upper.len());
    let (number, unit) = upper.split_at(split);
    let number: f64 = number.parse().map_err(|_| bad())?;
    let unit = unit.trim();
    let (prefix, tail) = match unit.char_indices().next() {
        Some((_, c)) if "KMGT".contains(c) => (Some(c), &unit[1..]),
        _ => (None, unit),
    };
    let base: f64 = match tail {
        "" | "I" | "IB" => 1024.0,
        "B" => 1000.0,
        _ => return Err(bad()),
    };
    let exponent = match prefix {
        None if tail.is_empty() || tail == "B" => 0,
        None => return Err(bad()),
        Some(c) => "KMGT".find(c).unwrap_or(0) as i32 + 1,
    };
    let bytes = number * base.powi(exponent);
    if !bytes.is_finite() || bytes < 0.0 || bytes > u64::MAX as f64 {
        return Err(bad());
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn units() {
        assert_eq!(parse_size("256M"), Ok(256 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("300MB"), Ok(300_000_000));
        assert_eq!(parse_size("1gb"), Ok(1_000_000_000));
        assert_eq!(parse_size("4k"), Ok(4096));
        assert_eq!(parse_size("12345"), Ok(12345));
        assert_eq!(parse_size("100B"), Ok(100));
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["", "M", "12X", "1.2.3G", "5MiBs", "-1M"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
