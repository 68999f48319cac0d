//! The store's promises, checked on every configured backend: migrations are
//! idempotent and safe to run from several instances at once, an edited
//! migration is refused, timestamps round-trip exactly, a rolled-back create
//! gives its task number back, updates check the version, and search finds
//! exactly what committed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_domain::time::Timestamp;
use keel_store::repo::tasks::TaskFields;
use keel_store::{Backend, Store, StoreError, StoreOptions, repo};
use keel_testkit::{TestDb, backends};

async fn seed(store: &Store) -> (String, keel_domain::model::Product) {
    let now = Timestamp::now().to_rfc3339();
    let mut tx = store.begin().await.unwrap();
    let user = repo::users::insert(
        &mut tx,
        repo::users::NewUserRecord {
            id: "u1",
            email: "a@example.com",
            name: "A",
            password_hash: "x",
            is_admin: false,
            created_at: &now,
        },
    )
    .await
    .unwrap();
    let ws = repo::workspaces::create(&mut tx, "w1", "Acme", "acme", &user.id, &now)
        .await
        .unwrap();
    let product = repo::products::create(&mut tx, "p1", &ws.id, "KEEL", "Keel", "", &now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (user.id, product)
}

fn fields(title: &str) -> TaskFields {
    TaskFields {
        title: title.into(),
        description: String::new(),
        status: keel_domain::task::Status::Todo,
        priority: keel_domain::task::Priority::NoPriority,
        task_type: keel_domain::task::TaskType::Feature,
        assignee_id: None,
        team_id: None,
        estimate: None,
        due_date: None,
        labels: vec![],
        parent_id: None,
        feature_id: None,
        rank: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn migrations_are_idempotent_and_concurrent_safe() {
    for backend in backends() {
        let db = TestDb::empty(backend).await;
        let url = db.url();
        // Four "instances" start at once on the same empty database.
        let mut handles = Vec::new();
        for _ in 0..4 {
            let url = url.clone();
            handles.push(tokio::spawn(async move {
                let store = Store::open(
                    &url,
                    &StoreOptions {
                        max_connections: 2,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
                let result = store.migrate().await;
                store.close().await;
                result
            }));
        }
        for h in handles {
            h.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{backend:?}: concurrent migrate failed: {e}"));
        }
        db.store.migrate().await.unwrap();
        assert_eq!(repo::users::count(db.store.db()).await.unwrap(), 0);
        db.finish().await;
    }
}

#[tokio::test]
async fn edited_migrations_are_refused() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        db.store
            .execute_admin("UPDATE keel_migrations SET checksum = 'edited' WHERE version = 1")
            .await
            .unwrap();
        let err = db.store.migrate().await.unwrap_err();
        assert!(err.to_string().contains("edited"), "{backend:?}: {err}");
        db.finish().await;
    }
}

#[tokio::test]
async fn timestamps_round_trip_exactly() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let (_, product) = seed(&db.store).await;
        let stored = repo::products::get(db.store.db(), &product.workspace_id, "KEEL")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.created_at, product.created_at);
        assert_eq!(
            Timestamp::parse("t", &stored.created_at)
                .unwrap()
                .to_rfc3339(),
            stored.created_at
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn rolled_back_creates_leave_no_gap_and_updates_check_versions() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let (user, product) = seed(&db.store).await;
        let now = Timestamp::now().to_rfc3339();

        let mut tx = db.store.begin().await.unwrap();
        repo::tasks::create(
            &mut tx,
            &keel_domain::ids::new_id(),
            &product,
            &fields("gone"),
            &user,
            &now,
        )
        .await
        .unwrap();
        drop(tx); // rolled back

        let mut tx = db.store.begin().await.unwrap();
        let (task, event) = repo::tasks::create(
            &mut tx,
            &keel_domain::ids::new_id(),
            &product,
            &fields("kept"),
            &user,
            &now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            task.key, "KEEL-1",
            "{backend:?}: the rolled-back number is reused"
        );
        assert_eq!(
            event.seq, 1,
            "{backend:?}: the rolled-back event number is reused"
        );

        // An update based on an old version is refused and changes nothing.
        let mut tx = db.store.begin().await.unwrap();
        let current = repo::tasks::get_for_update(&mut tx, &product.workspace_id, "KEEL-1")
            .await
            .unwrap()
            .unwrap();
        repo::tasks::update(&mut tx, &current, &fields("first"), &user, &now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = db.store.begin().await.unwrap();
        let err = repo::tasks::update(&mut tx, &current, &fields("second"), &user, &now)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Stale), "{backend:?}: {err:?}");
        drop(tx);
        let now_stored = repo::tasks::get(db.store.db(), &product.workspace_id, "KEEL-1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(now_stored.title, "first");
        assert_eq!(now_stored.version, 2);

        let events = repo::events::after(db.store.db(), &product.workspace_id, 0, 10)
            .await
            .unwrap();
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![1, 2], "{backend:?}: event numbers are gap-free");
        assert!(matches!(
            db.store.backend(),
            Backend::Sqlite | Backend::Postgres
        ));
        db.finish().await;
    }
}

/// A batch runs its statements in order in one transaction, binds each
/// statement's own `$n`, returns the last statement's rows, and leaves
/// nothing behind when one statement fails.
#[tokio::test]
async fn batches_run_in_order_and_fail_whole() {
    use keel_store::batch::Batch;
    for backend in backends() {
        let db = TestDb::new(backend).await;
        db.store
            .execute_admin(
                "CREATE TABLE batch_probe (id TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT)",
            )
            .await
            .unwrap();

        let mut tx = db.store.begin().await.unwrap();
        let mut batch = Batch::new();
        batch.push(
            "INSERT INTO batch_probe (id, n, note) VALUES ($1, $2, '$1 stays text')",
            vec!["a".into(), 1i64.into()],
        );
        batch.push(
            "UPDATE batch_probe SET n = n + $1 WHERE id = $2",
            vec![41i64.into(), "a".into()],
        );
        batch.push(
            "SELECT n, note FROM batch_probe WHERE id = $1",
            vec!["a".into()],
        );
        let (n, note): (i64, String) = batch.fetch_one(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(n, 42, "{backend:?}: the update saw the insert before it");
        assert_eq!(note, "$1 stays text", "{backend:?}");

        // The second statement clashes with `a`: the whole batch is undone.
        let mut tx = db.store.begin().await.unwrap();
        let mut batch = Batch::new();
        batch.push(
            "INSERT INTO batch_probe (id, n) VALUES ($1, $2)",
            vec!["b".into(), 1i64.into()],
        );
        batch.push(
            "INSERT INTO batch_probe (id, n) VALUES ($1, $2)",
            vec!["a".into(), 2i64.into()],
        );
        batch.push("UPDATE batch_probe SET n = 0", vec![]);
        let err = batch.execute(&mut tx).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict(_)),
            "{backend:?}: {err:?}"
        );
        drop(tx);
        let mut tx = db.store.begin().await.unwrap();
        let mut batch = Batch::new();
        batch.push("SELECT id, n FROM batch_probe ORDER BY id", vec![]);
        let rows: Vec<(String, i64)> = batch.fetch_all(&mut tx).await.unwrap();
        assert_eq!(rows, vec![("a".to_string(), 42)], "{backend:?}");
        drop(tx);
        db.finish().await;
    }
}

/// A batch committed on its own (on SQLite, on the writer thread while
/// holding the writer's turn) returns its last rows, and one failing statement
/// undoes the rest and leaves the writer free for the next write.
#[tokio::test]
async fn batches_commit_alone_whole_or_not_at_all() {
    use keel_store::batch::Batch;
    for backend in backends() {
        let db = TestDb::new(backend).await;
        db.store
            .execute_admin(
                "CREATE TABLE batch_probe (id TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT)",
            )
            .await
            .unwrap();

        let mut batch = Batch::new();
        batch.push(
            "INSERT INTO batch_probe (id, n, note) VALUES ($1, $2, '$1 stays text') RETURNING id",
            vec!["a".into(), 1i64.into()],
        );
        batch.push(
            "UPDATE batch_probe SET n = n + $1 WHERE id = $2",
            vec![41i64.into(), "a".into()],
        );
        batch.push(
            "SELECT n, note FROM batch_probe WHERE id = $1 AND n > $2",
            vec!["a".into(), 0i64.into()],
        );
        let rows: Vec<(i64, String)> = batch.commit_alone(&db.store).await.unwrap();
        assert_eq!(rows, vec![(42, "$1 stays text".to_string())], "{backend:?}");

        // The second statement clashes with `a`: nothing of the batch stays.
        let mut batch = Batch::new();
        batch.push(
            "INSERT INTO batch_probe (id, n) VALUES ($1, $2)",
            vec!["b".into(), 1i64.into()],
        );
        batch.push(
            "INSERT INTO batch_probe (id, n) VALUES ($2, $1)",
            vec![2i64.into(), "a".into()],
        );
        let err = batch.commit_alone::<(i64,)>(&db.store).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict(_)),
            "{backend:?}: {err:?}"
        );

        // The writer is free again, for a batch and for a transaction.
        let mut batch = Batch::new();
        batch.push(
            "INSERT INTO batch_probe (id, n) VALUES ($1, $2) RETURNING n",
            vec!["c".into(), 3i64.into()],
        );
        let rows: Vec<(i64,)> = batch.commit_alone(&db.store).await.unwrap();
        assert_eq!(rows, vec![(3,)], "{backend:?}");
        let mut tx = db.store.begin().await.unwrap();
        let mut batch = Batch::new();
        batch.push("SELECT id, n FROM batch_probe ORDER BY id", vec![]);
        let rows: Vec<(String, i64)> = batch.fetch_all(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            rows,
            vec![("a".to_string(), 42), ("c".to_string(), 3)],
            "{backend:?}"
        );
        db.finish().await;
    }
}

/// Batches committed alone at the same time (on SQLite, grouped into one
/// transaction with a savepoint each): every one succeeds or fails by
/// itself, and a failing one takes nothing of the others with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_batches_commit_or_fail_each_alone() {
    use keel_store::batch::Batch;
    for backend in backends() {
        let db = TestDb::new(backend).await;
        db.store
            .execute_admin("CREATE TABLE group_probe (id TEXT PRIMARY KEY, n BIGINT NOT NULL)")
            .await
            .unwrap();
        db.store
            .execute_admin("CREATE TABLE group_counter (total BIGINT NOT NULL)")
            .await
            .unwrap();
        db.store
            .execute_admin("INSERT INTO group_counter (total) VALUES (0)")
            .await
            .unwrap();
        let mut handles = Vec::new();
        for i in 0..40i64 {
            let store = db.store.clone();
            handles.push(tokio::spawn(async move {
                let mut batch = Batch::new();
                batch.push("UPDATE group_counter SET total = total + 1", vec![]);
                // Every fourth batch reuses an id another batch takes.
                let id = if i % 4 == 3 {
                    format!("p{}", i - 1)
                } else {
                    format!("p{i}")
                };
                batch.push(
                    "INSERT INTO group_probe (id, n) VALUES ($1, $2) RETURNING n",
                    vec![id.into(), i.into()],
                );
                (i, batch.commit_alone::<(i64,)>(&store).await)
            }));
        }
        let mut committed = Vec::new();
        for h in handles {
            let (i, result) = h.await.unwrap();
            match result {
                Ok(rows) => {
                    assert_eq!(rows, vec![(i,)], "{backend:?}");
                    committed.push(i);
                }
                Err(StoreError::Conflict(_)) => {}
                Err(other) => panic!("{backend:?}: batch {i}: {other:?}"),
            }
        }
        // Of each clashing pair exactly one got in.
        assert_eq!(committed.len(), 30, "{backend:?}: {committed:?}");
        let mut tx = db.store.begin().await.unwrap();
        let mut batch = Batch::new();
        batch.push(
            "SELECT total, (SELECT COUNT(*) FROM group_probe) FROM group_counter",
            vec![],
        );
        let (total, rows): (i64, i64) = batch.fetch_one(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            (total, rows),
            (30, 30),
            "{backend:?}: the failed batches left nothing"
        );
        db.finish().await;
    }
}

/// Renames task `KEEL-1` in a write of its own.
async fn rename(store: &Store, title: &str) {
    let mut batch = keel_store::batch::Batch::new();
    batch.push(
        "UPDATE tasks SET title = $1 WHERE number = 1 RETURNING version",
        vec![title.into()],
    );
    batch.commit_alone::<(i64,)>(store).await.unwrap();
}

/// Renames task `KEEL-1` from another task, as another request would.
async fn rename_elsewhere(store: &Store, title: &'static str) {
    let store = store.clone();
    tokio::spawn(async move { rename(&store, title).await })
        .await
        .unwrap();
}

/// Inside a request's scope the point reads share one read transaction on
/// SQLite, and anything else the request does with the database ends it
/// first: a read through the pools, a write, a transaction. So a request
/// never point-reads data older than what it listed or wrote. (PostgreSQL
/// point reads are each their own statement, and always see the latest.)
#[tokio::test]
async fn a_requests_point_reads_share_one_snapshot_until_it_does_anything_else() {
    for backend in backends() {
        // Without kept tasks, whose reads are always of the latest commit
        // (`a_kept_task_is_never_older_than_what_committed`).
        let db = match backend {
            Backend::Sqlite => TestDb::sqlite_without_task_cache().await,
            Backend::Postgres => TestDb::new(backend).await,
        };
        let (user, product) = seed(&db.store).await;
        let now = Timestamp::now().to_rfc3339();
        let mut tx = db.store.begin().await.unwrap();
        let id = keel_domain::ids::new_id();
        repo::tasks::create(&mut tx, &id, &product, &fields("first"), &user, &now)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let store = &db.store;
        let ws = product.workspace_id.as_str();
        let title = || async {
            repo::tasks::get(store.db(), ws, "KEEL-1")
                .await
                .unwrap()
                .unwrap()
                .title
        };
        // What a point read sees after another request renamed the task.
        let snapshot = |old: &'static str, new: &'static str| match backend {
            Backend::Sqlite => old,
            Backend::Postgres => new,
        };
        keel_store::share_point_reads(async {
            assert_eq!(title().await, "first");
            rename_elsewhere(store, "second").await;
            assert_eq!(title().await, snapshot("first", "second"), "{backend:?}");

            // A read through the pools ends the snapshot.
            repo::products::list(store.db(), ws).await.unwrap();
            assert_eq!(title().await, "second", "{backend:?}");

            // So does a write of the request's own.
            rename_elsewhere(store, "third").await;
            assert_eq!(title().await, snapshot("second", "third"), "{backend:?}");
            rename(store, "fourth").await;
            assert_eq!(title().await, "fourth", "{backend:?}");

            // And a transaction the request commits, even when it point-read
            // while the transaction was open.
            let mut tx = store.begin().await.unwrap();
            let current = repo::tasks::get_for_update(&mut tx, ws, "KEEL-1")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(title().await, "fourth", "{backend:?}");
            repo::tasks::update(&mut tx, &current, &fields("fifth"), &user, &now)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(title().await, "fifth", "{backend:?}");
        })
        .await;
        // Outside the scope every point read is fresh.
        rename_elsewhere(store, "sixth").await;
        assert_eq!(title().await, "sixth", "{backend:?}");
    }
}

/// A token's standing in a workspace, as every workspace request reads it;
/// on SQLite the answer is kept in memory (`access_cache`). Whatever
/// changes it — a transaction, a write of its own on the direct writer,
/// touching, renaming, demoting, deactivating, revoking — the next read
/// sees the change; a change that rolls back changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_answer_never_outlives_the_write_that_changed_it() {
    use keel_domain::Role;
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let (user, product) = seed(&db.store).await;
        let store = &db.store;
        let ws = product.workspace_id.as_str();
        let now = Timestamp::now().to_rfc3339();
        let mut tx = store.begin().await.unwrap();
        let token = repo::tokens::insert(&mut tx, "t1", &user, "cli", "hash1", &now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let standing = || async {
            repo::tokens::authenticate_for_workspace(store.db(), "hash1", "acme")
                .await
                .unwrap()
                .and_then(|(auth, access)| access.map(|a| (auth, a)))
        };
        let (_, access) = standing().await.expect("the owner's standing");
        assert_eq!(access.role, Role::Owner);
        assert_eq!(access.workspace.name, "Acme");

        // A transaction (sqlx's connection): touching the token, renaming.
        let mut tx = store.begin().await.unwrap();
        repo::tokens::touch(&mut tx, &token.id, &now).await.unwrap();
        repo::workspaces::rename(&mut tx, ws, "Acme Two", None, &now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let (auth, access) = standing().await.unwrap();
        assert_eq!(
            auth.last_used_at.as_deref(),
            Some(now.as_str()),
            "{backend:?}"
        );
        assert_eq!(access.workspace.name, "Acme Two", "{backend:?}");

        // A change that rolls back changes nothing.
        let mut tx = store.begin().await.unwrap();
        repo::workspaces::rename(&mut tx, ws, "Never", None, &now)
            .await
            .unwrap();
        drop(tx);
        assert_eq!(
            standing().await.unwrap().1.workspace.name,
            "Acme Two",
            "{backend:?}"
        );

        // A write of its own on the direct writer, which no repository
        // function marks.
        let mut batch = keel_store::batch::Batch::new();
        batch.push(
            "UPDATE memberships SET role = 'viewer' WHERE user_id = $1 RETURNING role",
            vec![user.as_str().into()],
        );
        batch.commit_alone::<(String,)>(store).await.unwrap();
        assert_eq!(
            standing().await.unwrap().1.role,
            Role::Viewer,
            "{backend:?}"
        );

        // Deactivated, then revoked.
        let mut tx = store.begin().await.unwrap();
        repo::workspaces::update_member(&mut tx, ws, &user, Role::Viewer, false, None, &now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(standing().await.is_none(), "{backend:?}");
        let mut tx = store.begin().await.unwrap();
        repo::workspaces::update_member(&mut tx, ws, &user, Role::Admin, true, None, &now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(standing().await.unwrap().1.role, Role::Admin, "{backend:?}");
        let mut tx = store.begin().await.unwrap();
        repo::tokens::delete(&mut tx, &user, &token.id)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(
            repo::tokens::authenticate_for_workspace(store.db(), "hash1", "acme")
                .await
                .unwrap()
                .is_none(),
            "a revoked token is refused at once ({backend:?})"
        );
    }
}

/// A task read by key or id is kept in memory on SQLite; whatever writes
/// it afterwards (a write of its own, a group commit, a transaction, a
/// deleted parent, a deletion), the next read sees what committed, inside a
/// request's shared snapshot too. On PostgreSQL every read is fresh anyway.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_task_is_never_older_than_what_committed() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let (user, product) = seed(&db.store).await;
        let store = &db.store;
        let ws = product.workspace_id.as_str();
        let now = Timestamp::now().to_rfc3339();
        let mut tx = store.begin().await.unwrap();
        let parent_id = keel_domain::ids::new_id();
        repo::tasks::create(
            &mut tx,
            &parent_id,
            &product,
            &fields("parent"),
            &user,
            &now,
        )
        .await
        .unwrap();
        let child = TaskFields {
            parent_id: Some(parent_id.clone()),
            ..fields("first")
        };
        let (child, _) = repo::tasks::create(
            &mut tx,
            &keel_domain::ids::new_id(),
            &product,
            &child,
            &user,
            &now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // KEEL-1 is the parent, KEEL-2 the child.
        let read = |id_or_key: String| async move {
            repo::tasks::get(store.db(), ws, &id_or_key).await.unwrap()
        };
        let title =
            |id_or_key: &'static str| async move { read(id_or_key.into()).await.unwrap().title };
        let rename_child = |title: &'static str| async move {
            let mut batch = keel_store::batch::Batch::new();
            batch.push(
                "UPDATE tasks SET title = $1 WHERE number = 2 RETURNING version",
                vec![title.into()],
            );
            batch.commit_alone::<(i64,)>(store).await.unwrap();
        };

        assert_eq!(title("KEEL-2").await, "first");
        assert_eq!(read(child.id.clone()).await.unwrap().title, "first");
        assert_eq!(
            read(child.id.clone()).await.unwrap().parent.as_deref(),
            Some("KEEL-1")
        );
        // A write of its own (the direct writer).
        rename_child("second").await;
        assert_eq!(title("KEEL-2").await, "second", "{backend:?}");
        assert_eq!(
            read(child.id.clone()).await.unwrap().title,
            "second",
            "{backend:?}"
        );
        // Two writes at once (committed together when one queues behind
        // the other).
        let group: Vec<_> = ["third", "fourth"]
            .into_iter()
            .map(|t| tokio::spawn({
                let store = store.clone();
                async move {
                    let mut batch = keel_store::batch::Batch::new();
                    batch.push(
                        "UPDATE tasks SET title = title || '+' || $1 WHERE number = 2 RETURNING version",
                        vec![t.into()],
                    );
                    batch.commit_alone::<(i64,)>(&store).await.unwrap();
                }
            }))
            .collect();
        for write in group {
            write.await.unwrap();
        }
        let title_now = title("KEEL-2").await;
        assert!(
            title_now.contains("+third") && title_now.contains("+fourth"),
            "{backend:?}: {title_now}"
        );
        // A transaction (through sqlx), and one that rolls back.
        let mut tx = store.begin().await.unwrap();
        let current = repo::tasks::get_for_update(&mut tx, ws, "KEEL-2")
            .await
            .unwrap()
            .unwrap();
        repo::tasks::update(
            &mut tx,
            &current,
            &TaskFields {
                parent_id: Some(parent_id.clone()),
                ..fields("fifth")
            },
            &user,
            &now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(title("KEEL-2").await, "fifth", "{backend:?}");
        let mut tx = store.begin().await.unwrap();
        let current = repo::tasks::get_for_update(&mut tx, ws, "KEEL-2")
            .await
            .unwrap()
            .unwrap();
        repo::tasks::update(&mut tx, &current, &fields("never"), &user, &now)
            .await
            .unwrap();
        drop(tx);
        assert_eq!(title("KEEL-2").await, "fifth", "{backend:?}");
        assert_eq!(
            read("KEEL-2".into()).await.unwrap().version,
            current.version
        );
        // Inside a request's shared snapshot, a task changed by another
        // request since is read as it now is.
        keel_store::share_point_reads(async {
            assert_eq!(title("KEEL-2").await, "fifth");
            rename_elsewhere_two(store, "sixth").await;
            assert_eq!(title("KEEL-2").await, "sixth", "{backend:?}");
        })
        .await;
        // Deleting the parent clears the child's parent (a cascade in the
        // database, not a write of the child's row by Keel).
        let parent = read("KEEL-1".into()).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        repo::tasks::delete(&mut tx, &parent, &now).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(read("KEEL-1".into()).await, None, "{backend:?}");
        assert_eq!(
            read("KEEL-2".into()).await.unwrap().parent,
            None,
            "{backend:?}"
        );
        // Deleting the task itself.
        let task = read("KEEL-2".into()).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        repo::tasks::delete(&mut tx, &task, &now).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(read("KEEL-2".into()).await, None, "{backend:?}");
        assert_eq!(read(child.id.clone()).await, None, "{backend:?}");
    }
}

/// Renames task `KEEL-2` from another task, as another request would.
async fn rename_elsewhere_two(store: &Store, title: &'static str) {
    let store = store.clone();
    tokio::spawn(async move {
        let mut batch = keel_store::batch::Batch::new();
        batch.push(
            "UPDATE tasks SET title = $1 WHERE number = 2 RETURNING version",
            vec![title.into()],
        );
        batch.commit_alone::<(i64,)>(&store).await.unwrap();
    })
    .await
    .unwrap();
}

/// Search finds what committed and nothing else, however the changes were
/// grouped: on SQLite the search triggers queue their changes and each
/// commit applies them (`search_pending`), so an item created, renamed and
/// deleted within one transaction, or in one group commit, must leave the
/// index exactly as applying each change in turn would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_sees_exactly_what_committed() {
    use keel_domain::search::{SearchKind, SearchQuery};
    async fn titles(store: &Store, ws: &str, words: &str) -> Vec<String> {
        let query = SearchQuery::parse("q", words).unwrap();
        let mut found: Vec<String> =
            repo::search::search(store.db(), ws, &query, &[SearchKind::Task], 50)
                .await
                .unwrap()
                .into_iter()
                .map(|hit| hit.title)
                .collect();
        found.sort();
        found
    }
    async fn create(
        tx: &mut keel_store::Tx,
        product: &keel_domain::model::Product,
        user: &str,
        title: &str,
    ) -> keel_domain::model::Task {
        let now = Timestamp::now().to_rfc3339();
        let id = keel_domain::ids::new_id();
        repo::tasks::create(tx, &id, product, &fields(title), user, &now)
            .await
            .unwrap()
            .0
    }
    async fn rename(
        tx: &mut keel_store::Tx,
        task: &keel_domain::model::Task,
        user: &str,
        title: &str,
    ) -> keel_domain::model::Task {
        let now = Timestamp::now().to_rfc3339();
        repo::tasks::update(tx, task, &fields(title), user, &now)
            .await
            .unwrap();
        repo::tasks::get_for_update(tx, &task.workspace_id, &task.id)
            .await
            .unwrap()
            .unwrap()
    }
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let store = &db.store;
        let (user, product) = seed(store).await;
        let ws = product.workspace_id.clone();

        let mut tx = store.begin().await.unwrap();
        let alpha = create(&mut tx, &product, &user, "alpha apple").await;
        let beta = create(&mut tx, &product, &user, "beta banana").await;
        tx.commit().await.unwrap();
        assert_eq!(
            titles(store, &ws, "apple").await,
            ["alpha apple"],
            "{backend:?}"
        );

        // One transaction: rename an indexed task; create one and rename it
        // twice; create one and delete it; delete an indexed one.
        let mut tx = store.begin().await.unwrap();
        rename(&mut tx, &alpha, &user, "alpha cherry").await;
        let gamma = create(&mut tx, &product, &user, "gamma grape").await;
        let gamma = rename(&mut tx, &gamma, &user, "gamma kiwi").await;
        rename(&mut tx, &gamma, &user, "gamma lime").await;
        let delta = create(&mut tx, &product, &user, "delta date").await;
        let now = Timestamp::now().to_rfc3339();
        repo::tasks::delete(&mut tx, &delta, &now).await.unwrap();
        repo::tasks::delete(&mut tx, &beta, &now).await.unwrap();
        tx.commit().await.unwrap();
        for gone in ["apple", "banana", "grape", "kiwi", "date"] {
            assert!(
                titles(store, &ws, gone).await.is_empty(),
                "{backend:?}: {gone}"
            );
        }
        assert_eq!(
            titles(store, &ws, "cherry").await,
            ["alpha cherry"],
            "{backend:?}"
        );
        assert_eq!(
            titles(store, &ws, "lime").await,
            ["gamma lime"],
            "{backend:?}"
        );

        // A transaction rolled back leaves nothing for a later commit to apply.
        let mut tx = store.begin().await.unwrap();
        create(&mut tx, &product, &user, "omega orange").await;
        drop(tx);
        let mut tx = store.begin().await.unwrap();
        create(&mut tx, &product, &user, "epsilon elder").await;
        tx.commit().await.unwrap();
        assert!(titles(store, &ws, "orange").await.is_empty(), "{backend:?}");
        assert_eq!(
            titles(store, &ws, "elder").await,
            ["epsilon elder"],
            "{backend:?}"
        );

        // Writes committed together by the writer, each in a savepoint.
        let writes: Vec<_> = (0..24)
            .map(|n| {
                let store = store.clone();
                let product = product.clone();
                let user = user.clone();
                tokio::spawn(async move {
                    let now = Timestamp::now().to_rfc3339();
                    let id = keel_domain::ids::new_id();
                    let title = format!("grouped zeta{n}");
                    repo::tasks::insert_alone(&store, &id, &product, &fields(&title), &user, &now)
                        .await
                })
            })
            .collect();
        for write in writes {
            write.await.unwrap().unwrap();
        }
        assert_eq!(titles(store, &ws, "grouped").await.len(), 24, "{backend:?}");
        assert_eq!(
            titles(store, &ws, "zeta7").await,
            ["grouped zeta7"],
            "{backend:?}"
        );
        db.finish().await;
    }
}
