//! The Rust model against the Python reference (tokens and vectors), and
//! the properties callers rely on. Needs KEEL_TEST_MODEL_DIR.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use keel_insight::{MAX_TOKENS, Model, from_bytes, to_bytes};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    cases: Vec<Case>,
}
#[derive(Deserialize)]
struct Case {
    text: String,
    ids: Vec<u32>,
    embedding: Vec<f32>,
}

fn reference() -> Reference {
    serde_json::from_str(include_str!("data/reference.json")).unwrap()
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn matches_the_python_reference() {
    let Some(dir) = common::model_dir("matches_the_python_reference") else {
        return;
    };
    let model = Model::load(&dir).unwrap();
    assert_eq!(model.dimension(), 384);
    let cases = reference().cases;

    for case in &cases {
        assert_eq!(
            model.tokenize(&case.text).unwrap(),
            case.ids,
            "{:?}",
            case.text
        );
    }
    assert!(cases.iter().any(|c| c.ids.len() == MAX_TOKENS));

    let texts: Vec<&str> = cases.iter().map(|c| c.text.as_str()).collect();
    let got = model.embed(&texts).unwrap();
    for (case, vector) in cases.iter().zip(&got) {
        assert_eq!(vector.len(), 384);
        let max_diff = vector
            .iter()
            .zip(&case.embedding)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(
            max_diff < 1e-4,
            "{:?}: differs from Python by up to {max_diff}",
            case.text
        );
        assert!(dot(vector, &case.embedding) > 0.9999);
    }
}

#[test]
fn vectors_are_normalised_and_do_not_depend_on_batching() {
    let Some(dir) = common::model_dir("vectors_are_normalised_and_do_not_depend_on_batching")
    else {
        return;
    };
    let model = Model::load(&dir).unwrap();
    let set = common::paraphrases();
    // Texts of very different lengths, so batches carry padding; more than
    // one batch.
    let texts: Vec<&str> = set.texts.iter().step_by(8).map(String::as_str).collect();
    assert!(texts.len() > keel_insight::BATCH_SIZE);
    let batched = model.embed(&texts).unwrap();
    assert_eq!(batched.len(), texts.len());
    for (text, vector) in texts.iter().zip(&batched) {
        let norm = dot(vector, vector).sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
        let alone = &model.embed(&[text]).unwrap()[0];
        assert!(
            dot(vector, alone) > 0.99999,
            "{text:?} changes with its batch"
        );
    }
    assert!(model.embed(&[]).unwrap().is_empty());
}

#[test]
fn vectors_survive_a_blob() {
    let Some(dir) = common::model_dir("vectors_survive_a_blob") else {
        return;
    };
    let model = Model::load(&dir).unwrap();
    let v = model
        .embed(&["Export the roadmap as a PDF"])
        .unwrap()
        .remove(0);
    let bytes = to_bytes(&v);
    assert_eq!(bytes.len(), 384 * 4);
    assert_eq!(from_bytes(&bytes).unwrap(), v);
}

#[test]
fn a_folder_without_weights_is_named() {
    let err = Model::load(std::path::Path::new("/nonexistent-keel-model"))
        .err()
        .unwrap();
    assert!(err.to_string().contains("config.json"), "{err}");
}
