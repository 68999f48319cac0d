//! The similar-feedback yardstick as a Markdown table, for BENCHMARKS.md.
//!
//! ```text
//! cargo run --release -p keel-insight --example quality -- MODEL_DIR
//! ```
//!
//! On `tests/data/feedback_paraphrases.json` (320 texts, 64 needs of 5
//! paraphrases): precision@3, top-1 accuracy, theme purity, themes and
//! unclustered items for the lexical fallback and the model; then the
//! model's load time and embedding time per text (median of 3 runs over
//! the 320 texts) at batch sizes 1 and 32. Without MODEL_DIR it prints the
//! lexical row only.
//!
//! `--sweep` (after MODEL_DIR, or alone) adds what the default theme
//! thresholds were chosen from: the mean similarity of paraphrases, of other
//! needs of the same topic and of other topics, and purity / unclustered /
//! themes for a range of thresholds.

use keel_insight::evaluate::{LabelledSet, Purity, precision_at_k, purity};
use keel_insight::{LexicalIndex, Model, Similarity, ThemeOptions, themes};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let set = LabelledSet::from_json(include_str!("../tests/data/feedback_paraphrases.json"))?;
    let texts = set.text_refs();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sweep = args.iter().any(|a| a == "--sweep");
    let model_dir = args.iter().find(|a| *a != "--sweep").map(PathBuf::from);

    println!(
        "Similar feedback on the paraphrase set ({} texts, {} needs; chance precision@3 = {:.3})\n",
        texts.len(),
        set.needs.len(),
        4.0 / (texts.len() - 1) as f64
    );
    println!("| method | precision@3 | top-1 | theme purity | themes | unclustered | threshold |");
    println!("|---|---|---|---|---|---|---|");

    let index = LexicalIndex::build(&texts);
    row(
        "lexical (TF-IDF)",
        index.vectors(),
        &set,
        &ThemeOptions::lexical(),
    )?;
    if sweep {
        threshold_sweep(
            "lexical",
            index.vectors(),
            &set,
            &[0.05, 0.1, 0.15, 0.2, 0.25, 0.3],
        )?;
    }

    let Some(dir) = model_dir else {
        println!("\n(no MODEL_DIR given: model rows skipped)");
        return Ok(());
    };
    let started = Instant::now();
    let model = Model::load(&dir)?;
    let load_time = started.elapsed();
    let vectors = model.embed(&texts)?;
    row("all-MiniLM-L6-v2", &vectors, &set, &ThemeOptions::model())?;
    if sweep {
        threshold_sweep(
            "model",
            &vectors,
            &set,
            &[0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6],
        )?;
    }

    println!("\n| model timing | value |");
    println!("|---|---|");
    println!(
        "| load (config, tokenizer, 90 MB weights) | {} |",
        ms(load_time)
    );
    for batch in [1, 32] {
        let mut runs = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            for chunk in texts.chunks(batch) {
                model.embed(chunk)?;
            }
            runs.push(started.elapsed() / texts.len() as u32);
        }
        runs.sort();
        println!(
            "| embed, batch size {batch}: per text, median of 3 runs over {} | {} |",
            texts.len(),
            ms(runs[1])
        );
    }
    let mut runs = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        model.embed(&texts)?;
        runs.push(started.elapsed() / texts.len() as u32);
    }
    runs.sort();
    println!(
        "| embed, all {} in one call (sorted by length, batches of up to {}): per text, median of 3 | {} |",
        texts.len(),
        keel_insight::BATCH_SIZE,
        ms(runs[1])
    );
    // Timings on a shared machine mean little without how busy it was.
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| {
            format!(
                ", load average {}",
                l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
            )
        })
        .unwrap_or_default();
    println!(
        "\nRelease build, f32 on the CPU, {} cores available{load}.",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    Ok(())
}

fn row<V: Similarity>(
    name: &str,
    vectors: &[V],
    set: &LabelledSet,
    options: &ThemeOptions,
) -> Result<(), keel_insight::InsightError> {
    let p3 = precision_at_k(vectors, &set.labels, 3);
    let top1 = precision_at_k(vectors, &set.labels, 1);
    let found = themes(vectors, &set.text_refs(), options)?;
    let Purity {
        purity,
        themes,
        unclustered,
        ..
    } = purity(&found, &set.labels);
    println!(
        "| {name} | {p3:.3} | {top1:.3} | {purity:.3} | {themes} | {unclustered} | {} |",
        options.min_similarity
    );
    Ok(())
}

/// Mean similarity by relation, then theme figures per threshold.
fn threshold_sweep<V: Similarity>(
    name: &str,
    vectors: &[V],
    set: &LabelledSet,
    thresholds: &[f32],
) -> Result<(), keel_insight::InsightError> {
    let topic = |i: usize| &set.needs[set.labels[i]].0;
    let mut sums = [(0.0f64, 0usize); 3];
    for i in 0..vectors.len() {
        for j in i + 1..vectors.len() {
            let relation = if set.labels[i] == set.labels[j] {
                0
            } else if topic(i) == topic(j) {
                1
            } else {
                2
            };
            sums[relation].0 += f64::from(vectors[i].similarity(&vectors[j]));
            sums[relation].1 += 1;
        }
    }
    let mean = |k: usize| sums[k].0 / sums[k].1.max(1) as f64;
    println!(
        "\n{name}: mean similarity of paraphrases {:.3}, other needs of the topic {:.3}, other topics {:.3}\n",
        mean(0),
        mean(1),
        mean(2)
    );
    println!("| {name} threshold | theme purity | themes | unclustered |");
    println!("|---|---|---|---|");
    for &min_similarity in thresholds {
        let options = ThemeOptions {
            min_similarity,
            ..ThemeOptions::model()
        };
        let p = purity(&themes(vectors, &set.text_refs(), &options)?, &set.labels);
        println!(
            "| {min_similarity} | {:.3} | {} | {} |",
            p.purity, p.themes, p.unclustered
        );
    }
    println!();
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
