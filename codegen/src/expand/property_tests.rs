//! Property tests: randomly generated and mutated trait declarations through `api`, the entry
//! point the proc macro calls. Whatever the input, the expansion must not panic and must be valid
//! Rust items (the trait, the client, `compile_error!`s); a declaration the macro accepts must
//! expand without any error.
//!
//! Three case kinds, each its own test so they run in parallel:
//!
//! - `generated`: declarations from a grammar in which every choice is occasionally replaced by a
//!   mistake (missing or doubled verbs, malformed templates, bad attributes, patterns, types,
//!   receivers, return types and `#[api(...)]` arguments);
//! - `valid`: the same grammar restricted to what the macro accepts; the output must be clean,
//!   and identical when types are wrapped in invisible groups (as `macro_rules!` fragments arrive);
//! - `mutated`: a valid declaration with a few token-tree edits (delete, duplicate, swap, replace,
//!   wrap in a group, strip a group, truncate, insert), often no longer a trait or not parseable.
//!
//! What is checked (see [`check_output`]): no panic; a trait expands to exactly the trait, one
//! client struct, impls and `compile_error!`s, with nothing dropped or stubbed unless an error is
//! reported; any other item comes back with an error; an input that is not an item at all comes
//! back unchanged, followed by errors only.
//!
//! `MACRO_PROPTEST_CASES=N` sets the number of generated and of mutated cases (default 2000; a
//! quarter as many valid ones), `MACRO_PROPTEST_SEED=S` the base seed, and
//! `MACRO_PROPTEST_REPLAY=<kind>:<case seed>` reruns the single case a failure report names,
//! printing its input and output. A panic found is also printed by the default panic hook.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

const DEFAULT_CASES: u64 = 2000;
const DEFAULT_SEED: u64 = 0x5eed_a91d_1e7e_0001;
/// Stop collecting after this many failures: one is enough to act on, a few show a pattern.
const MAX_FAILURES: usize = 5;

#[test]
fn generated_declarations() {
    run_kind(Kind::Generated);
}

#[test]
fn valid_declarations() {
    run_kind(Kind::Valid);
}

#[test]
fn mutated_declarations() {
    run_kind(Kind::Mutated);
}

// ---------------------------------------------------------------------------------------------
// Driver

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Generated,
    Valid,
    Mutated,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Generated => "generated",
            Kind::Valid => "valid",
            Kind::Mutated => "mutated",
        }
    }
}

/// How one case ended, for the summary and for checking that the generators reach every branch.
#[derive(Default)]
struct Tally {
    /// Not even tokenizable (e.g. an unterminated raw string); skipped.
    untokenizable: u64,
    /// Not a parseable item: the output is the input followed by `compile_error!`s.
    not_an_item: u64,
    /// A parseable item that is not a trait.
    other_item: u64,
    /// A trait expanded without errors.
    clean: u64,
    /// A trait expanded with at least one `compile_error!`.
    with_errors: u64,
}

fn env_u64(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    let value = value.trim();
    let parsed = match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => value.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={value} is not a number")))
}

fn run_kind(kind: Kind) {
    if let Ok(replay) = std::env::var("MACRO_PROPTEST_REPLAY") {
        let (name, seed) = replay.split_once(':').expect("MACRO_PROPTEST_REPLAY=<kind>:<case seed>");
        if name == kind.name() {
            let seed = seed.trim_start_matches("0x");
            let seed = u64::from_str_radix(seed, 16).expect("case seed in hex, as printed");
            replay_case(kind, seed);
        }
        return;
    }

    let cases = env_u64("MACRO_PROPTEST_CASES").unwrap_or(DEFAULT_CASES);
    // Valid declarations are the slowest to check (every method gets a full body) and the
    // generated kind already has its clean share; a quarter as many keeps the default run short.
    let cases = if kind == Kind::Valid { cases.div_ceil(4) } else { cases };
    let base = env_u64("MACRO_PROPTEST_SEED").unwrap_or(DEFAULT_SEED);
    let start = Instant::now();
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    let mut ran = 0;
    for index in 0..cases {
        let seed = case_seed(base, kind, index);
        ran += 1;
        if let Err(failure) = run_case(kind, seed, &mut tally) {
            failures.push(failure);
            if failures.len() == MAX_FAILURES {
                break;
            }
        }
    }
    let Tally { untokenizable, not_an_item, other_item, clean, with_errors } = tally;
    eprintln!(
        "property test `{}`: {ran} cases in {:.2?} (clean {clean}, with errors {with_errors}, \
         other item {other_item}, not an item {not_an_item}, untokenizable {untokenizable})",
        kind.name(),
        start.elapsed(),
    );
    assert!(failures.is_empty(), "{} failing case(s):\n\n{}", failures.len(), failures.join("\n\n"));

    // The generators must keep reaching the outcomes they exist for; a generator bug that, say,
    // made every declaration unparseable would otherwise pass silently.
    if cases >= 500 {
        match kind {
            Kind::Valid => assert_eq!(clean, ran, "every valid declaration expands cleanly"),
            Kind::Generated => {
                assert!(clean > 0 && with_errors > cases / 2, "generated cases should be mostly erroneous");
                assert!(untokenizable < cases / 20, "too many generated cases are not tokenizable");
            }
            Kind::Mutated => assert!(
                clean > 0 && with_errors > 0 && other_item > 0 && not_an_item > 0,
                "mutations should reach every outcome"
            ),
        }
    }
}

/// Each case has its own seed, so a failure is reproduced without replaying the ones before it.
fn case_seed(base: u64, kind: Kind, index: u64) -> u64 {
    Rng(base ^ (kind as u64).wrapping_mul(0x1000_0000_0000_0001) ^ index.wrapping_mul(0x9e37_79b9)).next()
}

/// The declaration for `seed` as `(attr, item)` source text, before tokenizing.
fn case_source(kind: Kind, seed: u64) -> (String, String) {
    let mut rng = Rng(seed);
    Gen::new(&mut rng, kind != Kind::Generated).case()
}

/// Tokenizes the case (applying the mutations for `Mutated`); `None` if the text does not lex.
fn case_tokens(kind: Kind, seed: u64) -> Option<(TokenStream, TokenStream)> {
    let (attr, item) = case_source(kind, seed);
    let attr = syn::parse_str::<TokenStream>(&attr).ok()?;
    let item = invisible_groups(syn::parse_str::<TokenStream>(&item).ok()?, Keep::Groups);
    if kind != Kind::Mutated {
        return Some((attr, item));
    }
    // The generator consumed its own stream; mutations draw from a second one.
    let mut rng = Rng(seed ^ 0xa5a5_a5a5_a5a5_a5a5);
    let (mut attr, mut item) = (attr, item);
    // Mostly a single edit: most edits already break the syntax, and an item that no longer parses
    // only exercises the first step.
    let edits = [1, 1, 1, 1, 1, 2, 2, 3][rng.below(8)];
    for _ in 0..edits {
        if rng.one_in(5) {
            attr = mutate(&mut rng, attr);
        } else {
            item = mutate(&mut rng, item);
        }
    }
    Some((attr, item))
}

fn run_case(kind: Kind, seed: u64, tally: &mut Tally) -> Result<(), String> {
    let Some((attr, item)) = case_tokens(kind, seed) else {
        if kind == Kind::Valid {
            return Err(report(kind, seed, "the valid generator produced text that does not tokenize", None));
        }
        tally.untokenizable += 1;
        return Ok(());
    };
    let output = match catch_unwind(AssertUnwindSafe(|| crate::expand::api(attr.clone(), item.clone()))) {
        Ok(output) => output,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_owned());
            return Err(report(kind, seed, &format!("expansion panicked: {message}"), None));
        }
    };
    match check_output(&item, &output, tally) {
        Ok(clean) if kind == Kind::Valid && !clean => {
            Err(report(kind, seed, "a valid declaration expanded with errors", Some(&output)))
        }
        Ok(_) if kind == Kind::Valid => same_without_invisible_groups(seed, attr, &output),
        Ok(_) => Ok(()),
        Err(problem) => Err(report(kind, seed, &problem, Some(&output))),
    }
}

/// Invisible groups must not change anything: the expansion equals that of the same declaration
/// without them (compared as text, where such groups do not show).
fn same_without_invisible_groups(seed: u64, attr: TokenStream, output: &TokenStream) -> Result<(), String> {
    let (_, source) = case_source(Kind::Valid, seed);
    if !source.contains(INVISIBLE) {
        return Ok(());
    }
    let plain = invisible_groups(syn::parse_str::<TokenStream>(&source).unwrap(), Keep::Contents);
    let expected = crate::expand::api(attr, plain);
    let squeeze = |tokens: &TokenStream| tokens.to_string().replace(' ', "");
    let (with, without) = (squeeze(output), squeeze(&expected));
    let Some(at) = with.chars().zip(without.chars()).position(|(a, b)| a != b).or_else(|| {
        // One is a prefix of the other.
        (with.len() != without.len()).then(|| with.chars().count().min(without.chars().count()))
    }) else {
        return Ok(());
    };
    let excerpt = |text: &str| text.chars().skip(at.saturating_sub(80)).take(200).collect::<String>();
    let problem = format!(
        "invisible groups changed the expansion:\n  with:    ...{}\n  without: ...{}",
        excerpt(&with),
        excerpt(&without)
    );
    Err(report(Kind::Valid, seed, &problem, None))
}

fn report(kind: Kind, seed: u64, problem: &str, output: Option<&TokenStream>) -> String {
    let mut text = format!(
        "[{kind}:{seed:016x}] {problem}\n  rerun: MACRO_PROPTEST_REPLAY={kind}:{seed:016x} cargo test -p \
         http-api-client-codegen property_tests -- --nocapture",
        kind = kind.name()
    );
    let (attr, item) = case_source(kind, seed);
    let _ = write!(text, "\n  attr: {attr}\n  item: {item}");
    if kind == Kind::Mutated {
        if let Some((attr, item)) = case_tokens(kind, seed) {
            let _ = write!(text, "\n  mutated attr: {attr}\n  mutated item: {item}");
        }
    }
    if let Some(output) = output {
        let mut output = output.to_string();
        if output.len() > 4000 {
            let mut end = 4000;
            while !output.is_char_boundary(end) {
                end -= 1;
            }
            output.truncate(end);
            output.push_str(" ...");
        }
        let _ = write!(text, "\n  output: {output}");
    }
    text
}

fn replay_case(kind: Kind, seed: u64) {
    let (attr, item) = case_source(kind, seed);
    eprintln!("attr source: {attr}\nitem source: {item}");
    let Some((attr, item)) = case_tokens(kind, seed) else {
        eprintln!("not tokenizable");
        return;
    };
    eprintln!("attr tokens: {attr}\nitem tokens: {item}");
    let output = crate::expand::api(attr, item.clone());
    eprintln!("output: {output}");
    if let Err(problem) = check_output(&item, &output, &mut Tally::default()) {
        panic!("{problem}");
    }
}

// ---------------------------------------------------------------------------------------------
// Checking an expansion

/// Checks what `api` guarantees for `item`; `Ok(true)` when the output has no `compile_error!`.
fn check_output(item: &TokenStream, output: &TokenStream, tally: &mut Tally) -> Result<bool, String> {
    let parsed_item = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(parsed) => parsed,
        Err(_) => {
            // Nothing could be modelled: the item is handed back untouched (so rustc reports its
            // own syntax error at the right place) followed by the macro's errors.
            tally.not_an_item += 1;
            return check_passthrough(item, output).map(|()| false);
        }
    };

    let file = syn::parse2::<syn::File>(output.clone())
        .map_err(|error| format!("output does not parse as Rust items: {error}"))?;
    // syn reads leading inner attributes as the file's; rustc rejects them in a macro's output.
    if !file.attrs.is_empty() {
        return Err("output starts with an inner attribute".to_owned());
    }
    let errors = file.items.iter().filter(|item| is_compile_error(item)).count();

    let syn::Item::Trait(input) = parsed_item else {
        tally.other_item += 1;
        // Handed back as is, with the error.
        if errors == 0 {
            return Err("a non-trait item expanded without `compile_error!`".to_owned());
        }
        return Ok(false);
    };

    let mut traits = Vec::new();
    let mut structs = 0;
    let mut trait_impl = None;
    for item in &file.items {
        match item {
            syn::Item::Trait(item) => traits.push(item),
            syn::Item::Struct(_) => structs += 1,
            // The trait's impl, in an unnamed `const` of its own with the imports its methods use.
            syn::Item::Const(item) if item.ident == "_" => {
                let syn::Expr::Block(block) = &*item.expr else {
                    return Err(format!("unexpected `const _` in output: {}", item.to_token_stream()));
                };
                for statement in &block.block.stmts {
                    match statement {
                        syn::Stmt::Item(syn::Item::Use(_)) => {}
                        syn::Stmt::Item(syn::Item::Impl(item))
                            if item.trait_.as_ref().is_some_and(|(path, _)| path.is_ident(&input.ident)) =>
                        {
                            trait_impl = Some(item);
                        }
                        other => {
                            return Err(format!(
                                "unexpected statement in `const _`: {}",
                                other.to_token_stream()
                            ))
                        }
                    }
                }
            }
            syn::Item::Impl(_) => {}
            // The blocking client, kept by the runtime when its feature is on: it must be items.
            syn::Item::Macro(item)
                if item.mac.path.segments.last().is_some_and(|s| s.ident == "if_blocking") =>
            {
                syn::parse2::<syn::File>(item.mac.tokens.clone())
                    .map_err(|error| format!("the blocking client does not parse as items: {error}"))?;
            }
            item if is_compile_error(item) => {}
            other => return Err(format!("unexpected item in output: {}", other.to_token_stream())),
        }
    }
    let [output_trait] = traits[..] else {
        return Err(format!("expected exactly one trait in the output, found {}", traits.len()));
    };
    if output_trait.ident != input.ident || structs != 1 {
        return Err("the output must be the input trait and one client struct".to_owned());
    }
    // The macro may only leave something out, or stub a method, when it reports why.
    if errors == 0 {
        if output_trait.items.len() != input.items.len() {
            return Err("trait items were dropped without a `compile_error!`".to_owned());
        }
        let Some(trait_impl) = trait_impl else {
            return Err(
                "the client does not implement the trait, yet there is no `compile_error!`".to_owned()
            );
        };
        // Shims hand a call to `send_decoded`; a stub returns `pending()`.
        let stubbed = trait_impl.items.iter().any(|item| {
            matches!(item, syn::ImplItem::Fn(method)
                if !method.block.to_token_stream().to_string().contains("send_decoded"))
        });
        if stubbed {
            return Err("a method was stubbed without a `compile_error!`".to_owned());
        }
        tally.clean += 1;
    } else {
        tally.with_errors += 1;
    }
    Ok(errors == 0)
}

/// For an input that is not an item: the output is exactly the input's tokens followed by one or
/// more `compile_error!` invocations.
fn check_passthrough(item: &TokenStream, output: &TokenStream) -> Result<(), String> {
    let input: Vec<TokenTree> = item.clone().into_iter().collect();
    let output: Vec<TokenTree> = output.clone().into_iter().collect();
    let echoed: TokenStream = output.iter().take(input.len()).cloned().collect();
    if output.len() < input.len() || echoed.to_string() != item.to_string() {
        return Err("an unparseable item must be echoed unchanged before the errors".to_owned());
    }
    let rest: TokenStream = output[input.len()..].iter().cloned().collect();
    let file = syn::parse2::<syn::File>(rest)
        .map_err(|error| format!("the errors after an unparseable item do not parse: {error}"))?;
    if file.items.is_empty() || !file.attrs.is_empty() || !file.items.iter().all(is_compile_error) {
        return Err("an unparseable item must be followed by `compile_error!`s only".to_owned());
    }
    Ok(())
}

fn is_compile_error(item: &syn::Item) -> bool {
    match item {
        syn::Item::Macro(item) => {
            item.mac.path.segments.last().is_some_and(|segment| segment.ident == "compile_error")
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// splitmix64: tiny, seedable, and good enough to drive a generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; `n` must be positive.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Generator

/// Parameter and placeholder names; raw and non-ASCII identifiers and the role attribute names
/// themselves included.
const NAMES: &[&str] = &[
    "id",
    "aid",
    "account_id",
    "limit",
    "name",
    "page",
    "x",
    "r#type",
    "r#ref",
    "größe",
    "_id",
    "a1",
    "thing",
    "body",
    "query",
    "path",
    "header",
    "form",
    "item_id",
    "cursor",
];
const VERBS: &[&str] = &["get", "post", "put", "patch", "delete"];
const LITERAL_SEGMENTS: &[&str] = &[
    "accounts",
    "v1",
    "a-b.c",
    "v1:batch",
    "~user",
    "ünï",
    "日本",
    "x_y",
    "1",
    "@me",
    "a.json",
    "...",
    "$&'()*+,;=",
    "a\\b",
    "q\"t",
    "\u{200b}",
];
const BAD_SEGMENTS: &[&str] = &[
    "",
    "{id}.json",
    "v{id}",
    "{id",
    "id}",
    "{}",
    "{{id}}",
    "}{",
    "{id}{x}",
    "..",
    ".",
    "a b",
    " ",
    "%20",
    "%",
    "a?b",
    "#x",
    "{a b}",
    "{1x}",
    "{_}",
    "{ id }",
    "\t",
    "\0",
    "\r\n",
    "{größe}",
    "{日本}",
    "{r#type}",
    "{a-b}",
    "{}}",
];
const HEADERS: &[&str] = &["X-Request-Id", "Authorization", "x_y", "!#$%&'*+-.^_`|~", "A"];
const BAD_HEADERS: &[&str] =
    &["", "X Y", "X-Y\n", "Ünï", "a:b", "(x)", "\"", "x\u{7f}", "Content-Length", "host", "Idempotency-Key"];
const PATH_TYPES: &[&str] =
    &["&str", "u64", "&T", "String", "i32", "&'static str", "Uuid", "std::num::NonZeroU8"];
const QUERY_TYPES: &[&str] =
    &["Option<u32>", "&str", "Vec<String>", "(u8, u8)", "&[&str]", "bool", "Option<&str>", "[u8; 2]"];
const BODY_TYPES: &[&str] = &["&Thing", "Thing", "Vec<Thing>", "&serde_json::Value", "&[u8]", "Box<Thing>"];
const BAD_TYPES: &[&str] = &[
    "impl Serialize",
    "&impl Serialize",
    "(impl Display)",
    "&mut Thing",
    "Self",
    "_",
    "!",
    "dyn Display",
    "[u8]",
    "*const u8",
    "fn(u8) -> u8",
    "<Self as Tr>::X",
    "Option<impl Serialize>",
    "impl Fn(&str) -> u8 + Send",
    "&&&str",
    "()",
    "T<>",
    "&'a impl Display",
    "(((impl Display)))",
];
/// `Result<OK, ERROR>` is assembled from these (see [`Gen::result`]).
const RESULT_PATHS: &[&str] = &["Result", "std::result::Result", "::core::result::Result", "io::Result"];
const OK_TYPES: &[&str] = &[
    "()",
    "Thing",
    "Vec<Thing>",
    "Option<u8>",
    "(u8, String)",
    "(())",
    "((),)",
    "serde_json::Value",
    "Result<u8, u8>",
];
const API_RESPONSES: &[&str] = &["ApiResponse", "http_api_client::ApiResponse", "crate::ApiResponse"];
const ERROR_TYPES: &[&str] =
    &["Error", "E", "crate::Error", "Box<dyn std::error::Error + Send + Sync>", "()"];
const BAD_RESULTS: &[&str] = &[
    "Result<()>",
    "Result<Thing>",
    "Thing",
    "Option<Thing>",
    "Result<Thing, E, F>",
    "Result<'a, Thing, E>",
    "Result",
    "Result<Thing, E = X>",
    "Result<Thing, 3>",
    "impl Future<Output = Result<(), E>>",
    "ApiResponse<Thing>",
    "!",
    "()",
    "dyn Result<(), E>",
    "Result::<(), E>",
    "Result<ApiResponse, E>",
];

/// Builds declarations as source text. With `valid`, only what the macro accepts; otherwise every
/// choice point occasionally takes a wrong or unusual turn.
struct Gen<'a> {
    rng: &'a mut Rng,
    valid: bool,
    /// Whether this case may also contain syntax errors. Only a minority do: a declaration that
    /// does not parse stops the macro at its first step, so it exercises little of it.
    syntax_errors: bool,
    /// Whether types in this case may be wrapped in invisible groups.
    invisible_groups: bool,
}

impl Gen<'_> {
    fn new(rng: &mut Rng, valid: bool) -> Gen<'_> {
        let syntax_errors = !valid && rng.one_in(5);
        let invisible_groups = rng.one_in(4);
        Gen { rng, valid, syntax_errors, invisible_groups }
    }

    /// In the erroneous mode, true once in `n`; never in the valid mode. For mistakes that still
    /// parse, which the macro itself has to notice.
    fn bad(&mut self, n: usize) -> bool {
        !self.valid && self.rng.one_in(n)
    }

    /// Like [`Gen::bad`], for mistakes that are syntax errors, and only in some cases.
    fn broken(&mut self, n: usize) -> bool {
        self.syntax_errors && self.rng.one_in(n)
    }

    fn pick(&mut self, items: &[&'static str]) -> &'static str {
        self.rng.pick(items)
    }

    fn string(text: &str) -> String {
        Literal::string(text).to_string()
    }

    fn case(&mut self) -> (String, String) {
        (self.api_args(), self.trait_decl())
    }

    fn api_args(&mut self) -> String {
        let mut args = Vec::new();
        if self.rng.one_in(3) {
            args.push(format!(
                "crate = {}",
                Gen::string(self.pick(&["::http_api_client", "crate::rt", "rt", "self"]))
            ));
        }
        if self.rng.one_in(3) {
            args.push(format!(
                "client = {}",
                Gen::string(self.pick(&["MyClient", "r#Client", "Ünï", "_Api"]))
            ));
        }
        if self.bad(3) {
            let garbage = self.pick(&[
                "crate = \"\"",
                "crate = \"1x\"",
                "crate = \"a::\"",
                "crate = \"::\"",
                "crate = \"a b\"",
                "crate = 5",
                "crate = a::b",
                "crate",
                "crate =",
                "crate(\"x\")",
                "client = \"not an ident\"",
                "client = \"self\"",
                "client = \"_\"",
                "client = \"\"",
                "client = \"a::B\"",
                "client = 'c'",
                "client = \"r#self\"",
                "krate = \"x\"",
                "unknown(x, y)",
                "unknown",
                "unknown = [1, 2]",
                "unknown = ",
                "unknown x",
                "= \"x\"",
                "\"x\"",
                ", ,",
                "@#!",
                "crate = \"a\", crate = \"b\"",
                "client = \"A\", client = \"B\"",
                "a::b = 1",
                "{}",
            ]);
            let at = self.rng.below(args.len() + 1);
            args.insert(at, garbage.to_owned());
        }
        let mut text = args.join(", ");
        if !text.is_empty() && self.rng.one_in(4) {
            text.push(',');
        }
        text
    }

    fn trait_decl(&mut self) -> String {
        let mut text = String::new();
        for _ in 0..self.rng.below(3) {
            text.push_str(self.pick(&[
                "/// Docs.\n",
                "#[doc = \"Docs.\"]\n",
                "#[cfg(all())]\n",
                "#[cfg(feature = \"x\")]\n",
                "#[cfg_attr(test, allow(dead_code))]\n",
                "#[deprecated(note = \"x\")]\n",
                "#[allow(dead_code)]\n",
                "#[must_use]\n",
                "#[diagnostic::on_unimplemented(message = \"x\")]\n",
            ]));
        }
        text.push_str(self.pick(&["", "pub ", "pub(crate) ", "pub(super) ", "pub(in crate::a) "]));
        if self.bad(20) {
            text.push_str(self.pick(&["unsafe ", "auto ", "unsafe auto "]));
        }
        if self.broken(10) {
            text.push_str(self.pick(&["const ", "impl ", "async "]));
        }
        text.push_str("trait ");
        text.push_str(self.pick(&["Api", "Billing", "r#Type", "Ünï", "A", "Client"]));
        if self.bad(15) {
            text.push_str(self.pick(&["<T>", "<'a>", "<const N: usize>", "<T: Clone = u8>", "<>"]));
        }
        if self.rng.one_in(5) {
            text.push_str(self.pick(&[": Send + Sync", ": 'static", ": Sync + 'static", ": Clone"]));
        }
        if self.rng.one_in(8) {
            text.push_str(self.pick(&[" where Self: Sized", " where Self: Send,"]));
        }
        text.push_str(" {\n");
        if self.bad(25) {
            text.push_str(self.pick(&["#![allow(dead_code)]\n", "#![doc = \"x\"]\n"]));
        }
        let mut used = Vec::new();
        for _ in 0..self.rng.below(7) {
            if self.bad(12) {
                text.push_str(self.pick(&[
                    "type Assoc;\n",
                    "const N: u8;\n",
                    "fn plain(&self);\n",
                    "m!();\n",
                    "m! { x }\n",
                    "type Gat<'a>: Clone where Self: 'a;\n",
                ]));
                continue;
            }
            if self.broken(10) {
                text.push_str(self.pick(&[";\n", "#![allow(dead_code)]\n", "fn;\n", "impl X {}\n"]));
                continue;
            }
            let method = self.method(&mut used);
            text.push_str(&method);
        }
        text.push('}');
        text
    }

    /// A fresh method name (duplicates only in the erroneous mode).
    fn method_name(&mut self, used: &mut Vec<&'static str>) -> &'static str {
        const METHODS: &[&str] = &[
            "list", "create", "r#fn", "token", "update", "remove", "get", "send", "call", "größe", "fetch",
            "ping",
        ];
        loop {
            let name = self.pick(METHODS);
            if !used.contains(&name) || self.bad(5) {
                used.push(name);
                return name;
            }
            if used.len() == METHODS.len() {
                return "extra";
            }
        }
    }

    fn method(&mut self, used: &mut Vec<&'static str>) -> String {
        let verb = self.pick(VERBS);
        let name = self.method_name(used);
        let mut text = String::new();
        let mut attrs = Vec::new();
        for _ in 0..self.rng.below(3) {
            attrs.push(
                self.pick(&[
                    "/// Docs.",
                    "#[doc = \"Docs.\"]",
                    "#[cfg(all())]",
                    "#[cfg(feature = \"x\")]",
                    "#[cfg_attr(test, allow(unused))]",
                    "#[deprecated]",
                    "#[must_use]",
                    "#[allow(unused)]",
                    "#[warn(missing_docs)]",
                    "#[expect(unused)]",
                    "#[clippy::too_many_arguments]",
                ])
                .to_owned(),
            );
        }

        // Signature pieces are chosen first so the template can refer to the path parameters.
        let lifetime = self.rng.one_in(8);
        let receiver = if self.bad(10) {
            self.rng.pick(&[
                None,
                Some("self"),
                Some("&mut self"),
                Some("mut self"),
                Some("self: Box<Self>"),
                Some("self: &Self"),
                Some("#[allow(unused)] &self"),
                Some("&'a mut self"),
            ])
        } else if self.broken(10) {
            Some(self.pick(&["&&self", "self self", "&self &self", "&self, self"]))
        } else if lifetime {
            Some("&'a self")
        } else {
            Some("&self")
        };
        let (template, params) = self.template_and_params(verb);

        let verb_attr = self.verb_attr(verb, &template);
        if !self.bad(12) {
            attrs.push(verb_attr.clone());
        }
        if self.bad(12) {
            let other = self.pick(VERBS);
            attrs.push(self.verb_attr(other, &template));
        }
        if self.bad(15) {
            attrs.push(
                self.pick(&[
                    "#[gett(\"/a\")]",
                    "#[GET(\"/a\")]",
                    "#[inline]",
                    "#[query]",
                    "#[body]",
                    "#[api]",
                    "#[route(\"/a\")]",
                    "#[doc]",
                    "#[cfg]",
                    "#[a::b::c]",
                    "#[r#get(\"/a\")]",
                ])
                .to_owned(),
            );
        }
        if self.broken(10) {
            attrs.push(self.pick(&["#![allow(unused)]", "#[]", "#", "#[get(\"/a\")"]).to_owned());
        }
        // Attribute order does not matter to the macro; shuffle so verbs come first or last.
        for i in (1..attrs.len()).rev() {
            let j = self.rng.below(i + 1);
            attrs.swap(i, j);
        }
        for attr in attrs {
            text.push_str(&attr);
            text.push('\n');
        }

        // Qualifiers in the order Rust requires: `const async unsafe extern "C" fn`.
        let qualifiers =
            if self.bad(15) { self.pick(&["const", "unsafe", "extern", "const unsafe"]) } else { "" };
        if self.broken(10) {
            text.push_str(self.pick(&["safe ", "default ", "pub ", "async async ", "unsafe async "]));
        }
        if qualifiers.contains("const") {
            text.push_str("const ");
        }
        if !self.bad(10) {
            text.push_str("async ");
        }
        if qualifiers.contains("unsafe") {
            text.push_str("unsafe ");
        }
        if qualifiers.contains("extern") {
            text.push_str("extern \"C\" ");
        }
        text.push_str("fn ");
        text.push_str(name);
        if self.bad(15) {
            text.push_str(self.pick(&["<T>", "<T: Clone>", "<const N: usize>", "<'b>", "<'a, T>"]));
        } else if lifetime {
            text.push_str("<'a>");
        }
        let mut inputs: Vec<String> = receiver.into_iter().map(str::to_owned).collect();
        inputs.extend(params);
        if self.bad(25) {
            inputs.push(self.pick(&["...", "args: ..."]).to_owned());
        }
        if self.broken(10) {
            inputs.push(self.pick(&[",", "#[query]", "x", ": u8"]).to_owned());
        }
        text.push('(');
        text.push_str(&inputs.join(", "));
        if !inputs.is_empty() && self.rng.one_in(5) {
            text.push(',');
        }
        text.push(')');
        if !self.bad(12) {
            text.push_str(" -> ");
            let result = if self.bad(5) { self.pick(BAD_RESULTS).to_owned() } else { self.result() };
            text.push_str(&result);
        } else if self.broken(10) {
            text.push_str(self.pick(&[" ->", " -> Result<(), E> + Send", " -> -> T", " => T"]));
        }
        if self.bad(20) {
            text.push_str(self.pick(&[" where Self: Sized", " where T: Clone", " where"]));
        }
        if self.bad(15) {
            text.push_str(self.pick(&[
                " { todo!() }",
                " {}",
                " { #![allow(unused)] }",
                " { async { Ok(()) } }",
            ]));
        } else if self.broken(10) {
            text.push_str(self.pick(&["", " = 1;", " {", ";;"]));
        } else {
            text.push(';');
        }
        text.push('\n');
        text
    }

    /// `#[verb("template")]`, or in the erroneous mode a malformed argument list.
    fn verb_attr(&mut self, verb: &str, template: &str) -> String {
        if !self.bad(10) {
            return format!("#[{verb}({})]", Gen::string(template));
        }
        match self.rng.below(10) {
            0 => format!("#[{verb}]"),
            1 => format!("#[{verb}()]"),
            2 => format!("#[{verb} = {}]", Gen::string(template)),
            3 => format!("#[{verb}({}, extra)]", Gen::string(template)),
            4 => format!("#[{verb}(r#\"{template}\"#)]"),
            5 => format!("#[{verb}(b{})]", Gen::string(template)),
            6 => format!("#[{verb}(c{})]", Gen::string(template)),
            7 => format!("#[{verb}({}suffix)]", Gen::string(template)),
            8 => format!("#[{verb}(1)]"),
            _ => format!("#[{verb}(path = {})]", Gen::string(template)),
        }
    }

    /// The path template and the parameter list (without the receiver). In the valid mode every
    /// placeholder is bound exactly once and every other parameter has a role.
    fn template_and_params(&mut self, verb: &str) -> (String, Vec<String>) {
        let mut names: Vec<&'static str> = Vec::new();
        let mut fresh = |rng: &mut Rng| loop {
            let name = rng.pick(NAMES);
            if !names.contains(&name) {
                names.push(name);
                return name;
            }
        };

        let mut segments = Vec::new();
        let mut params = Vec::new();
        for _ in 0..self.rng.below(5) {
            if self.bad(5) {
                let bad = self.pick(BAD_SEGMENTS);
                segments.push(bad.to_owned());
            } else if self.rng.one_in(2) {
                let segment = self.pick(LITERAL_SEGMENTS);
                segments.push(segment.to_owned());
            } else {
                let ident = fresh(self.rng);
                let placeholder = ident.trim_start_matches("r#");
                segments.push(format!("{{{placeholder}}}"));
                if self.bad(8) {
                    // Unbound, or bound by a near miss.
                    if self.rng.one_in(2) {
                        params.push(format!("{ident}x: u8"));
                    }
                    continue;
                }
                let ty = self.param_type(PATH_TYPES);
                let param = match self.rng.below(4) {
                    0 => format!("#[path] {ident}: {ty}"),
                    1 => {
                        let other = fresh(self.rng);
                        format!("#[path({})] {other}: {ty}", Gen::string(placeholder))
                    }
                    _ => format!("{ident}: {ty}"),
                };
                params.push(self.decorate(param));
                if self.bad(12) {
                    // A second binding of the same placeholder.
                    let other = fresh(self.rng);
                    params.push(format!("#[path({})] {other}: u8", Gen::string(placeholder)));
                }
            }
        }
        if self.bad(6) && !segments.is_empty() {
            let at = self.rng.below(segments.len());
            let copy = segments[at].clone();
            segments.insert(at, copy);
        }
        let mut template =
            if segments.is_empty() { "/".to_owned() } else { format!("/{}", segments.join("/")) };
        if self.bad(12) {
            template = match self.rng.below(4) {
                0 => template.trim_start_matches('/').to_owned(),
                1 => format!("{template}/"),
                2 => format!("/{template}"),
                _ => String::new(),
            };
        }

        let mut has_body = false;
        // A header declared twice is an error: a valid declaration names each once.
        let mut headers: Vec<&'static str> = Vec::new();
        for _ in 0..self.rng.below(4) {
            let ident = fresh(self.rng);
            let plain = ident.trim_start_matches("r#");
            let param = match self.rng.below(6) {
                0 => format!("#[query] {ident}: {}", self.param_type(QUERY_TYPES)),
                1 => {
                    let name = self.pick(&["q", "page[size]", "ünï", "a b", plain]);
                    format!("#[query({})] {ident}: {}", Gen::string(name), self.param_type(QUERY_TYPES))
                }
                2 | 3 => {
                    let header = if self.bad(4) { self.pick(BAD_HEADERS) } else { self.pick(HEADERS) };
                    if headers.iter().any(|earlier| earlier.eq_ignore_ascii_case(header)) && !self.bad(4) {
                        continue;
                    }
                    headers.push(header);
                    format!("#[header({})] {ident}: {}", Gen::string(header), self.param_type(QUERY_TYPES))
                }
                _ if (verb == "get" || has_body) && !self.bad(3) => {
                    format!("#[query] {ident}: {}", self.param_type(QUERY_TYPES))
                }
                _ => {
                    has_body = true;
                    let role = self.pick(&["#[body]", "#[form]"]);
                    format!("{role} {ident}: {}", self.param_type(BODY_TYPES))
                }
            };
            params.push(self.decorate(param));
        }
        if self.bad(6) {
            let name = self.pick(NAMES);
            let broken = self.pick(&[
                "#[query(\"\")] {}: u8",
                "#[query(1)] {}: u8",
                "#[query = \"x\"] {}: u8",
                "#[query(a, b)] {}: u8",
                "#[header] {}: u8",
                "#[header(X)] {}: u8",
                "#[header = \"X\"] {}: u8",
                "#[body(x)] {}: u8",
                "#[form = 1] {}: u8",
                "#[path(\"\")] {}: u8",
                "#[path = \"x\"] {}: u8",
                "#[path(x)] {}: u8",
                "#[bogus] {}: u8",
                "#[cfg(all())] {}: u8",
                "#[doc = \"x\"] {}: u8",
                "#[clippy::x] {}: u8",
                "#[query] #[query] {}: u8",
                "#[query] #[header(\"X\")] {}: u8",
                "#[body] #[form] {}: u8",
                "#[allow(unused)] #[bogus] #[body] {}: u8",
            ]);
            params.push(broken.replace("{}", name));
        }
        if self.broken(6) {
            let broken = self.pick(&["{}", "{}: ", ": u8", "{} u8", "#[query] {}", "self", "{}: u8 = 1"]);
            params.push(broken.replace("{}", self.pick(NAMES)));
        }
        if self.bad(8) {
            let pattern = self.pick(&[
                "_",
                "(a, b)",
                "mut x",
                "ref x",
                "ref mut x",
                "x @ 1..=2",
                "&y",
                "[a, ..]",
                "S { f }",
                "S(f)",
                "1",
                "(x)",
                "(mut a, _)",
                "box x",
            ]);
            let ty = self.pick(&["(u8, u8)", "u8", "&u8", "[u8; 2]", "S"]);
            let role = self.pick(&["", "#[query] ", "#[body] ", "#[header(\"X\")] ", "#[path(\"id\")] "]);
            params.push(format!("{role}{pattern}: {ty}"));
        }

        for i in (1..params.len()).rev() {
            let j = self.rng.below(i + 1);
            params.swap(i, j);
        }
        (template, params)
    }

    fn param_type(&mut self, good: &[&'static str]) -> String {
        if self.broken(15) {
            return self.pick(&["'a", "::", "&", "<>", "u8 u8", "Vec<"]).to_owned();
        }
        let ty = if self.bad(8) { self.pick(BAD_TYPES) } else { self.pick(good) };
        self.invisible(ty)
    }

    /// `Result<T, E>`, `Result<ApiResponse<T>, E>`, with any of the pieces in invisible groups.
    fn result(&mut self) -> String {
        let ok = self.pick(OK_TYPES);
        let mut ok = self.invisible(ok);
        if self.rng.one_in(3) {
            let api_response = self.pick(API_RESPONSES);
            ok = self.invisible(&format!("{api_response}<{ok}>"));
        }
        let error = self.pick(ERROR_TYPES);
        let error = self.invisible(error);
        let path = self.pick(RESULT_PATHS);
        self.invisible(&format!("{path}<{ok}, {error}>"))
    }

    /// `ty`, sometimes marked to be wrapped in an invisible group once tokenized, as a
    /// `macro_rules!` `$t:ty` fragment reaches the macro (see [`invisible_groups`]).
    fn invisible(&mut self, ty: &str) -> String {
        if self.invisible_groups && self.rng.one_in(2) {
            format!("{INVISIBLE}!({ty})")
        } else {
            ty.to_owned()
        }
    }

    /// Occasionally adds lint attributes (kept) or doubled and unknown ones.
    fn decorate(&mut self, param: String) -> String {
        if self.rng.one_in(10) {
            return format!(
                "{} {param}",
                self.pick(&["#[allow(unused)]", "#[expect(unused)]", "#[deny(warnings)]"])
            );
        }
        if self.bad(10) {
            let extra = self.pick(&["#[query]", "#[body]", "#[path]", "#[unknown]", "#[header(\"X\")]"]);
            return format!("{extra} {param}");
        }
        param
    }
}

/// Marks a type to be put in an invisible group: `__invisible!(T)`.
const INVISIBLE: &str = "__invisible";

#[derive(Clone, Copy)]
enum Keep {
    Groups,
    /// The same declaration without the invisible groups, to compare expansions.
    Contents,
}

/// Replaces each `__invisible!(..)` with a `Delimiter::None` group of its contents. Source text
/// cannot spell such a group, but it is what `macro_rules!` fragments turn into.
fn invisible_groups(stream: TokenStream, keep: Keep) -> TokenStream {
    let mut output = Vec::new();
    let mut trees = stream.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Ident(ident) if ident == INVISIBLE => {
                let bang = trees.next();
                let Some(TokenTree::Group(group)) = trees.next() else {
                    unreachable!("`{INVISIBLE}` is always followed by `!(..)`, got {bang:?}")
                };
                let inner = invisible_groups(group.stream(), keep);
                match keep {
                    Keep::Groups => output.push(TokenTree::Group(Group::new(Delimiter::None, inner))),
                    Keep::Contents => output.extend(inner),
                }
            }
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), invisible_groups(group.stream(), keep));
                inner.set_span(group.span());
                output.push(TokenTree::Group(inner));
            }
            other => output.push(other),
        }
    }
    output.into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// One token-tree edit at a random depth: descend into a group or act on this level.
fn mutate(rng: &mut Rng, stream: TokenStream) -> TokenStream {
    let mut trees: Vec<TokenTree> = stream.into_iter().collect();
    let groups: Vec<usize> = trees
        .iter()
        .enumerate()
        .filter(|(_, tree)| matches!(tree, TokenTree::Group(_)))
        .map(|(i, _)| i)
        .collect();
    if !groups.is_empty() && !rng.one_in(3) {
        let at = rng.pick(&groups);
        let TokenTree::Group(group) = &trees[at] else { unreachable!() };
        let mut inner = Group::new(group.delimiter(), mutate(rng, group.stream()));
        inner.set_span(group.span());
        trees[at] = TokenTree::Group(inner);
        return trees.into_iter().collect();
    }

    let len = trees.len();
    match rng.below(11) {
        // Delete a token.
        0 if len > 0 => {
            trees.remove(rng.below(len));
        }
        // Duplicate one.
        1 if len > 0 => {
            let at = rng.below(len);
            trees.insert(at, trees[at].clone());
        }
        // Swap two adjacent ones.
        2 if len > 1 => {
            let at = rng.below(len - 1);
            trees.swap(at, at + 1);
        }
        // Replace an identifier or literal: the edit most likely to leave a parseable item.
        3..=6 => {
            let leaves: Vec<usize> = trees
                .iter()
                .enumerate()
                .filter(|(_, tree)| matches!(tree, TokenTree::Ident(_) | TokenTree::Literal(_)))
                .map(|(i, _)| i)
                .collect();
            if !leaves.is_empty() {
                let at = rng.pick(&leaves);
                trees[at] = match &trees[at] {
                    // Turns the trait into some other item (or a non-item).
                    TokenTree::Ident(ident) if ident == "trait" => {
                        let keyword = rng.pick(&[
                            "struct",
                            "enum",
                            "union",
                            "impl",
                            "mod",
                            "fn",
                            "type",
                            "const",
                            "static",
                            "use",
                            "extern",
                            "macro_rules",
                            "auto",
                        ]);
                        TokenTree::Ident(Ident::new(keyword, ident.span()))
                    }
                    TokenTree::Ident(_) if !rng.one_in(4) => random_ident(rng),
                    TokenTree::Literal(_) if !rng.one_in(4) => random_literal(rng),
                    _ => random_leaf(rng),
                };
            }
        }
        // Wrap a run of tokens in a group, including an invisible one (what `macro_rules!`
        // fragments arrive as).
        7 => {
            let start = rng.below(len + 1);
            let end = start + rng.below(len - start + 1);
            let inner: TokenStream = trees.drain(start..end).collect();
            let delimiter =
                rng.pick(&[Delimiter::Parenthesis, Delimiter::Bracket, Delimiter::Brace, Delimiter::None]);
            trees.insert(start, TokenTree::Group(Group::new(delimiter, inner)));
        }
        // Strip a group, keeping its contents.
        8 if !groups.is_empty() => {
            let at = rng.pick(&groups);
            let TokenTree::Group(group) = trees.remove(at) else { unreachable!() };
            for (offset, tree) in group.stream().into_iter().enumerate() {
                trees.insert(at + offset, tree);
            }
        }
        // Truncate.
        9 => trees.truncate(rng.below(len + 1)),
        // Insert a stray punctuation mark or leaf.
        _ => {
            let tree = if rng.one_in(2) {
                let (ch, spacing) = rng.pick(&[
                    (',', Spacing::Alone),
                    (';', Spacing::Alone),
                    ('#', Spacing::Alone),
                    ('&', Spacing::Alone),
                    ('!', Spacing::Alone),
                    (':', Spacing::Joint),
                    (':', Spacing::Alone),
                    ('<', Spacing::Alone),
                    ('>', Spacing::Alone),
                    ('-', Spacing::Joint),
                    ('=', Spacing::Alone),
                    ('\'', Spacing::Joint),
                    ('@', Spacing::Alone),
                    ('$', Spacing::Alone),
                ]);
                TokenTree::Punct(Punct::new(ch, spacing))
            } else {
                random_leaf(rng)
            };
            trees.insert(rng.below(len + 1), tree);
        }
    }
    trees.into_iter().collect()
}

fn random_leaf(rng: &mut Rng) -> TokenTree {
    if rng.one_in(2) {
        random_ident(rng)
    } else {
        random_literal(rng)
    }
}

fn random_ident(rng: &mut Rng) -> TokenTree {
    let span = Span::call_site();
    match rng.below(4) {
        0 => {
            let name = rng.pick(&["type", "fn", "id", "async", "match"]);
            TokenTree::Ident(Ident::new_raw(name, span))
        }
        _ => {
            let name = rng.pick(&[
                "fn",
                "async",
                "self",
                "Self",
                "_",
                "get",
                "post",
                "query",
                "body",
                "header",
                "path",
                "form",
                "trait",
                "impl",
                "mut",
                "where",
                "dyn",
                "crate",
                "super",
                "Result",
                "ApiResponse",
                "unsafe",
                "const",
                "pub",
                "await",
                "x",
                "id",
                "größe",
                "Option",
                "type",
                "static",
                "ref",
            ]);
            TokenTree::Ident(Ident::new(name, span))
        }
    }
}

fn random_literal(rng: &mut Rng) -> TokenTree {
    TokenTree::Literal(match rng.below(10) {
        0 => Literal::string("/"),
        1 => Literal::string("/{id}"),
        2 => Literal::string(""),
        3 => Literal::string("{id}"),
        4 => Literal::string("X Y"),
        5 => Literal::u8_suffixed(1),
        6 => Literal::i32_unsuffixed(-1),
        7 => Literal::character('a'),
        8 => Literal::byte_string(b"/x"),
        _ => Literal::f64_unsuffixed(1.5),
    })
}
