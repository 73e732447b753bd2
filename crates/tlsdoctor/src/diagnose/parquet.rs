
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_named_after_the_capture_without_its_extensions() {
        let names = |capture: &str| table_paths(Path::new("out"), Path::new(capture)).map(|p| p.display().to_string());
        assert_eq!(names("/data/a.pcapng"), ["out/a.connections.parquet", "out/a.findings.parquet"]);
        assert_eq!(names("b.pcap.gz")[0], "out/b.connections.parquet");
        assert_eq!(names("c.2026-12-06.cap")[1], "out/c.2026-12-06.findings.parquet");
        assert_eq!(names(".pcap")[0], "out/.pcap.connections.parquet");
    }

    #[test]
    fn a_findings_detail_and_the_story_become_json_text() {
        let mut row = serde_json::json!({"story": {"alerts": []}, "detail": {"a": [1]}});
        as_json_text(&mut row, "story");
        as_json_text(&mut row, "detail");
        assert_eq!(row["story"], r#"{"alerts":[]}"#);
        assert_eq!(row["detail"], r#"{"a":[1]}"#);
    }
}
