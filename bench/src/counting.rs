//! A counting global allocator, and the flag that books the server's allocations apart.
//!
//! The benchmark binary installs [`CountingAlloc`] with `#[global_allocator]`. Everything runs on
//! one thread, so "the server is being polled right now" is a plain flag set by
//! [`crate::server`]'s task wrapper, and every allocation made while it is set is the server's.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// [`System`], counting calls and bytes. A `realloc` counts as one allocation of its new size.
pub struct CountingAlloc;

static CLIENT_ALLOCS: AtomicU64 = AtomicU64::new(0);
static CLIENT_BYTES: AtomicU64 = AtomicU64::new(0);
static SERVER_ALLOCS: AtomicU64 = AtomicU64::new(0);
static SERVER_BYTES: AtomicU64 = AtomicU64::new(0);
static IN_SERVER: AtomicBool = AtomicBool::new(false);
/// Off except while allocations are being measured: the counters' atomic additions would
/// otherwise slow every allocation of the wall-time and instruction runs.
static COUNTING: AtomicBool = AtomicBool::new(false);

fn count(bytes: usize) {
    if !COUNTING.load(Relaxed) {
        return;
    }
    let (allocs, total) = if IN_SERVER.load(Relaxed) {
        (&SERVER_ALLOCS, &SERVER_BYTES)
    } else {
        (&CLIENT_ALLOCS, &CLIENT_BYTES)
    };
    allocs.fetch_add(1, Relaxed);
    total.fetch_add(bytes as u64, Relaxed);
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded from our caller, who upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: as in `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: as in `alloc`; `ptr` and `layout` come from this allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as in `alloc`; `ptr` and `layout` come from this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Allocation counts between [`start`] and [`stop`], split between clients and server.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub client_allocs: u64,
    pub client_bytes: u64,
    pub server_allocs: u64,
    pub server_bytes: u64,
}

/// Zeroes the counters and starts counting.
pub fn start() {
    for counter in [&CLIENT_ALLOCS, &CLIENT_BYTES, &SERVER_ALLOCS, &SERVER_BYTES] {
        counter.store(0, Relaxed);
    }
    COUNTING.store(true, Relaxed);
}

/// Stops counting and returns the counts since [`start`].
pub fn stop() -> Counts {
    COUNTING.store(false, Relaxed);
    Counts {
        client_allocs: CLIENT_ALLOCS.load(Relaxed),
        client_bytes: CLIENT_BYTES.load(Relaxed),
        server_allocs: SERVER_ALLOCS.load(Relaxed),
        server_bytes: SERVER_BYTES.load(Relaxed),
    }
}

/// Books allocations to the server while `f` runs (nesting-safe).
pub(crate) fn as_server<R>(f: impl FnOnce() -> R) -> R {
    let was = IN_SERVER.swap(true, Relaxed);
    let result = f();
    IN_SERVER.store(was, Relaxed);
    result
}
