//! Bytes as a capture file through the whole pipeline and every printer (text -v, JSON
//! lines, tshark fields); every JSON line must parse.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use tlsdoctor::dissect::{FieldsPrinter, JsonPrinter, TextPrinter};
use tlsdoctor::pipeline::{analyze_reader, Config, Connection, Observer};
use tlsdoctor_capture::CaptureReader;
use tlsdoctor_tls::stream::Event;

struct AllPrinters {
    text: TextPrinter<Vec<u8>>,
    json: JsonPrinter<Vec<u8>>,
    fields: FieldsPrinter<Vec<u8>>,
}

impl Observer for AllPrinters {
    fn tls(&mut self, conn: &Connection, event: &Event<'_>) {
        self.text.tls(conn, event);
        self.json.tls(conn, event);
        self.fields.tls(conn, event);
    }

    fn connection_ended(&mut self, conn: &Connection) {
        self.text.connection_ended(conn);
        self.json.connection_ended(conn);
        self.fields.connection_ended(conn);
    }

    fn frame_done(&mut self, frame: u64) {
        self.text.frame_done(frame);
        self.json.frame_done(frame);
        self.fields.frame_done(frame);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(reader) = CaptureReader::from_reader(Box::new(Cursor::new(data.to_vec())), "fuzz") else {
        return;
    };
    let mut printers = AllPrinters {
        text: TextPrinter::new(Vec::new(), true),
        json: JsonPrinter::new(Vec::new()),
        fields: FieldsPrinter::new(Vec::new()),
    };
    let _ = analyze_reader(reader, &Config::default(), &mut printers, &mut |_| {});
    let _ = printers.text.finish().unwrap();
    let _ = printers.fields.finish().unwrap();
    let json = printers.json.finish().unwrap();
    for line in json.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        serde_json::from_slice::<serde_json::Value>(line).expect("JSON line parses");
    }
});
