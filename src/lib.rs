//! accord turns news articles about diplomacy and economic cooperation into structured
//! records (see `spec/RECORDS.md` in `../shared`).
//!
//! The pipeline: [`input`] (find, read, decode) → [`segment`] (stories, titles, site furniture)
//! → [`lang`] (language) → [`extract`] (dates, leaders, money, sectors, countries, driven by
//! [`rules`]) → [`resolve`] (years, published and event dates) → [`record`] → [`output`]
//! (CSV, JSON, atomic writes). [`pipeline`] runs it over many files in parallel; [`process`]
//! runs it over one.

pub mod check;
pub mod cli;
pub mod extract;
pub mod input;
pub mod lang;
pub mod output;
pub mod pipeline;
pub mod process;
pub mod record;
pub mod resolve;
pub mod rules;
pub mod segment;
pub mod text;
