//! The extractors, one module per kind of mention. Each is pure: text and compiled rules in,
//! mentions with character spans (relative to the story text) out.

pub mod countries;
pub mod dates;
pub mod leaders;
pub mod money;
pub mod sectors;
