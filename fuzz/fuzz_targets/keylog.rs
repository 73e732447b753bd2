//! Arbitrary bytes as an NSS key log: `parse_keylog`, then `lines_for` and `merge`.
//! Asserts: problems are reported in increasing line order, each on a real line
//! (≤ the number of lines) that is neither blank nor a comment; a reason never quotes a
//! hex field of its line; exporting the lines of every logged client random and parsing
//! them again gives the same secrets; merging is idempotent; `Debug` shows no secret.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use tlsdoctor_keys::{lines_for, parse_keylog, KeyLog};

fuzz_target!(|data: &[u8]| {
    let (log, problems) = parse_keylog(data);

    // The same line splitting as the parser: '\n', then a trailing '\r', then ASCII
    // whitespace trimmed on both sides.
    let lines: Vec<&[u8]> =
        data.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l).trim_ascii()).collect();
    let mut previous = 0;
    for p in &problems {
        assert!(p.line >= 1 && p.line <= lines.len(), "line {} of {}", p.line, lines.len());
        assert!(p.line > previous, "line {} after {previous}", p.line);
        previous = p.line;
        let line = lines[p.line - 1];
        assert!(!line.is_empty() && !line.starts_with(b"#"), "problem on a blank or comment line {}", p.line);
        assert!(!p.reason.is_empty());
        // A bad line's secret is never quoted: no hex field of 8+ digits in the reason.
        for field in line.split(|b| b.is_ascii_whitespace()) {
            if field.len() >= 8 && field.iter().all(u8::is_ascii_hexdigit) {
                let field = std::str::from_utf8(field).unwrap();
                assert!(!p.reason.contains(field), "reason {:?} quotes a field of line {}", p.reason, p.line);
            }
        }
    }

    // Parsing is deterministic.
    let (again, again_problems) = parse_keylog(data);
    assert_eq!(again, log);
    assert_eq!(again_problems, problems);

    // Exporting the lines of every logged client random keeps exactly their secrets
    // (RSA lines are not exported).
    let randoms: HashSet<[u8; 32]> = log.client_randoms().copied().collect();
    let exported = lines_for(data, &randoms);
    let (reparsed, _) = parse_keylog(exported.as_bytes());
    let reparsed_randoms: HashSet<[u8; 32]> = reparsed.client_randoms().copied().collect();
    assert_eq!(reparsed_randoms, randoms);
    for r in &randoms {
        assert_eq!(reparsed.get(r), log.get(r));
    }
    // Nothing outside the set is exported.
    assert!(lines_for(data, &HashSet::new()).is_empty());

    // Merging is idempotent, and into an empty log a copy.
    let mut merged = log.clone();
    merged.merge(&log);
    assert_eq!(merged, log);
    let mut fresh = KeyLog::new();
    fresh.merge(&log);
    assert_eq!(fresh, log);
    assert_eq!(log.is_empty(), log.len() == 0);

    // Debug output names labels and counts only.
    let shown = format!("{log:?}");
    assert!(shown.len() < 100, "{shown}");
    for r in &randoms {
        let s = format!("{:?}", log.get(r).unwrap());
        assert!(!s.bytes().any(|b| b.is_ascii_digit() && b != b'0'), "{s}");
    }
});
