//! Shared by the integration tests: where the model is, and the data set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_insight::evaluate::LabelledSet;
use std::io::Write;
use std::path::PathBuf;

/// Writes to the real stderr. `eprintln!` inside a test is captured by the
/// test harness and shown only on failure; a skipped model or the quality
/// table must show on every run.
pub fn say(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{text}");
}

/// Folder with the all-MiniLM-L6-v2 files (see `find-model-dir.sh`).
pub const MODEL_ENV: &str = "KEEL_TEST_MODEL_DIR";
/// When `1`, a missing model fails the tests instead of skipping them (CI).
pub const REQUIRE_MODEL_ENV: &str = "KEEL_TEST_REQUIRE_MODEL";

/// The model folder, or `None` (after a loud warning) when the tests that
/// need it should be skipped. Panics when the model is required but not
/// configured, and when the configured folder does not exist: a typo must
/// not turn into a silent skip.
pub fn model_dir(test: &str) -> Option<PathBuf> {
    match std::env::var(MODEL_ENV) {
        Ok(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            assert!(
                dir.join("config.json").is_file(),
                "{MODEL_ENV}={} has no config.json",
                dir.display()
            );
            Some(dir)
        }
        _ => {
            if std::env::var(REQUIRE_MODEL_ENV).is_ok_and(|v| v == "1") {
                panic!("{REQUIRE_MODEL_ENV}=1 but {MODEL_ENV} is not set");
            }
            say(&format!(
                "WARNING: {MODEL_ENV} is not set: model tests DID NOT RUN ({test}). \
                 Set it to the model folder, e.g. \
                 {MODEL_ENV}=\"$(crates/keel-insight/find-model-dir.sh VENV)\", \
                 or run .ci/run."
            ));
            None
        }
    }
}

/// The labelled paraphrase set: 16 topics × 4 needs × 5 texts.
pub fn paraphrases() -> LabelledSet {
    let json = include_str!("../data/feedback_paraphrases.json");
    LabelledSet::from_json(json).unwrap()
}
