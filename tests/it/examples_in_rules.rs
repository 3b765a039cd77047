//! Every rule's own examples (the `examples` lists in rules/*/dates.toml and money.toml) must
//! still hold, so an edit that breaks a rule's example cannot land.

use accord::check::run_examples;

use crate::common::rules;

#[test]
fn every_rule_example_holds() {
    let failures = run_examples(rules());
    assert!(failures.is_empty(), "{failures:#?}");
}
