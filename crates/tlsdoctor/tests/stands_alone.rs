//! The repository stands alone (issue 14): people get it as a clone or with `cargo
//! install`, with nothing beside it, so no file of the project may reach out of it, and
//! what README.md tells a newcomer to type must name files that are there.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Every file of the work tree but build output and git's own.
fn project_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = entry.file_name();
        if entry.file_type().unwrap().is_dir() {
            if name != ".git" && name != "target" {
                project_files(&path, found);
            }
        } else if entry.file_type().unwrap().is_file() {
            found.push(path);
        }
    }
}

#[test]
fn no_file_reaches_beside_the_repository() {
    // Spelled in two parts, or this file would name it.
    let outside = format!("{}/shared", "..");
    let root = repo();
    let mut files = Vec::new();
    project_files(&root, &mut files);
    assert!(files.len() > 300, "{} files", files.len());
    let offending: Vec<String> = files
        .iter()
        .filter(|path| {
            let bytes = std::fs::read(path).unwrap();
            bytes.windows(outside.len()).any(|w| w == outside.as_bytes())
        })
        .map(|path| path.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert!(offending.is_empty(), "these files mention {outside}: {offending:?}");
}

/// README.md opens with the two commands a newcomer types; the first diagnoses a sample
/// of the repository, the second runs the tests.
#[test]
fn readme_starts_with_two_commands_on_files_of_the_repository() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let block = readme.split("```sh\n").nth(1).and_then(|rest| rest.split("```").next()).expect("a sh block");
    let commands: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert!(commands[0].starts_with("cargo run --release -- diagnose "), "{}", commands[0]);
    assert_eq!(commands[1], "cargo test --workspace");
    let named: Vec<&str> = commands[0].split_whitespace().filter(|w| w.starts_with("samples/")).collect();
    assert!(!named.is_empty(), "{}", commands[0]);
    for file in named {
        assert!(repo().join(file).is_file(), "README names {file}, which is not in the repository");
    }
}

/// The report contract and the man pages live in the repository, where `--help` and
/// `--version` send the reader.
#[test]
fn the_documents_help_points_to_are_there() {
    for doc in ["docs/report.md", "docs/report.schema.json", "docs/man/tlsdoctor.1"] {
        assert!(repo().join(doc).is_file(), "{doc} is missing");
    }
}
