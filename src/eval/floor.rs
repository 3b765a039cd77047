//! The `--min-f1` and `--min-accuracy` floors: parsed, checked against the gold file's fields
//! and compared with the scores.

use std::path::Path;

use super::scores::{ExactField, Scores};

/// A `--min-f1 FIELD=F1` floor.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    /// A set-valued field name as printed, e.g. `money` or `dates[de]`.
    pub field: String,
    /// The lowest acceptable F1 (compared with the F1 as printed, rounded to three decimals).
    pub min: f64,
}

impl std::str::FromStr for Floor {
    type Err = String;

    fn from_str(s: &str) -> Result<Floor, String> {
        let Some((field, min)) = s.split_once('=') else {
            return Err(format!("--min-f1 `{s}`: write FIELD=F1, e.g. `money=0.9`"));
        };
        let field = field.trim();
        if field.is_empty() {
            return Err(format!(
                "--min-f1 `{s}`: the field name is missing; write FIELD=F1, e.g. `money=0.9`"
            ));
        }
        let min = min.trim();
        match min.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Ok(Floor {
                field: field.to_owned(),
                min: x,
            }),
            _ => Err(format!(
                "--min-f1 `{s}`: `{min}` is not an F1 floor; write a number such as 0.9"
            )),
        }
    }
}

/// The floors of one run: F1 floors of set-valued fields, accuracy floors of exact-match ones.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Floors {
    /// `--min-f1` floors.
    f1: Vec<Floor>,
    /// `--min-accuracy` floors.
    accuracy: Vec<Floor>,
}

impl Floors {
    /// Parses `--min-f1` and `--min-accuracy`; an accuracy floor must name an exact-match
    /// field and a share from 0 to 1. Errors are the message without `error: `.
    pub(super) fn parse(min_f1: &[String], min_accuracy: &[String]) -> Result<Floors, String> {
        let f1 = min_f1.iter().map(|s| s.parse()).collect::<Result<Vec<Floor>, _>>()?;
        let accuracy = min_accuracy
            .iter()
            .map(|s| s.parse())
            .collect::<Result<Vec<Floor>, String>>()
            .map_err(|e| e.replace("--min-f1", "--min-accuracy"))?;
        if let Some(f) = accuracy
            .iter()
            .find(|f| ExactField::named(&f.field).is_none() || f.min > 1.0)
        {
            return Err(format!(
                "--min-accuracy: `{}={}` needs an exact-match field ({}) and a share from 0 to 1",
                f.field,
                f.min,
                ExactField::ALL.map(ExactField::as_str).join(", ")
            ));
        }
        Ok(Floors { f1, accuracy })
    }

    /// Checks that every F1 floor names a field with an F1 (`known`, scored with the gold file
    /// at `gold`).
    pub(super) fn check_fields(&self, known: &[String], gold: &Path) -> Result<(), String> {
        let Some(floor) = self.f1.iter().find(|f| !known.contains(&f.field)) else {
            return Ok(());
        };
        let why = if ExactField::named(&floor.field).is_some() {
            "is counted as correct/total, it has no F1".to_owned()
        } else {
            format!("is not scored with {}", gold.display())
        };
        Err(format!(
            "--min-f1: field `{}` {why}; fields with an F1: {}",
            floor.field,
            known.join(", ")
        ))
    }

    /// Says on stderr which floors the scores fall below, and returns how many.
    pub(super) fn missed(&self, scores: &Scores) -> usize {
        floors_missed(&self.f1, |f| scores.f1(f), "F1 of {field} is {value}")
            + floors_missed(
                &self.accuracy,
                |f| scores.accuracy(f),
                "{field} is correct for {value} of the gold rows",
            )
    }
}

/// Says on stderr which of `floors` the scores (read by `score`) fall below, with `what`
/// (`{field}` and `{value}` filled in), and returns how many.
fn floors_missed(floors: &[Floor], score: impl Fn(&str) -> Option<f64>, what: &str) -> usize {
    floors
        .iter()
        .filter(|floor| {
            let value = score(&floor.field).unwrap_or(0.0);
            let below = value < floor.min;
            if below {
                let what = what
                    .replace("{field}", &floor.field)
                    .replace("{value}", &format!("{value:.3}"));
                eprintln!("accord eval: {what}, below the floor {}", floor.min);
            }
            below
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn floors_parse_or_explain() {
        assert_eq!(
            "dates[de]=0.9".parse::<Floor>(),
            Ok(Floor {
                field: "dates[de]".into(),
                min: 0.9
            })
        );
        assert!("money".parse::<Floor>().unwrap_err().contains("FIELD=F1"));
        assert!("money=high".parse::<Floor>().is_err());
        assert!("=0.9".parse::<Floor>().is_err());
        assert!("money=NaN".parse::<Floor>().is_err());
    }

    #[test]
    fn accuracy_floors_need_an_exact_match_field_and_a_share() {
        for (f1, accuracy, error) in [
            (&["money=0.9"][..], &["published=0.95"][..], None),
            (
                &[],
                &["dates=0.9"],
                Some("--min-accuracy: `dates=0.9` needs an exact-match field"),
            ),
            (&[], &["stories=2"], Some("and a share from 0 to 1")),
            (&[], &["stories"], Some("--min-accuracy `stories`: write FIELD=F1")),
            (&["money"], &[], Some("--min-f1 `money`")),
        ] {
            match (Floors::parse(&strings(f1), &strings(accuracy)), error) {
                (Ok(_), None) => {}
                (Err(e), Some(want)) => assert!(e.contains(want), "{e}"),
                (got, want) => panic!("{f1:?} {accuracy:?}: {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn f1_floors_must_name_a_field_with_an_f1() {
        let known = strings(&["dates", "money"]);
        let check = |f1: &[&str]| {
            Floors::parse(&strings(f1), &[])
                .unwrap()
                .check_fields(&known, Path::new("g"))
        };
        assert_eq!(check(&["money=0.9"]), Ok(()));
        assert!(check(&["language=0.9"]).unwrap_err().contains("it has no F1"));
        assert!(check(&["sectors=0.9"]).unwrap_err().contains("is not scored with g"));
    }
}
