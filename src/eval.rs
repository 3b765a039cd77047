//! `accord eval` (being written).

use crate::cli::EvalArgs;
use crate::CommandError;

/// Runs `accord eval`; returns the exit status.
pub fn run(_args: &EvalArgs) -> Result<i32, CommandError> {
    Err(CommandError::Failed(
        "`accord eval` is not available in this build".into(),
    ))
}
