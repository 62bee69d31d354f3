//! Compile-time behaviour of `#[api]`: every diagnostic has a `fail` case with its `.stderr`
//! snapshot, and `pass` cases cover every verb, parameter kind, return mode and option.
//!
//! Regenerate snapshots with `TRYBUILD=overwrite cargo test -p dintero-auth-tests --test ui`,
//! then read each changed `.stderr`: the message and the span it points at are the test.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
