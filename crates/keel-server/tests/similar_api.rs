//! Similar feedback and themes through the HTTP API, on every configured
//! backend: word overlap when there is no model, the sentence-embedding
//! model when `KEEL_TEST_MODEL_DIR` names one (then paraphrases from the
//! labelled set must be found by meaning, not by shared words).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends, model_dir};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const WS: &str = "/api/v1/workspaces/acme";

async fn add(app: &TestApp, token: &str, text: &str) -> String {
    app.post(
        &format!("{WS}/feedback"),
        token,
        json!({"product": "KEEL", "text": text, "source": "support"}),
    )
    .await
    .expect(201)
    .body["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["feedback"]["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn word_overlap_without_a_model() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let dark = add(&app, &admin, "Please add a dark mode to the mobile app").await;
        let dark2 = add(
            &app,
            &admin,
            "Dark mode for the mobile app, my eyes hurt at night",
        )
        .await;
        let dark3 = add(&app, &admin, "Is a dark mode coming? The app is too bright").await;
        let export = add(&app, &admin, "CSV export of the roadmap times out").await;
        let export2 = add(
            &app,
            &admin,
            "The roadmap CSV export fails for big projects",
        )
        .await;
        add(&app, &admin, "Billing page shows the wrong currency").await;

        let similar = app
            .get(&format!("{WS}/feedback/{dark}/similar"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(similar["method"], "lexical");
        let found = ids(&similar);
        assert!(!found.contains(&dark), "never itself");
        assert_eq!(
            &found[..2].iter().collect::<std::collections::BTreeSet<_>>(),
            &[&dark2, &dark3].into_iter().collect(),
            "{similar}"
        );
        let score = similar["items"][0]["score"].as_f64().unwrap();
        assert!(score > 0.0 && score <= 1.0, "{score}");

        let themes = app
            .get(&format!("{WS}/feedback/themes?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(themes["method"], "lexical");
        let items = themes["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{themes}");
        let dark_theme = items
            .iter()
            .find(|t| {
                t["feedback_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|i| i == dark.as_str())
            })
            .expect("the dark-mode feedback is in a theme");
        assert!(
            dark_theme["label"].as_str().unwrap().contains("dark"),
            "{dark_theme}"
        );
        assert_eq!(
            dark_theme["count"],
            dark_theme["feedback_ids"].as_array().unwrap().len()
        );
        assert!(
            !dark_theme["feedback_ids"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i == export.as_str() || i == export2.as_str())
        );
        let weeks: i64 = dark_theme["trend"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["count"].as_i64().unwrap())
            .sum();
        assert_eq!(
            weeks,
            dark_theme["count"].as_i64().unwrap(),
            "every member counted in a week"
        );

        // Archived feedback leaves the themes; the product must be named.
        app.patch(
            &format!("{WS}/feedback/{dark}"),
            &admin,
            json!({"status": "archived"}),
        )
        .await
        .expect(200);
        let themes = app
            .get(&format!("{WS}/feedback/themes?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert!(!themes.to_string().contains(&dark));
        let r = app
            .get(&format!("{WS}/feedback/themes"), &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["product"]);
        let r = app
            .get(&format!("{WS}/feedback/themes?product=NOPE"), &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["product"]);
        app.get(&format!("{WS}/feedback/nope/similar"), &admin)
            .await
            .expect(404);

        // Guests read no customer feedback, similar or themed.
        let guest = app.user(&admin, "gus@example.com").await;
        app.add_member(&admin, "acme", "gus@example.com", "guest")
            .await;
        app.get(&format!("{WS}/feedback/{dark2}/similar"), &guest)
            .await
            .expect(403);
        app.get(&format!("{WS}/feedback/themes?product=KEEL"), &guest)
            .await
            .expect(403);
        app.finish().await;
    }
}

/// Needs of three topics of the labelled paraphrase set (4 needs × 5
/// texts each): the same need in different words, beside needs of the same
/// topic that share the words but ask for something else.
fn labelled() -> Vec<(String, usize)> {
    let set: Value = serde_json::from_str(include_str!(
        "../../keel-insight/tests/data/feedback_paraphrases.json"
    ))
    .unwrap();
    let mut out = Vec::new();
    let mut need = 0;
    for topic in set["topics"].as_array().unwrap().iter().take(3) {
        for n in topic["needs"].as_array().unwrap() {
            for t in n["texts"].as_array().unwrap() {
                out.push((t.as_str().unwrap().to_string(), need));
            }
            need += 1;
        }
    }
    out
}

#[tokio::test]
async fn the_model_finds_paraphrases() {
    let Some(dir) = model_dir("the_model_finds_paraphrases") else {
        return;
    };
    let model = keel_insight::Model::load(&dir).expect("the model loads");
    let insight = keel_server::insight::Insight::with_model(model);
    for backend in backends() {
        let app = TestApp::with_insight(backend, insight.clone()).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let texts = labelled();
        let mut ids = Vec::new();
        for (text, _) in &texts {
            ids.push(add(&app, &admin, text).await);
        }
        // The worker embeds in the background; wait until the last one is.
        let deadline = Instant::now() + Duration::from_secs(300);
        let last = ids.last().unwrap().clone();
        loop {
            let s = app
                .get(&format!("{WS}/feedback/{last}/similar"), &admin)
                .await
                .expect(200)
                .body;
            let first = ids.first().unwrap();
            let f = app
                .get(&format!("{WS}/feedback/{first}/similar"), &admin)
                .await
                .expect(200)
                .body;
            if s["method"] == "model" && f["method"] == "model" {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "feedback was not embedded in time"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Precision@3 over every text: the share of its top 3 that state the
        // same need.
        let mut hits = 0;
        for (i, id) in ids.iter().enumerate() {
            let s = app
                .get(&format!("{WS}/feedback/{id}/similar"), &admin)
                .await
                .expect(200)
                .body;
            assert_eq!(s["method"], "model");
            for found in ids_of(&s).iter().take(3) {
                let j = ids.iter().position(|x| x == found).unwrap();
                if texts[j].1 == texts[i].1 {
                    hits += 1;
                }
            }
        }
        let precision = f64::from(hits) / (3.0 * ids.len() as f64);
        eprintln!(
            "model precision@3 through the API on {} texts: {precision:.2}",
            ids.len()
        );
        // Chance is 4/59 ≈ 0.07; word overlap scores about 0.1 on this set.
        assert!(precision >= 0.3, "precision@3 {precision:.2}");
        let themes = app
            .get(&format!("{WS}/feedback/themes?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(themes["method"], "model");
        assert!(!themes["items"].as_array().unwrap().is_empty());
        app.finish().await;
    }
}

fn ids_of(list: &Value) -> Vec<String> {
    ids(list)
}

/// Two instances on one PostgreSQL database embed at the same moment: each
/// feedback item is embedded once, by one of them (the batch is claimed
/// before it is computed), not once per instance. SQLite runs one instance,
/// so there is nothing to share there.
#[tokio::test]
async fn two_instances_embed_each_feedback_once() {
    let Some(dir) = model_dir("two_instances_embed_each_feedback_once") else {
        return;
    };
    let model = std::sync::Arc::new(keel_insight::Model::load(&dir).expect("the model loads"));
    for backend in backends() {
        if backend != keel_store::Backend::Postgres {
            continue;
        }
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        for text in labelled().iter().take(12).map(|(t, _)| t) {
            add(&app, &admin, text).await;
        }
        let other = keel_store::Store::open_postgres(
            &app.db.url(),
            &keel_store::StoreOptions {
                max_connections: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let (a, b) = tokio::join!(
            keel_server::insight::embed_pending(&app.db.store, &model),
            keel_server::insight::embed_pending(&other, &model)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a + b, 12, "embedded {a} here and {b} there");
        assert!(a == 0 || b == 0, "both instances embedded: {a} and {b}");
        let left = keel_store::repo::feedback::missing_vectors(
            app.db.store.db(),
            keel_server::insight::MODEL_NAME,
            100,
        )
        .await
        .unwrap();
        assert!(left.is_empty(), "{} items were not embedded", left.len());
        other.close().await;
        app.finish().await;
    }
}
