//! Resolution: work that needs more than one mention or more than one extractor, such as
//! inferring the year of a date from the story's published date.

pub mod dates;
pub mod event;
pub mod leaders;
pub mod published;
