//! Rule ids: every extracted value names the rule that made it (`date.en.month_day_year`).
//! An id is made once, when the rules compile, and shared by every mention the rule makes:
//! passing it on is a reference count, not a new string.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The id of a rule, shared by every mention it makes. Reads, compares, prints and
/// serialises as its text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RuleId(Arc<str>);

impl RuleId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for RuleId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for RuleId {
    fn from(id: &str) -> RuleId {
        RuleId(Arc::from(id))
    }
}

impl From<String> for RuleId {
    fn from(id: String) -> RuleId {
        RuleId(Arc::from(id))
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl fmt::Debug for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RuleId, D::Error> {
        String::deserialize(deserializer).map(RuleId::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_text_and_read_as_it() {
        let id = RuleId::from("date.en.iso");
        let again = id.clone();
        assert!(Arc::ptr_eq(&id.0, &again.0));
        assert_eq!(again, "date.en.iso");
        assert_eq!(format!("{again} {again:?}"), "date.en.iso \"date.en.iso\"");
        let json = serde_json::to_string(&again).unwrap();
        assert_eq!(json, "\"date.en.iso\"");
        assert_eq!(serde_json::from_str::<RuleId>(&json).unwrap(), id);
    }
}
