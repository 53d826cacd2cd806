//! The fuzz corpus, replayed on the stable toolchain: every input the fuzzers kept
//! (fuzz/corpus/<target>/, minimised) and every input that once crashed
//! (fuzz/regressions/<target>/) goes through the very code each fuzz target runs
//! (fuzz/checks.rs), so a crash once found and fixed cannot come back unnoticed.
//! No fuzzer is needed here; FUZZING in BENCHMARKS.md says how to run the fuzzers.

use std::path::Path;

#[path = "../fuzz/checks.rs"]
mod checks;

/// fuzz/corpus/<target> (minimised with `cargo fuzz cmin`) and fuzz/regressions/<target>
/// (each input that once crashed, kept under a name that says what it was).
fn replay(target: &str, check: fn(&[u8])) {
    for input in &inputs(target) {
        let bytes = std::fs::read(input).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&bytes));
        assert!(outcome.is_ok(), "{} panics {target}", input.display());
    }
}

/// The corpus and the regressions of a target, in name order.
fn inputs(target: &str) -> Vec<std::path::PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = fuzz.join("corpus").join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap_or_else(|e| panic!("{}: {e}", corpus.display()))
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!inputs.is_empty(), "{} holds no corpus", corpus.display());
    if let Ok(entries) = std::fs::read_dir(fuzz.join("regressions").join(target)) {
        inputs.extend(entries.map(|e| e.unwrap().path()));
    }
    inputs.sort();
    inputs
}

#[test]
fn the_import_corpus_parses_without_a_panic() {
    replay("import_parse", checks::import_parse);
}

/// `dun import` reads a file from disk by windows and spans, never whole: every input reads
/// from its file as it reads from its bytes in memory.
#[test]
fn the_import_corpus_reads_from_its_files_as_from_its_bytes() {
    for input in &inputs("import_parse") {
        checks::import_parse_from_file(input);
    }
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
