//! `connections.tsv` next to the seed: `label <TAB> client address:port <TAB> ...`, one
//! line per seed connection. It names the templates in `--list` and the manifest.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::Path;

use crate::Error;

/// Labels by the seed connection's client address:port.
pub type Labels = HashMap<SocketAddr, String>;

/// The labels in `path`; none when the file does not exist (it is optional).
pub fn read_optional(path: &Path) -> Result<Labels, Error> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse(&text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Labels::new()),
        Err(source) => Err(Error::SeedFile { path: path.to_path_buf(), source }),
    }
}

/// Lines without a parsable client address (comments, headers) are ignored.
pub fn parse(text: &str) -> Labels {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let label = fields.next()?.trim();
            let client: SocketAddr = fields.next()?.trim().parse().ok()?;
            (!label.is_empty()).then(|| (client, label.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_label_and_client() {
        let labels = super::parse("# header\ntls13\t127.0.0.1:22101\t127.0.0.1:22001\t1024\nbad line\n");
        assert_eq!(labels.len(), 1);
        assert_eq!(labels[&"127.0.0.1:22101".parse().unwrap()], "tls13");
    }
}
