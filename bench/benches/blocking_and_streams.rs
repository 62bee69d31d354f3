//! The blocking client's cost per call next to the async client's, and the memory a 100 MiB
//! streamed download and upload take. Prints one JSON object; `bench/blocking-and-streams.sh`
//! runs it and BENCHMARKS.md quotes it.
//!
//! ```text
//! blocking_and_streams [rounds] [calls]   default: 9 rounds of 2000 calls per client
//! ```
//!
//! Every client calls the same loopback server, which runs on a runtime of its own (a blocking
//! client cannot share the caller's thread with it). The async client is driven the way a
//! careful async program would: one current-thread runtime running a loop of `.await`s. The
//! blocking client is called in a plain loop, and so is the baseline a careful engineer would
//! write by hand for synchronous code: `reqwest::blocking` with the `Authorization` value built
//! once, the URL parsed once, `serde_json::to_vec` and `from_slice`. Rounds alternate, and the
//! median round is reported.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use dintero_auth::prelude::*;
use dintero_auth::ByteStream;
use dintero_auth_bench::clients::{body, AID, JWT};
use dintero_auth_bench::server::Server;
use dintero_auth_tests::streaming::{PatternReader, StreamServer};
use serde_json::json;

/// The system allocator, counting allocations and tracking live bytes and their peak.
struct Tracking;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        grew(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Tracking = Tracking;

const STREAM_BYTES: u64 = 100 * 1024 * 1024;

#[dintero_auth::api]
pub trait Transfers {
    #[get("/pattern/{size}")]
    async fn download(&self, size: u64) -> Result<ByteStream, dintero_auth::Error>;

    #[put("/files/{name}")]
    async fn upload(&self, name: &str, #[body(stream)] data: ByteStream) -> Result<(), dintero_auth::Error>;
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let rounds = args.first().copied().unwrap_or(9);
    let calls = args.get(1).copied().unwrap_or(2000);

    // The servers' runtime: two workers, never entered by this thread.
    let servers = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (server, streams) = servers.block_on(async { (Server::start().await, StreamServer::start().await) });

    let per_call = per_call(&server.base_url(), rounds, calls);
    let streams = stream_memory(&streams.base_url());
    let report =
        json!({ "rounds": rounds, "calls_per_round": calls, "per_call": per_call, "streams": streams });
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    servers.shutdown_background();
}

/// Median wall time and allocations per call, async and blocking.
fn per_call(base_url: &str, rounds: usize, calls: usize) -> serde_json::Value {
    let builder = || dintero_auth::builder().base_url(base_url).bearer_token(JWT);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let async_api = runtime.block_on(async { builder().build().unwrap().challenge_api() });
    let blocking_api = builder().build_blocking().unwrap().challenge_api();
    let request = body();

    let run_async = |n: usize| {
        runtime.block_on(async {
            for _ in 0..n {
                std::hint::black_box(async_api.aid_auth_mfa_challenge_post(AID, &request).await.unwrap());
            }
        })
    };
    let run_blocking = |n: usize| {
        for _ in 0..n {
            std::hint::black_box(blocking_api.aid_auth_mfa_challenge_post(AID, &request).unwrap());
        }
    };
    let by_hand = HandWrittenBlocking::new(base_url);
    let run_by_hand = |n: usize| {
        for _ in 0..n {
            std::hint::black_box(by_hand.call(&request));
        }
    };
    // Warm the pools and every lazily built static.
    run_async(200);
    run_blocking(200);
    run_by_hand(200);

    let (mut async_us, mut blocking_us, mut by_hand_us) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        async_us.push(micros_per_call(calls, || run_async(calls)));
        blocking_us.push(micros_per_call(calls, || run_blocking(calls)));
        by_hand_us.push(micros_per_call(calls, || run_by_hand(calls)));
    }
    let (async_us, blocking_us, by_hand_us) = (median(async_us), median(blocking_us), median(by_hand_us));
    json!({
        "async_us": async_us,
        "blocking_us": blocking_us,
        "reqwest_blocking_us": by_hand_us,
        "blocking_over_async": blocking_us / async_us,
        "blocking_over_reqwest_blocking": blocking_us / by_hand_us,
        "async_allocations": allocations_per_call(calls, || run_async(calls)),
        "blocking_allocations": allocations_per_call(calls, || run_blocking(calls)),
        "reqwest_blocking_allocations": allocations_per_call(calls, || run_by_hand(calls)),
    })
}

/// `reqwest::blocking` written carefully: what a synchronous program would use without `#[api]`.
struct HandWrittenBlocking {
    http: reqwest::blocking::Client,
    url: reqwest::Url,
    auth: reqwest::header::HeaderValue,
}

impl HandWrittenBlocking {
    fn new(base_url: &str) -> Self {
        let http = reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap();
        let url = format!("{base_url}/accounts/{AID}/auth/mfa/challenge").parse().unwrap();
        let mut auth = reqwest::header::HeaderValue::from_str(&format!("Bearer {JWT}")).unwrap();
        auth.set_sensitive(true);
        Self { http, url, auth }
    }

    fn call(&self, request: &dintero_auth::models::AuthChallenge) -> dintero_auth::models::ChallengeResponse {
        let response = self
            .http
            .post(self.url.clone())
            .header(reqwest::header::AUTHORIZATION, self.auth.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(serde_json::to_vec(request).unwrap())
            .send()
            .unwrap();
        assert!(response.status().is_success());
        serde_json::from_slice(&response.bytes().unwrap()).unwrap()
    }
}

fn micros_per_call(calls: usize, run: impl FnOnce()) -> f64 {
    let started = Instant::now();
    run();
    started.elapsed().as_secs_f64() * 1e6 / calls as f64
}

/// Allocations of the whole process (client, its runtime, and the server) per call.
fn allocations_per_call(calls: usize, run: impl FnOnce()) -> f64 {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    run();
    (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / calls as f64
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Peak heap rise and throughput of a 100 MiB download and upload through generated methods.
fn stream_memory(base_url: &str) -> serde_json::Value {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let api = TransfersClient::new(dintero_auth::Client::builder().base_url(base_url).build().unwrap());
        api.upload("warm", ByteStream::from_reader(PatternReader::new(1))).await.unwrap();

        let (start, started) = (reset_peak(), Instant::now());
        let mut stream = api.download(STREAM_BYTES).await.unwrap();
        let mut bytes = 0;
        while let Some(chunk) = stream.next_chunk().await {
            bytes += chunk.unwrap().len() as u64;
        }
        assert_eq!(bytes, STREAM_BYTES);
        let download = (PEAK.load(Ordering::Relaxed) - start, started.elapsed().as_secs_f64());

        let (start, started) = (reset_peak(), Instant::now());
        api.upload("big", ByteStream::from_reader(PatternReader::new(STREAM_BYTES))).await.unwrap();
        let upload = (PEAK.load(Ordering::Relaxed) - start, started.elapsed().as_secs_f64());

        let mib = |seconds: f64| STREAM_BYTES as f64 / (1024.0 * 1024.0) / seconds;
        json!({
            "bytes": STREAM_BYTES,
            "download_peak_rise_bytes": download.0,
            "download_mib_per_s": mib(download.1),
            "upload_peak_rise_bytes": upload.0,
            "upload_mib_per_s": mib(upload.1),
        })
    })
}

/// Starts a peak measurement at the live bytes now; returns them.
fn reset_peak() -> usize {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}
