//! Benchmarks of the real `keel` server: shared pieces of the `keel-bench*`
//! binaries (starting the server, seeding, load loops, reports, scratch
//! space).

pub mod events;
pub mod load;
pub mod report;
pub mod rng;
pub mod scratch;
pub mod seed;
pub mod server;
