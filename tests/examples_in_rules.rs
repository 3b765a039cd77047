//! Every rule's own examples (the `examples` lists in rules/*/dates.toml and money.toml) must
//! still hold, so an edit that breaks a rule's example cannot land.

use std::path::Path;

use accord::check::run_examples;
use accord::rules::RuleSet;

#[test]
fn every_rule_example_holds() {
    let rules = RuleSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).expect("rules load");
    let failures = run_examples(&rules);
    assert!(failures.is_empty(), "{failures:#?}");
}
