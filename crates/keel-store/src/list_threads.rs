//! A few threads of our own that run list reads.
//!
//! A list may walk many rows, too long to hold one of the threads that
//! serve requests, so it runs elsewhere and the caller awaits the answer.
//! Not on tokio's blocking pool: that pool wakes whichever idle thread has
//! waited longest, so list after list lands on a different thread, and
//! each thread keeps a read connection (with its page cache) and a malloc
//! arena of its own; under load that was 18 threads and 20 MB more.
//! Here a fixed number of threads, started on first use, take the lists
//! in turn, so there are never more connections than threads.
//!
//! The threads end once the store that owns them is dropped.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

type Job = Box<dyn FnOnce() + Send>;

pub(crate) struct ListThreads {
    count: usize,
    /// The queue the threads take jobs from; made with the threads.
    jobs: OnceLock<Sender<Job>>,
}

impl ListThreads {
    /// `count` threads (at least one), started when the first job comes.
    pub(crate) fn new(count: usize) -> Self {
        Self {
            count: count.max(1),
            jobs: OnceLock::new(),
        }
    }

    /// Runs `job` on one of the threads and returns what it returned;
    /// `None` if no thread could run it. The job runs to its end even if
    /// the caller stops waiting.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(job());
        });
        self.jobs.get_or_init(|| self.start()).send(job).ok()?;
        answered.await.ok()
    }

    fn start(&self) -> Sender<Job> {
        let (sender, receiver) = channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..self.count {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("keel-list-{n}"))
                .spawn(move || work(&receiver));
            if let Err(err) = spawned {
                // Fewer threads then; with none at all, `run` answers None.
                tracing::error!("cannot start a list thread: {err}");
            }
        }
        sender
    }
}

/// Takes jobs until the sender is dropped. One thread at a time waits on
/// the queue; the others wait for the lock.
fn work(receiver: &Mutex<Receiver<Job>>) {
    loop {
        let next = receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        let Ok(job) = next else { return };
        // A job that panics loses its answer (its caller gets `None`), not
        // the thread: otherwise each panic would leave one thread fewer.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[tokio::test]
    async fn jobs_run_on_exactly_the_given_number_of_threads() {
        let threads = Arc::new(ListThreads::new(2));
        // Jobs that take a while, all at once: every thread gets some.
        let waiting: Vec<_> = (0..12)
            .map(|_| {
                let threads = threads.clone();
                tokio::spawn(async move {
                    threads
                        .run(|| {
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            std::thread::current().name().map(str::to_owned)
                        })
                        .await
                        .flatten()
                })
            })
            .collect();
        let mut seen = HashSet::new();
        for handle in waiting {
            seen.insert(handle.await.unwrap().expect("a named list thread"));
        }
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen.iter().all(|n| n.starts_with("keel-list-")));
    }

    #[tokio::test]
    async fn many_jobs_at_once_all_get_their_own_answer() {
        let threads = Arc::new(ListThreads::new(3));
        let waiting: Vec<_> = (0..50u64)
            .map(|i| {
                let threads = threads.clone();
                tokio::spawn(async move { threads.run(move || i * i).await })
            })
            .collect();
        for (i, handle) in waiting.into_iter().enumerate() {
            let i = i as u64;
            assert_eq!(handle.await.unwrap(), Some(i * i));
        }
    }

    #[tokio::test]
    async fn a_job_that_panics_loses_its_answer_not_the_thread() {
        let threads = ListThreads::new(1);
        assert_eq!(threads.run(|| -> u8 { panic!("a bad row") }).await, None);
        assert_eq!(threads.run(|| 7).await, Some(7), "the one thread lives on");
    }

    #[test]
    fn the_threads_end_with_their_owner() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let threads = ListThreads::new(1);
        let (ended, has_ended) = std::sync::mpsc::channel::<()>();
        runtime.block_on(threads.run(move || {
            // Dropped when the thread's locals are: the thread has ended.
            struct Flag(std::sync::mpsc::Sender<()>);
            impl Drop for Flag {
                fn drop(&mut self) {
                    let _ = self.0.send(());
                }
            }
            thread_local!(static FLAG: std::cell::RefCell<Option<Flag>> = const { std::cell::RefCell::new(None) });
            FLAG.with(|f| *f.borrow_mut() = Some(Flag(ended)));
        }));
        drop(threads);
        has_ended
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("the list thread ended after its owner was dropped");
    }
}
