//! Bytes as a capture file, diagnosed on one thread and on two (a leader reading it and a
//! helper given connections): the same reports, handed over in the same order with the
//! same frames, and the same summary or error.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use tlsdoctor::diagnose::shards::diagnose_capture_prepared;
use tlsdoctor::diagnose::{ConnectionReport, Options};
use tlsdoctor::pipeline::Config;
use tlsdoctor_capture::CaptureReader;

fn diagnose(data: &[u8], threads: usize) -> Option<(Vec<(u64, String)>, String)> {
    let reader = CaptureReader::from_reader(Box::new(Cursor::new(data.to_vec())), "fuzz").ok()?;
    let json = |report: ConnectionReport| serde_json::to_string(&report).ok();
    let mut reports = Vec::new();
    let out = &mut |frame, report| reports.push((frame, report));
    let done =
        diagnose_capture_prepared(reader, threads, &Config::default(), &Options::default(), &json, out, &mut |_| {});
    let end = match done {
        Ok((summary, refusals)) => {
            let mut judged: Vec<ConnectionReport> = Vec::new();
            refusals.judge(&mut judged);
            reports.extend(judged.into_iter().filter_map(|r| Some((u64::MAX, json(r)?))));
            format!("{summary:?}")
        }
        Err(e) => e.to_string(),
    };
    Some((reports, end))
}

fuzz_target!(|data: &[u8]| {
    assert_eq!(diagnose(data, 2), diagnose(data, 1));
});
