//! Imports, as pure functions over a file held in memory: a CSV reader
//! ([`csv`]) and the checks that turn a CSV file into feedback rows
//! ([`feedback`]). No IO here; the API handler reads the upload, runs these
//! on a blocking thread and writes the result in one transaction.

pub mod csv;
pub mod feedback;
