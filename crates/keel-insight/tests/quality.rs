//! The yardstick on the labelled paraphrase set (16 topics × 4 needs × 5
//! paraphrases): the model must find duplicates at least twice as well as
//! the lexical fallback, and its themes must be mostly about one need.
//! The lexical figures are always computed and printed; the model's need
//! KEEL_TEST_MODEL_DIR.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use keel_insight::evaluate::{LabelledSet, Purity, precision_at_k, purity};
use keel_insight::{LexicalIndex, Model, Similarity, ThemeOptions, Themes, themes};

struct Figures {
    precision_at_3: f64,
    top_1: f64,
    purity: Purity,
    themes: Themes,
}

fn measure<V: Similarity>(vectors: &[V], set: &LabelledSet, options: &ThemeOptions) -> Figures {
    let found = themes(vectors, &set.text_refs(), options).unwrap();
    Figures {
        precision_at_3: precision_at_k(vectors, &set.labels, 3),
        top_1: precision_at_k(vectors, &set.labels, 1),
        purity: purity(&found, &set.labels),
        themes: found,
    }
}

fn print_table(rows: &[(&str, &Figures)]) {
    let mut out = String::from(
        "\nSimilar-feedback quality on the paraphrase set (320 texts, 64 needs):\n\
         | method | precision@3 | top-1 | theme purity | themes | unclustered |\n\
         |---|---|---|---|---|---|\n",
    );
    for (name, f) in rows {
        out += &format!(
            "| {name} | {:.3} | {:.3} | {:.3} | {} | {} |\n",
            f.precision_at_3, f.top_1, f.purity.purity, f.purity.themes, f.purity.unclustered
        );
    }
    for (name, f) in rows {
        out += &format!("largest {name} themes:\n");
        for theme in f.themes.themes.iter().take(5) {
            out += &format!("  {:>3} × {}\n", theme.members.len(), theme.label);
        }
    }
    common::say(&out);
}

#[test]
fn model_finds_duplicates_at_least_twice_as_well_as_words() {
    let set = common::paraphrases();
    assert_eq!(set.texts.len(), 320);
    assert_eq!(set.needs.len(), 64);

    let index = LexicalIndex::build(&set.text_refs());
    let lexical = measure(index.vectors(), &set, &ThemeOptions::lexical());
    // Chance is 4/319 = 0.013: word overlap must at least beat that.
    assert!(lexical.precision_at_3 > 0.03, "lexical is broken");
    let clustered = lexical.purity.clustered + lexical.purity.unclustered;
    assert_eq!(clustered, 320, "every text is in a theme or unclustered");

    let Some(dir) = common::model_dir("model_finds_duplicates_at_least_twice_as_well_as_words")
    else {
        print_table(&[("lexical (TF-IDF)", &lexical)]);
        return;
    };
    let model = Model::load(&dir).unwrap();
    let vectors = model.embed(&set.text_refs()).unwrap();
    let dense = measure(&vectors, &set, &ThemeOptions::model());
    print_table(&[("lexical (TF-IDF)", &lexical), ("all-MiniLM-L6-v2", &dense)]);

    assert!(
        dense.precision_at_3 >= 2.0 * lexical.precision_at_3,
        "model precision@3 {:.3} is not twice lexical {:.3}",
        dense.precision_at_3,
        lexical.precision_at_3
    );
    assert!(
        dense.purity.purity >= 0.6,
        "model theme purity {:.3} < 0.6",
        dense.purity.purity
    );
    // Purity alone is easy to game by clustering almost nothing.
    assert!(
        dense.purity.unclustered <= 320 / 2,
        "{} of 320 texts unclustered",
        dense.purity.unclustered
    );
}
