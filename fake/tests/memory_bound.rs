//! The request log's memory has the ceiling the crate docs state, whatever methods and paths
//! clients send. Measured with a counting allocator, so this binary holds this one test:
//! another test running alongside would move the count.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use dintero_auth_fake::{RequestRecord, MAX_LOGGED_METHOD_BYTES, MAX_LOGGED_PATH_BYTES, MAX_LOGGED_REQUESTS};
use support::Fake;

/// Counts the bytes currently allocated by the whole process.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract for `dealloc` is passed on as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract for `realloc` is passed on as is.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The crate docs' figure for the whole log: "under 4 MB".
const DOCUMENTED_LOG_BYTES: usize = 4_000_000;
/// The crate docs' figure for one record: "at most 344 bytes a record".
const DOCUMENTED_RECORD_BYTES: usize = 344;

/// A method and a path each many times what a record keeps. (Heads near
/// `MAX_REQUEST_HEAD_BYTES` would show the same, only slower: `http_rules.rs` sends one.)
fn long_request(i: usize) -> (reqwest::Method, String) {
    let method = format!("M{i}{}", "X".repeat(1_000));
    let path = format!("/v1/{i}/{}", "p".repeat(3_000));
    (reqwest::Method::from_bytes(method.as_bytes()).expect("a valid method"), path)
}

async fn send(fake: &Fake, i: usize) {
    let (method, path) = long_request(i);
    let url = format!("http://{}{path}", fake.server.addr());
    let response = fake.http.request(method, url).send().await.expect("the fake answers");
    assert_eq!(response.status(), 404);
    response.bytes().await.expect("the body");
}

#[tokio::test(flavor = "current_thread")]
async fn long_methods_and_paths_keep_the_log_under_its_documented_bound() {
    assert!(
        std::mem::size_of::<RequestRecord>() + MAX_LOGGED_METHOD_BYTES + MAX_LOGGED_PATH_BYTES
            <= DOCUMENTED_RECORD_BYTES
    );
    let fake = Fake::start().await;
    // Warm up the connection, its buffers and the runtime, so the baseline is steady.
    for i in 0..10 {
        send(&fake, i).await;
    }
    let baseline = LIVE_BYTES.load(Ordering::Relaxed);

    // More than the log keeps, so it fills up and then forgets.
    let sent = MAX_LOGGED_REQUESTS + 500;
    for i in 10..sent {
        send(&fake, i).await;
    }
    let grown = LIVE_BYTES.load(Ordering::Relaxed).saturating_sub(baseline);

    assert!(
        grown < DOCUMENTED_LOG_BYTES,
        "the process kept {grown} more bytes after {sent} requests; the log should stay under \
         {DOCUMENTED_LOG_BYTES}"
    );
    let log = fake.server.requests();
    assert_eq!(log.len(), MAX_LOGGED_REQUESTS);
    assert_eq!(fake.server.request_count(), sent);
    for record in &log {
        assert!(record.truncated, "{record:?}");
        assert_eq!(record.method.len(), MAX_LOGGED_METHOD_BYTES);
        assert_eq!(record.path.len(), MAX_LOGGED_PATH_BYTES);
    }
}
