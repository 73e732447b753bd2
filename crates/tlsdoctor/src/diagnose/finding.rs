//! A finding: one root cause, its evidence and a remedy. Its code is one of
//! [`super::codes`], the registry docs/report.md lists.

use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// One of the [`super::codes`] constants.
    pub code: &'static str,
    pub severity: Severity,
    /// The frame that shows the evidence (1-based, as Wireshark numbers it).
    pub frame: u64,
    pub summary: String,
    pub detail: Map<String, Value>,
    pub remedy: String,
}

impl Finding {
    pub fn new(code: &'static str, severity: Severity, frame: u64, summary: impl Into<String>) -> Finding {
        // The registry is the contract: a code or severity missing from it is a bug.
        debug_assert!(super::codes::admits(code, severity), "{code} ({severity:?}) is not in the code registry");
        Finding { code, severity, frame, summary: summary.into(), detail: Map::new(), remedy: String::new() }
    }

    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Finding {
        self.detail.insert(key.to_string(), value.into());
        self
    }

    pub fn remedy(mut self, remedy: impl Into<String>) -> Finding {
        self.remedy = remedy.into();
        self
    }
}
