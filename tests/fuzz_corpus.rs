//! The fuzz corpus, replayed on the stable toolchain: every input the fuzzers kept
//! (fuzz/corpus/<target>/, minimised) goes through the very code each fuzz target runs
//! (fuzz/checks.rs), so a crash once found and fixed cannot come back unnoticed.
//! No fuzzer is needed here; FUZZING in BENCHMARKS.md says how to run the fuzzers.

use std::path::Path;

#[path = "../fuzz/checks.rs"]
mod checks;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{} holds no corpus", dir.display());
    for input in &inputs {
        let bytes = std::fs::read(input).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&bytes));
        assert!(outcome.is_ok(), "{} panics {target}", input.display());
    }
}

#[test]
fn the_import_corpus_parses_without_a_panic() {
    replay("import_parse", checks::import_parse);
}

#[test]
fn the_import_corpus_commits_without_a_panic() {
    replay("import_commit", checks::import_commit);
}

#[test]
fn the_amount_corpus_parses_without_a_panic() {
    replay("amount", checks::amount);
}

#[test]
fn the_date_corpus_parses_without_a_panic() {
    replay("date", checks::date);
}
