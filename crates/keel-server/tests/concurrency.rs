//! Concurrent writers: task keys are allocated inside the creating
//! transaction, so concurrent creates get distinct, gap-free keys and no
//! request fails with a 5xx ("database is locked" on SQLite), also when
//! creates (direct batches on SQLite) and updates (transactions) mix.
//! Writes that read before they write stay right when they run side by
//! side (PostgreSQL runs transactions at once; SQLite one at a time): an
//! edit and a delete based on one version do not both win, nor do two
//! settings with one `If-Match`, and moves in one list keep it numbered.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_creates_get_fifty_gap_free_keys() {
    for backend in backends() {
        let app = Arc::new(TestApp::new(backend).await);
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let mut handles = Vec::new();
        for i in 0..50 {
            let app = app.clone();
            let token = admin.clone();
            handles.push(tokio::spawn(async move {
                app.post(
                    "/api/v1/workspaces/acme/tasks",
                    &token,
                    json!({"product": "KEEL", "title": format!("t{i}")}),
                )
                .await
            }));
        }
        let mut numbers = Vec::new();
        for h in handles {
            let r = h.await.unwrap();
            assert_eq!(r.status.as_u16(), 201, "{backend:?}: {}", r.text);
            numbers.push(r.body["number"].as_i64().unwrap());
        }
        numbers.sort();
        assert_eq!(numbers, (1..=50).collect::<Vec<_>>(), "{backend:?}");

        // Concurrent updates of one task: each either wins or gets 412.
        let mut handles = Vec::new();
        for i in 0..20 {
            let app = app.clone();
            let token = admin.clone();
            handles.push(tokio::spawn(async move {
                app.call_with(
                    "PATCH",
                    "/api/v1/workspaces/acme/tasks/KEEL-1",
                    Some(&token),
                    Some(json!({"title": format!("v{i}")})),
                    &[("if-match", "\"1\"")],
                )
                .await
            }));
        }
        let mut wins = 0;
        for h in handles {
            let r = h.await.unwrap();
            match r.status.as_u16() {
                200 => wins += 1,
                412 => {}
                other => panic!("{backend:?}: unexpected {other}: {}", r.text),
            }
        }
        assert_eq!(
            wins, 1,
            "{backend:?}: exactly one update based on version 1 may win"
        );

        // Creates (on SQLite one direct batch each) interleaved with
        // updates (transactions through sqlx): both take the writer's
        // turn, so none fails with "database is locked", and the keys
        // stay gap-free.
        let mut handles = Vec::new();
        for i in 0..30 {
            let app = app.clone();
            let token = admin.clone();
            handles.push(tokio::spawn(async move {
                if i % 2 == 0 {
                    app.post(
                        "/api/v1/workspaces/acme/tasks",
                        &token,
                        json!({"product": "KEEL", "title": format!("mixed {i}")}),
                    )
                    .await
                } else {
                    app.call_with(
                        "PATCH",
                        "/api/v1/workspaces/acme/tasks/KEEL-2",
                        Some(&token),
                        Some(json!({"title": format!("w{i}")})),
                        &[],
                    )
                    .await
                }
            }));
        }
        let mut numbers = Vec::new();
        for h in handles {
            let r = h.await.unwrap();
            match r.status.as_u16() {
                201 => numbers.push(r.body["number"].as_i64().unwrap()),
                200 => {}
                other => panic!("{backend:?}: unexpected {other}: {}", r.text),
            }
        }
        numbers.sort();
        assert_eq!(numbers, (51..=65).collect::<Vec<_>>(), "{backend:?}");
        let app = Arc::try_unwrap(app).ok().unwrap();
        app.finish().await;
    }
}

/// The ids of `n` new features of `KEEL` in `acme`.
async fn features(app: &TestApp, token: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let f = app
            .post(
                "/api/v1/workspaces/acme/features",
                token,
                json!({"product": "KEEL", "title": format!("F{i}")}),
            )
            .await
            .expect(201)
            .body;
        ids.push(f["id"].as_str().unwrap().to_string());
    }
    ids
}

/// Sends every request of `requests` at once; their responses in order.
async fn at_once(
    app: &Arc<TestApp>,
    token: &str,
    requests: Vec<(&'static str, String, Option<Value>, Option<String>)>,
) -> Vec<keel_testkit::Response> {
    let handles: Vec<_> = requests
        .into_iter()
        .map(|(method, path, body, if_match)| {
            let app = app.clone();
            let token = token.to_string();
            tokio::spawn(async move {
                let headers: Vec<(&str, &str)> = if_match
                    .as_deref()
                    .map(|v| vec![("if-match", v)])
                    .unwrap_or_default();
                app.call_with(method, &path, Some(&token), body, &headers)
                    .await
            })
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_that_read_first_stay_right_side_by_side() {
    const WS: &str = "/api/v1/workspaces/acme";
    for backend in backends() {
        let app = Arc::new(TestApp::new(backend).await);
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;

        // An edit and a delete of one version: never both.
        for trial in 0..8 {
            let c = app
                .post(
                    &format!("{WS}/competitors"),
                    &admin,
                    json!({"name": format!("Rival {trial}")}),
                )
                .await
                .expect(201)
                .body;
            let path = format!("{WS}/competitors/{}", c["id"].as_str().unwrap());
            let v = Some(format!("\"{}\"", c["version"]));
            let [edit, delete]: [keel_testkit::Response; 2] = at_once(
                &app,
                &admin,
                vec![
                    (
                        "PATCH",
                        path.clone(),
                        Some(json!({"description": "edited"})),
                        v.clone(),
                    ),
                    ("DELETE", path.clone(), None, v),
                ],
            )
            .await
            .try_into()
            .unwrap();
            let (e, d) = (edit.status.as_u16(), delete.status.as_u16());
            assert!(
                matches!((e, d), (200, 412) | (412, 204) | (404, 204)),
                "{backend:?} trial {trial}: edit {e} and delete {d}: {} {}",
                edit.text,
                delete.text
            );
        }

        // Tech-debt targets set with one `If-Match`: one wins.
        let cycle = app
            .post(
                &format!("{WS}/cycles"),
                &admin,
                json!({"name": "C1", "product": "KEEL", "start_date": "2026-11-02", "end_date": "2026-11-13"}),
            )
            .await
            .expect(201)
            .body;
        let path = format!("{WS}/cycles/{}/tech-debt", cycle["id"].as_str().unwrap());
        let v = Some(format!("\"{}\"", cycle["version"]));
        let answers = at_once(
            &app,
            &admin,
            (0..6)
                .map(|i| {
                    (
                        "PUT",
                        path.clone(),
                        Some(json!({"target": 0.1 + f64::from(i) / 10.0})),
                        v.clone(),
                    )
                })
                .collect(),
        )
        .await;
        let wins = answers.iter().filter(|r| r.status.as_u16() == 200).count();
        for r in &answers {
            assert!(
                matches!(r.status.as_u16(), 200 | 412),
                "{backend:?}: {}",
                r.text
            );
        }
        assert_eq!(wins, 1, "{backend:?}: targets set on one version");

        // Features moved at once: the list stays numbered 1..n.
        let ids = features(&app, &admin, 6).await;
        for round in 0..3 {
            let moves = (0..3)
                .map(|i| {
                    let moved = &ids[(i + round) % ids.len()];
                    let anchor = &ids[(i + round + 3) % ids.len()];
                    (
                        "POST",
                        format!("{WS}/features/{moved}/rank"),
                        Some(json!({"before": anchor, "reason": "reorder"})),
                        None,
                    )
                })
                .collect();
            for r in at_once(&app, &admin, moves).await {
                assert_eq!(r.status.as_u16(), 200, "{backend:?}: {}", r.text);
            }
            let mut ranks: Vec<i64> = Vec::new();
            for id in &ids {
                let f = app
                    .get(&format!("{WS}/features/{id}"), &admin)
                    .await
                    .expect(200)
                    .body;
                ranks.push(f["scores"]["manual_rank"].as_i64().unwrap());
            }
            ranks.sort();
            assert_eq!(
                ranks,
                (1..=6).collect::<Vec<_>>(),
                "{backend:?} round {round}"
            );
        }

        // SWOT items added to one quadrant at once: numbered 0..n.
        let adds = (0..6)
            .map(|i| {
                (
                    "POST",
                    format!("{WS}/swot"),
                    Some(json!({"product": "KEEL", "quadrant": "strength", "text": format!("S{i}"), "position": 0})),
                    None,
                )
            })
            .collect();
        for r in at_once(&app, &admin, adds).await {
            assert_eq!(r.status.as_u16(), 201, "{backend:?}: {}", r.text);
        }
        let board = app
            .get(&format!("{WS}/swot?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        let mut positions: Vec<i64> = board["strengths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["position"].as_i64().unwrap())
            .collect();
        positions.sort();
        assert_eq!(
            positions,
            (0..6).collect::<Vec<_>>(),
            "{backend:?}: {board}"
        );
        let app = Arc::try_unwrap(app).ok().unwrap();
        app.finish().await;
    }
}

/// Writes that take the same rows in different orders, sent at once, all
/// succeed: none is answered with a 500 for a deadlock (PostgreSQL).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crossing_writes_do_not_deadlock() {
    const WS: &str = "/api/v1/workspaces/acme";
    for backend in backends() {
        let app = Arc::new(TestApp::new(backend).await);
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let features = features(&app, &admin, 3).await;
        for i in 0..4 {
            app.post(
                &format!("{WS}/tasks"),
                &admin,
                json!({"product": "KEEL", "title": format!("T{i}")}),
            )
            .await
            .expect(201);
        }
        for round in 0..6 {
            let moved = &features[round % 3];
            let anchor = &features[(round + 1) % 3];
            let mut requests = vec![
                // A story of the moved feature (locks the feature, then
                // checks its product) against the move (locks the product,
                // then updates the feature).
                (
                    "POST",
                    format!("{WS}/stories"),
                    Some(
                        json!({"feature": moved, "as_a": "PM", "i_want": format!("story {round}")}),
                    ),
                    None,
                ),
                (
                    "POST",
                    format!("{WS}/features/{moved}/rank"),
                    Some(json!({"before": anchor, "reason": "reorder"})),
                    None,
                ),
                // A bulk edit of tasks against edits of one of them.
                (
                    "POST",
                    format!("{WS}/tasks/bulk"),
                    Some(
                        json!({"tasks": ["KEEL-1", "KEEL-2", "KEEL-3", "KEEL-4"], "set": {"priority": if round % 2 == 0 { "high" } else { "low" }}}),
                    ),
                    None,
                ),
            ];
            for key in ["KEEL-4", "KEEL-3"] {
                requests.push((
                    "PATCH",
                    format!("{WS}/tasks/{key}"),
                    Some(json!({"title": format!("{key} round {round}")})),
                    None,
                ));
            }
            for r in at_once(&app, &admin, requests).await {
                assert!(
                    r.status.is_success(),
                    "{backend:?} round {round}: {} {}",
                    r.status,
                    r.text
                );
            }
        }
        let app = Arc::try_unwrap(app).ok().unwrap();
        app.finish().await;
    }
}
