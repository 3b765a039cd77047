//! `accord diff` (being written).

use crate::cli::DiffArgs;
use crate::CommandError;

/// Runs `accord diff`; returns the exit status.
pub fn run(_args: &DiffArgs) -> Result<i32, CommandError> {
    Err(CommandError::Failed(
        "`accord diff` is not available in this build".into(),
    ))
}
