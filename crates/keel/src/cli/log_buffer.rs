//! The server's log lines, written to stderr in batches by a thread of
//! their own.
//!
//! Written one by one, each request's log line was a `write` system call
//! on the thread serving it: about 4 % of the server's time on a GET by
//! key. Here a line is copied into a shared buffer, and a `keel-log` thread
//! writes whatever has gathered [`GATHER`] after the first line of a batch,
//! in one call. This is how web servers buffer access logs.
//!
//! - The buffer is bounded: a line that finds more than [`MAX_PENDING`]
//!   bytes waiting writes the batch itself, so a flood of lines slows the
//!   server down rather than growing without end.
//! - Batches reach stderr in the order they were taken, so lines keep
//!   their order.
//! - [`LogBuffer::flush`] writes what is waiting at once; `serve` calls it
//!   on its way out (through [`FlushOnDrop`]) and the panic hook calls it
//!   before the panic message. Only a process killed outright loses the
//!   last [`GATHER`] of lines.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tracing_subscriber::fmt::MakeWriter;

/// How long the thread lets lines gather after the first of a batch.
const GATHER: Duration = Duration::from_millis(20);

/// Bytes waiting beyond which a line's writer writes the batch itself.
const MAX_PENDING: usize = 1 << 20;

/// Where a batch of lines is written: stderr outside tests.
type Sink = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// The lines waiting, and the lock that orders batches on their way out.
struct Shared {
    pending: Mutex<Vec<u8>>,
    /// Signalled when a line lands in an empty buffer.
    arrived: Condvar,
    /// The batch being written. Held while a batch is taken and written,
    /// so batches go out in order; the two vectors trade places, so in a
    /// steady flow of lines neither is allocated again.
    output: Mutex<Vec<u8>>,
}

/// Where the log's lines go; clones share one buffer.
#[derive(Clone)]
pub struct LogBuffer {
    shared: Arc<Shared>,
    sink: Sink,
    /// False when the thread could not be started: each line is then
    /// written as it comes.
    threaded: bool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while a line was copied leaves the bytes usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl LogBuffer {
    /// A buffer writing to stderr, with its thread started.
    pub fn stderr() -> Self {
        Self::start(Arc::new(|batch: &[u8]| {
            // As tracing's own stderr writer: a log that cannot be written
            // must not stop the server.
            let _ = std::io::stderr().lock().write_all(batch);
        }))
    }

    fn start(sink: Sink) -> Self {
        let mut buffer = Self {
            shared: Arc::new(Shared {
                pending: Mutex::new(Vec::new()),
                arrived: Condvar::new(),
                output: Mutex::new(Vec::new()),
            }),
            sink,
            threaded: true,
        };
        let thread_side = buffer.clone();
        buffer.threaded = std::thread::Builder::new()
            .name("keel-log".into())
            .spawn(move || thread_side.run())
            .is_ok();
        buffer
    }

    /// The thread: waits for a first line, lets more gather, writes them.
    /// It runs as long as the process; a buffer lives as long as logging.
    fn run(self) {
        loop {
            {
                let mut pending = lock(&self.shared.pending);
                while pending.is_empty() {
                    pending = self
                        .shared
                        .arrived
                        .wait(pending)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
            std::thread::sleep(GATHER);
            self.flush();
        }
    }

    /// Writes every line waiting, now.
    pub fn flush(&self) {
        self.write_out(&mut lock(&self.shared.output));
    }

    /// Takes the waiting lines into `batch` (the output vector, whose lock
    /// the caller holds) and writes them.
    fn write_out(&self, batch: &mut Vec<u8>) {
        std::mem::swap(batch, &mut *lock(&self.shared.pending));
        if !batch.is_empty() {
            (self.sink)(batch);
            batch.clear();
        }
    }

    /// Adds one formatted event (tracing hands over a whole event at once).
    fn append(&self, line: &[u8]) {
        let mut pending = lock(&self.shared.pending);
        let was_empty = pending.is_empty();
        pending.extend_from_slice(line);
        let write_now = !self.threaded || pending.len() > MAX_PENDING;
        drop(pending);
        if write_now {
            self.flush();
        } else if was_empty {
            self.shared.arrived.notify_one();
        }
    }

    /// Makes a panic write the waiting lines before its own message.
    pub fn flush_on_panic(&self) {
        let buffer = self.clone();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Not when this very thread panicked while writing a batch:
            // waiting for its own lock would hang the panic.
            if let Ok(mut batch) = buffer.shared.output.try_lock() {
                buffer.write_out(&mut batch);
            }
            previous(info);
        }));
    }
}

/// Flushes the buffer when dropped: on every way out of `serve`.
pub struct FlushOnDrop(pub LogBuffer);

impl Drop for FlushOnDrop {
    fn drop(&mut self) {
        self.0.flush();
    }
}

/// What tracing writes one event to.
pub struct EventWriter<'a>(&'a LogBuffer);

impl Write for EventWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.append(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogBuffer {
    type Writer = EventWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        EventWriter(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A buffer whose batches land in a vector.
    fn collecting() -> (LogBuffer, Arc<Mutex<Vec<Vec<u8>>>>) {
        let batches = Arc::new(Mutex::new(Vec::new()));
        let sink = batches.clone();
        let buffer = LogBuffer::start(Arc::new(move |batch: &[u8]| {
            lock(&sink).push(batch.to_vec());
        }));
        (buffer, batches)
    }

    fn line(buffer: &LogBuffer, text: &str) {
        buffer.make_writer().write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn lines_written_together_go_out_in_one_batch_in_order() {
        let (buffer, batches) = collecting();
        for n in 0..100 {
            line(&buffer, &format!("line {n}\n"));
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while lock(&batches).is_empty() {
            assert!(Instant::now() < deadline, "the thread never wrote");
            std::thread::sleep(Duration::from_millis(5));
        }
        let written = lock(&batches).concat();
        let expected: String = (0..100).map(|n| format!("line {n}\n")).collect();
        assert_eq!(String::from_utf8(written).unwrap(), expected);
        // One line per batch would be 100; a slow machine may split them once
        // or twice.
        assert!(
            lock(&batches).len() < 50,
            "{} batches",
            lock(&batches).len()
        );
    }

    #[test]
    fn flush_writes_what_waits_at_once() {
        let (buffer, batches) = collecting();
        line(&buffer, "shutting down\n");
        FlushOnDrop(buffer.clone());
        assert_eq!(lock(&batches).concat(), b"shutting down\n");
    }

    #[test]
    fn a_full_buffer_is_written_by_the_line_that_fills_it() {
        let (buffer, batches) = collecting();
        let long = "x".repeat(MAX_PENDING + 1);
        line(&buffer, &long);
        assert_eq!(lock(&batches).concat().len(), long.len());
        assert!(lock(&buffer.shared.pending).is_empty());
    }
}
