//! The integration tests, one test binary (`cargo test --test it`; `cargo test --test it
//! schema::` runs one module). Each module is a former `tests/<name>.rs`; `common` holds what
//! they share. No test needs a process of its own: the ones that change process-wide state do
//! it in a child process (`faults`: `ulimit` in a shell, kills of a spawned `accord`), and the
//! panic hook that `reliability` exercises is the library's, chained and per thread.
//!
//! `golden` compares the records of the sample articles and of a few development-corpus files
//! with `tests/golden/`; `UPDATE_GOLDEN=1 cargo test --test it golden` rewrites them.

mod common;

mod cli;
mod diff;
mod eval;
mod examples_in_rules;
mod faults;
mod golden;
mod incremental;
mod lang_exact;
mod libreoffice;
mod mutations;
mod peer;
mod properties;
mod reliability;
mod schema;
mod spreadsheets;
mod streams;
