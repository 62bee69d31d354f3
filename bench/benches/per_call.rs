//! Runtime cost per call: the generated client against careful and naive hand-written reqwest
//! and raw hyper, all on one current-thread tokio runtime together with the loopback server; and
//! concurrent throughput, generated against careful, on a two-worker runtime.
//!
//! ```text
//! per_call verify                 check all four, and the generated client's variants, send the
//!                                 identical request (JSON out)
//! per_call calls <client> <n>     100 warm-up calls, then n calls (run under callgrind)
//! per_call allocs <n> [<client>..]   steady-state allocations per call, each client (JSON out;
//!                                 default: the four compared)
//! per_call wall <rounds> <n>      interleaved rounds of n calls per client (JSON out)
//! per_call wall <rounds> <n> control   the same with careful hand-written reqwest in the
//!                                 generated client's place too: the harness's own bias (A/A test)
//! per_call wall <rounds> <n> control <pad>   the A/A test with known extra work per call for
//!                                 the second careful client: `code-lines`, `scattered-data`,
//!                                 `ordered-data` (what a line touched costs) or `fresh-copies` (what
//!                                 copying state just written costs; `dintero_auth_bench::pad`)
//! per_call concurrent <rounds> <n>   64 tasks of n calls each on a multi-thread runtime with 2
//!                                 workers, generated and careful in alternating order (JSON out)
//! per_call concurrent <rounds> <n> control   the same with a second careful client (A/A test)
//! per_call [--bench]              a quick human-readable run of all of the above
//! ```
//!
//! `<client>` is `generated`, `careful`, `naive` or `hyper`; `careful-without-retries` (careful
//! with reqwest's retry policy off, shown for comparison only); or one of the generated client's variants:
//! `middleware-0`, `middleware-1`, `middleware-3` (that many no-op middlewares installed),
//! `tracing-off` (no subscriber, as in `generated`) and `tracing-on` (a subscriber accepting INFO
//! spans installed as the global default, so it must be the last client of its process).
//! `bench/run.sh` drives the modes and writes `BENCHMARKS.md`.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use dintero_auth::models::{AuthChallenge, ChallengeResponse};
use dintero_auth_bench::clients::{body, AnyClient, Careful, Generated, Which, AID};
use dintero_auth_bench::counting::{self, CountingAlloc};
use dintero_auth_bench::pad::Pad;
use dintero_auth_bench::server::{Server, ANSWER};
use serde_json::{json, Value};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const WARM_UP_CALLS: usize = 100;
/// Concurrent tasks in the throughput measurement.
const TASKS: usize = 64;
/// Worker threads of the throughput measurement's runtime.
const WORKERS: usize = 2;

/// What to run, from the command line.
enum Mode {
    Verify,
    Calls(Which, usize),
    Allocs(usize, Vec<Which>),
    Wall { rounds: usize, calls: usize, control: bool, pad: Option<(&'static str, Pad)> },
    Concurrent { rounds: usize, calls: usize, control: bool },
    Quick,
}

fn parse_args() -> Option<Mode> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let number = |text: &str| text.parse::<usize>().ok().filter(|&n| n > 0);
    Some(match args.as_slice() {
        ["verify"] => Mode::Verify,
        ["calls", client, n] => Mode::Calls(Which::parse(client)?, number(n)?),
        ["allocs", n, clients @ ..] => {
            let clients = if clients.is_empty() {
                Which::ALL.to_vec()
            } else {
                clients.iter().map(|c| Which::parse(c)).collect::<Option<Vec<_>>>()?
            };
            // A subscriber installed for `tracing-on` would be seen by every client built after it.
            if clients.iter().rev().skip(1).any(|&c| c == Which::TracingOn) {
                return None;
            }
            Mode::Allocs(number(n)?, clients)
        }
        ["wall", rounds, n] => {
            Mode::Wall { rounds: number(rounds)?, calls: number(n)?, control: false, pad: None }
        }
        ["wall", rounds, n, "control"] => {
            Mode::Wall { rounds: number(rounds)?, calls: number(n)?, control: true, pad: None }
        }
        ["wall", rounds, n, "control", name] => {
            let name = Pad::NAMES.into_iter().find(|known| known == name)?;
            Mode::Wall {
                rounds: number(rounds)?,
                calls: number(n)?,
                control: true,
                pad: Some((name, Pad::parse(name)?)),
            }
        }
        ["concurrent", rounds, n] => {
            Mode::Concurrent { rounds: number(rounds)?, calls: number(n)?, control: false }
        }
        ["concurrent", rounds, n, "control"] => {
            Mode::Concurrent { rounds: number(rounds)?, calls: number(n)?, control: true }
        }
        [] => Mode::Quick,
        _ => return None,
    })
}

fn main() -> ExitCode {
    let Some(mode) = parse_args() else {
        eprintln!(
            "usage: per_call [verify | calls <client> <n> | allocs <n> [<client>..] | wall <rounds> <n> [control [<pad>]]
\
             | concurrent <rounds> <n> [control]]
\
             clients: generated careful naive hyper careful-without-retries middleware-0 middleware-1 middleware-3
\
             tracing-off tracing-on
\
             (tracing-on last); pads: code-lines scattered-data ordered-data fresh-copies"
        );
        return ExitCode::from(2);
    };
    if let Mode::Concurrent { rounds, calls, control } = mode {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .enable_all()
            .build()
            .expect("tokio runtime");
        println!("{:#}", runtime.block_on(concurrent(rounds, calls, control)));
        return ExitCode::SUCCESS;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async {
        match mode {
            Mode::Verify => {
                let (report, identical) = verify().await;
                println!("{report:#}");
                if !identical {
                    eprintln!("the clients do not send the identical request");
                    return ExitCode::FAILURE;
                }
            }
            Mode::Calls(which, n) => calls(which, n).await,
            Mode::Allocs(n, clients) => println!("{:#}", allocs(n, &clients).await),
            Mode::Wall { rounds, calls, control, pad } => {
                println!("{:#}", wall(rounds, calls, control, pad).await)
            }
            Mode::Concurrent { .. } => unreachable!("run on its own runtime above"),
            Mode::Quick => return quick().await,
        }
        ExitCode::SUCCESS
    })
}

/// Sends one call from each client and variant with the server recording, and compares what
/// arrived with the generated client's request.
async fn verify() -> (Value, bool) {
    let server = Server::start().await;
    let body = body();
    let mut seen = Vec::new();
    // `Which::VARIANTS` ends with `tracing-on`, which installs its subscriber for good.
    for which in Which::ALL.into_iter().chain(Which::INFORMATIONAL).chain(Which::VARIANTS) {
        let mut client = AnyClient::new(which, &server).await;
        let future_bytes = future_bytes(&mut client, &body);
        server.record();
        black_box(client.call(&body).await);
        let mut recorded = server.take_recorded();
        assert_eq!(recorded.len(), 1, "{which}: one request per call");
        seen.push((which, recorded.remove(0), future_bytes));
    }
    let (_, reference, _) = &seen[0];
    let mut identical = true;
    let mut clients = serde_json::Map::new();
    for (which, request, future_bytes) in &seen {
        let same = request.method == reference.method
            && request.target == reference.target
            && request.body == reference.body
            && request.header_names() == reference.header_names()
            && ["authorization", "content-type", "accept", "user-agent", "content-length"]
                .iter()
                .all(|name| request.header(name) == reference.header(name));
        identical &= same;
        clients.insert(
            which.name().to_owned(),
            json!({
                "identical_to_generated": same,
                "method": request.method,
                "target": request.target,
                "headers": request.header_names(),
                "content_type": request.header("content-type"),
                "accept": request.header("accept"),
                "user_agent": request.header("user-agent"),
                "authorization_len": request.header("authorization").len(),
                "body": String::from_utf8_lossy(&request.body),
                "body_bytes": request.body.len(),
                "future_bytes": future_bytes,
            }),
        );
    }
    (json!({ "identical": identical, "answer_bytes": ANSWER.len(), "clients": clients }), identical)
}

/// The size of one call's future, which is moved into its caller's state before it runs.
fn future_bytes(client: &mut AnyClient, body: &AuthChallenge) -> usize {
    match client {
        AnyClient::Generated(c) => std::mem::size_of_val(&c.call(AID, body)),
        AnyClient::Careful(c) => std::mem::size_of_val(&c.call(AID, body)),
        AnyClient::Naive(c) => std::mem::size_of_val(&c.call(AID, body)),
        AnyClient::RawHyper(c) => std::mem::size_of_val(&c.call(AID, body)),
    }
}

/// The instruction-count run: everything but the `n` measured calls cancels out when two runs
/// with different `n` are subtracted.
async fn calls(which: Which, n: usize) {
    let server = Server::start().await;
    let mut client = AnyClient::new(which, &server).await;
    let body = body();
    for _ in 0..WARM_UP_CALLS + n {
        black_box(client.call(black_box(&body)).await);
    }
}

/// Allocations per call in the steady state, for each client in turn.
async fn allocs(n: usize, clients: &[Which]) -> Value {
    let server = Server::start().await;
    let body = body();
    let mut out = serde_json::Map::new();
    for &which in clients {
        let mut client = AnyClient::new(which, &server).await;
        for _ in 0..WARM_UP_CALLS {
            black_box(client.call(&body).await);
        }
        counting::start();
        for _ in 0..n {
            black_box(client.call(&body).await);
        }
        let counts = counting::stop();
        let per_call = |total: u64| total as f64 / n as f64;
        out.insert(
            which.name().to_owned(),
            json!({
                "calls": n,
                "client_allocs_per_call": per_call(counts.client_allocs),
                "client_bytes_per_call": per_call(counts.client_bytes),
                "server_allocs_per_call": per_call(counts.server_allocs),
                "server_bytes_per_call": per_call(counts.server_bytes),
            }),
        );
    }
    Value::Object(out)
}

/// Every order of `0..n`, so that each client runs after every other equally often.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for rest in permutations(n - 1) {
        for at in 0..=rest.len() {
            let mut order = rest.clone();
            order.insert(at, n - 1);
            out.push(order);
        }
    }
    out
}

/// Interleaved rounds: each round times `calls` calls of every client; each client's ratio to
/// careful hand-written reqwest is taken per round, so a slow moment of the machine affects both
/// sides of a ratio alike. The order cycles through all 24 permutations, so every client runs
/// after every other equally often, and one untimed call precedes each timed block: a client that
/// always ran right after another reqwest-based one would find more of its code in the caches.
/// (Measured with reqwest in two slots, these two steps bring the slot bias from about 2 % to
/// the noise.)
async fn wall(rounds: usize, calls: usize, control: bool, mut pad: Option<(&str, Pad)>) -> Value {
    let server = Server::start().await;
    let body = body();
    let mut clients = Vec::new();
    for which in Which::ALL {
        // The A/A control measures a second careful client in the generated one's place.
        let built = if control && which == Which::Generated { Which::Careful } else { which };
        let mut client = AnyClient::new(built, &server).await;
        for _ in 0..WARM_UP_CALLS {
            black_box(client.call(&body).await);
        }
        clients.push((which, client));
    }
    let orders = permutations(clients.len());
    let mut nanos = vec![Vec::with_capacity(rounds); clients.len()];
    for round in 0..rounds {
        for &index in &orders[round % orders.len()] {
            let (which, client) = &mut clients[index];
            // The control's second careful client, in the generated client's slot, does the pad's
            // work before each call; no other client has a branch for it.
            let pad = pad.as_mut().map(|(_, pad)| pad).filter(|_| *which == Which::Generated);
            black_box(client.call(black_box(&body)).await);
            let started = Instant::now();
            match pad {
                Some(pad) => {
                    for _ in 0..calls {
                        pad.touch();
                        black_box(client.call(black_box(&body)).await);
                    }
                }
                None => {
                    for _ in 0..calls {
                        black_box(client.call(black_box(&body)).await);
                    }
                }
            }
            nanos[index].push(started.elapsed().as_nanos() as f64 / calls as f64);
        }
    }
    let reference = Which::ALL.iter().position(|&w| w == Which::Careful).expect("careful is measured");
    let mut out = serde_json::Map::new();
    for (index, (which, _)) in clients.iter().enumerate() {
        let ratios: Vec<f64> = nanos[index].iter().zip(&nanos[reference]).map(|(a, b)| a / b).collect();
        out.insert(
            which.name().to_owned(),
            json!({
                "median_ns_per_call": median(&nanos[index]),
                "median_ratio_to_careful": median(&ratios),
                "quartile_ratios": [quantile(&ratios, 0.25), quantile(&ratios, 0.75)],
                "ns_per_call_by_round": nanos[index],
            }),
        );
    }
    let pad = pad.map(|(name, _)| name);
    json!({ "rounds": rounds, "calls_per_round": calls, "control": control, "pad": pad, "clients": out })
}

/// A client the concurrent tasks share.
#[derive(Clone)]
enum Shared {
    Generated(Arc<Generated>),
    Careful(Arc<Careful>),
}

impl Shared {
    async fn call(&self, body: &AuthChallenge) -> ChallengeResponse {
        match self {
            Shared::Generated(c) => c.call(AID, body).await,
            Shared::Careful(c) => c.call(AID, body).await,
        }
    }
}

/// [`TASKS`] tasks of `calls` calls each, all started at once; nanoseconds per call.
async fn block(client: &Shared, body: &Arc<AuthChallenge>, calls: usize) -> f64 {
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (client, body) = (client.clone(), Arc::clone(body));
            tokio::spawn(async move {
                for _ in 0..calls {
                    black_box(client.call(black_box(&body)).await);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("call task");
    }
    started.elapsed().as_nanos() as f64 / (TASKS * calls) as f64
}

/// Concurrent throughput on a multi-thread runtime ([`WORKERS`] workers, which also run the
/// loopback server): each round times one block of [`TASKS`] tasks × `calls` calls per client,
/// generated (A) and careful (B), the order alternating (A B, B A, A B, ...) so neither always
/// runs first; the per-round ratio A / B of time per call is the figure. With `control`, A is a
/// second careful client: the A/A band.
async fn concurrent(rounds: usize, calls: usize, control: bool) -> Value {
    let server = Server::start().await;
    let base = server.base_url();
    let a = if control {
        Shared::Careful(Arc::new(Careful::new(&base)))
    } else {
        Shared::Generated(Arc::new(Generated::new(&base)))
    };
    let b = Shared::Careful(Arc::new(Careful::new(&base)));
    let body = Arc::new(body());
    // Warm-up: each pool opens its connections.
    for client in [&a, &b] {
        for _ in 0..3 {
            block(client, &body, calls).await;
        }
    }
    let (mut a_ns, mut b_ns) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for round in 0..rounds {
        if round % 2 == 0 {
            a_ns.push(block(&a, &body, calls).await);
            b_ns.push(block(&b, &body, calls).await);
        } else {
            b_ns.push(block(&b, &body, calls).await);
            a_ns.push(block(&a, &body, calls).await);
        }
    }
    let ratios: Vec<f64> = a_ns.iter().zip(&b_ns).map(|(a, b)| a / b).collect();
    let calls_per_second = |ns: &[f64]| 1e9 / median(ns);
    json!({
        "rounds": rounds,
        "tasks": TASKS,
        "workers": WORKERS,
        "calls_per_task": calls,
        "control": control,
        "a": if control { "careful (second client)" } else { "generated" },
        "b": "careful",
        "a_calls_per_second": calls_per_second(&a_ns),
        "b_calls_per_second": calls_per_second(&b_ns),
        "median_ratio": median(&ratios),
        "quartile_ratios": [quantile(&ratios, 0.25), quantile(&ratios, 0.75)],
    })
}

fn median(values: &[f64]) -> f64 {
    quantile(values, 0.5)
}

/// The `q` quantile, interpolating between the two nearest values.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// What `cargo bench` runs: a short version of every measurement but the instruction counts.
async fn quick() -> ExitCode {
    let (report, identical) = verify().await;
    println!("identical request from all four clients: {identical}");
    if !identical {
        eprintln!("{report:#}");
        return ExitCode::FAILURE;
    }
    let allocs = allocs(1000, &Which::ALL).await;
    let wall = wall(120, 50, false, None).await;
    println!(
        "{:<10} {:>14} {:>14} {:>12} {:>16}",
        "client", "allocs/call", "bytes/call", "µs/call", "ratio to careful"
    );
    for which in Which::ALL {
        let a = &allocs[which.name()];
        let w = &wall["clients"][which.name()];
        println!(
            "{:<10} {:>14.1} {:>14.0} {:>12.1} {:>16.3}",
            which.name(),
            a["client_allocs_per_call"].as_f64().unwrap_or(f64::NAN),
            a["client_bytes_per_call"].as_f64().unwrap_or(f64::NAN),
            w["median_ns_per_call"].as_f64().unwrap_or(f64::NAN) / 1000.0,
            w["median_ratio_to_careful"].as_f64().unwrap_or(f64::NAN),
        );
    }
    println!("(quick run; `bench/run.sh` measures instructions and longer rounds into BENCHMARKS.md)");
    ExitCode::SUCCESS
}
