//! Isolation: one file's work runs so that a panic (a bug in an extractor, say) becomes a
//! skipped file with the reason `internal error: <message> at <file:line>`, and the rest of
//! the batch goes on.
//!
//! A process-wide panic hook, installed once and chained to the previous one, keeps quiet about
//! panics inside [`isolated`] (they are reported as skipped files instead) and records where
//! they happened; panics anywhere else are reported by the previous hook as before.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::input::Skipped;

thread_local! {
    /// True while this thread runs isolated work.
    static ISOLATED: Cell<bool> = const { Cell::new(false) };
    /// Where the last isolated panic on this thread happened.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Runs `work` for the input `source`; a panic inside it becomes `Err(Skipped)`.
pub fn isolated<T>(source: &str, work: impl FnOnce() -> Result<T, Skipped>) -> Result<T, Skipped> {
    install_hook();
    let was = ISOLATED.with(|f| f.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(work));
    ISOLATED.with(|f| f.set(was));
    outcome.unwrap_or_else(|payload| {
        let location = LOCATION.with(|l| l.borrow_mut().take());
        let mut reason = format!("internal error: {}", panic_message(payload.as_ref()));
        if let Some(at) = location {
            reason.push_str(&format!(" at {at}"));
        }
        Err(Skipped {
            source: source.to_owned(),
            reason,
        })
    })
}

fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if ISOLATED.with(Cell::get) {
                let at = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
                LOCATION.with(|l| *l.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// The message of a panic payload (`panic!("...")` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-text payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_skipped_input_with_message_and_location() {
        let out: Result<(), Skipped> = isolated("a.txt", || {
            let v: Vec<u8> = Vec::new();
            let i = v.len() + 3;
            let _ = v[i];
            Ok(())
        });
        let skipped = out.unwrap_err();
        assert_eq!(skipped.source, "a.txt");
        assert!(
            skipped.reason.starts_with("internal error: index out of bounds"),
            "{}",
            skipped.reason
        );
        assert!(skipped.reason.contains("src/isolate.rs:"), "{}", skipped.reason);
    }

    #[test]
    fn results_and_ordinary_skips_pass_through() {
        assert_eq!(isolated("a.txt", || Ok(5)), Ok(5));
        let skip = Skipped {
            source: "b.txt".into(),
            reason: "binary".into(),
        };
        assert_eq!(isolated::<()>("b.txt", || Err(skip.clone())), Err(skip));
    }
}
