//! score.py's Python semantics on JSON values: numbers as Python's `json` reads them, truth
//! values, `==`, `str()`, `dict.get` and the name normalization.

use serde_json::{Number, Value};
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// Relative tolerance of money amounts: `abs(predicted - gold) <= 0.005 * abs(gold)`.
const MONEY_TOLERANCE: f64 = 0.005;

/// A JSON number as Python's `json` module reads it: an integer, or a float when written with
/// a fraction or an exponent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    /// The number as Python reads it.
    pub(super) fn of(n: &Number) -> Num {
        let s = n.to_string();
        let float = || Num::Float(s.parse().unwrap_or(f64::NAN));
        if s.contains(['.', 'e', 'E']) {
            float()
        } else {
            s.parse().map(Num::Int).unwrap_or_else(|_| float())
        }
    }

    /// Python's `float(self)`.
    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    /// Python's `==` between numbers (exact, also between an int and a float).
    pub(super) fn same(self, other: Num) -> bool {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => a == b,
            (Num::Float(a), Num::Float(b)) => a == b,
            (Num::Int(i), Num::Float(f)) | (Num::Float(f), Num::Int(i)) => {
                f.is_finite() && f.fract() == 0.0 && f.abs() < 1e38 && f as i128 == i
            }
        }
    }

    /// `abs(self - gold) <= 0.005 * abs(gold)`, with Python's arithmetic.
    pub(super) fn within_tolerance_of(self, gold: Num) -> bool {
        if let (Num::Int(p), Num::Int(g)) = (self, gold) {
            if let Some(diff) = p.checked_sub(g).and_then(i128::checked_abs) {
                // An int compared with a float: exact, as Python does.
                let bound = MONEY_TOLERANCE * (g.unsigned_abs() as f64);
                return diff <= bound.floor() as i128;
            }
        }
        (self.as_f64() - gold.as_f64()).abs() <= MONEY_TOLERANCE * gold.as_f64().abs()
    }
}

/// JSON `null`, for a missing value.
pub(super) static NULL: Value = Value::Null;

/// `obj.get(key)`, null when missing.
pub(super) fn get<'a>(obj: &'a Value, key: &str) -> &'a Value {
    obj.get(key).unwrap_or(&NULL)
}

/// `obj.get(key, [])`: the items of a list field (none when it is not a list).
pub(super) fn items<'a>(obj: &'a Value, key: &str) -> &'a [Value] {
    obj.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// Python's truth value of a JSON value.
pub(super) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => !Num::of(n).same(Num::Int(0)),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python's `==` between JSON values (numbers compared by value).
pub(super) fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Num::of(x).same(Num::of(y)),
        _ => a == b,
    }
}

/// A value as Python's `str()` shows it in an f-string.
pub(super) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

/// A name normalized for comparison: NFKD, combining marks dropped, lower case, `-` → space,
/// `’` → `'`, runs of white space collapsed.
pub fn norm_name(s: &str) -> String {
    let folded: String = s
        .nfkd()
        .filter(|&c| canonical_combining_class(c) == 0)
        .collect::<String>()
        .to_lowercase()
        .replace('-', " ")
        .replace('\u{2019}', "'");
    // Python's str.split() also splits on the separators U+001C..U+001F.
    folded
        .split(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `norm_name(s or "")` of a JSON value.
pub(super) fn norm_value(v: &Value) -> String {
    v.as_str().map(norm_name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_normalized_like_score_py() {
        assert_eq!(norm_name("Recep Tayyip Erdoğan"), "recep tayyip erdogan");
        assert_eq!(norm_name(" Kassym-Jomart  Tokayev "), "kassym jomart tokayev");
        assert_eq!(norm_name("O\u{2019}Brien"), "o'brien");
    }

    #[test]
    fn money_tolerance_is_half_a_percent_of_the_gold_amount() {
        let n = |s: &str| Num::of(&s.parse::<Number>().unwrap());
        assert!(n("1005").within_tolerance_of(n("1000")));
        assert!(!n("1006").within_tolerance_of(n("1000")));
        assert!(n("995.0").within_tolerance_of(n("1000")));
        assert!(n("1000").same(n("1000.0")));
    }

    #[test]
    fn values_are_true_equal_and_shown_as_in_python() {
        for (value, truth, shown) in [
            (json!(null), false, "None"),
            (json!(0.0), false, "0.0"),
            (json!(2), true, "2"),
            (json!(""), false, ""),
            (json!("x"), true, "x"),
            (json!(true), true, "True"),
            (json!([]), false, "[]"),
        ] {
            assert_eq!(truthy(&value), truth, "{value}");
            assert_eq!(show(&value), shown, "{value}");
        }
        assert!(py_eq(&json!(1), &json!(1.0)));
        assert!(!py_eq(&json!("1"), &json!(1)));
    }
}
