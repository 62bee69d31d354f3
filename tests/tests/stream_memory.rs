//! A 100 MiB download and a 100 MiB upload through generated methods keep memory flat: the
//! process's peak heap while moving them stays a few chunks above where it started. Alone in its
//! binary, since the allocator it counts with is global.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use dintero_auth::{ByteStream, Client, Error};
use dintero_auth_tests::streaming::{PatternReader, StreamServer};
use serde::Deserialize;

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `work` and returns how far the heap's peak rose above the live bytes at the start.
async fn peak_rise<T>(work: impl std::future::Future<Output = T>) -> (T, usize) {
    let start = LIVE.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let out = work.await;
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(start))
}

const SIZE: u64 = 100 * 1024 * 1024;
/// Allowed rise: a few 64 KiB chunks in flight on each side, buffers of hyper and the socket.
const FLAT: usize = 4 * 1024 * 1024;

#[derive(Deserialize)]
pub struct Receipt {
    bytes: u64,
    pattern: bool,
}

#[dintero_auth::api]
pub trait Transfers {
    #[get("/pattern/{size}")]
    async fn download(&self, size: u64) -> Result<ByteStream, Error>;

    #[put("/files/{name}")]
    async fn upload(&self, name: &str, #[body(stream)] data: ByteStream) -> Result<Receipt, Error>;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_100_mib_each_way_keeps_memory_flat() {
    let server = StreamServer::start().await;
    let client = Client::builder().base_url(server.base_url()).build().unwrap();
    let api = TransfersClient::new(client);
    // Warm the connection pool and lazily built statics outside the measurement.
    api.upload("warm", ByteStream::from_reader(PatternReader::new(1))).await.unwrap();

    let (bytes, rise) = peak_rise(async {
        let mut stream = api.download(SIZE).await.unwrap();
        let mut bytes = 0u64;
        while let Some(chunk) = stream.next_chunk().await {
            bytes += chunk.unwrap().len() as u64;
        }
        bytes
    })
    .await;
    assert_eq!(bytes, SIZE);
    println!("download of {SIZE} bytes: peak heap rise {rise} bytes");
    assert!(rise < FLAT, "download: peak heap rose by {rise} bytes");

    let (receipt, rise) =
        peak_rise(api.upload("big", ByteStream::from_reader(PatternReader::new(SIZE)))).await;
    let receipt = receipt.unwrap();
    assert_eq!((receipt.bytes, receipt.pattern), (SIZE, true));
    println!("upload of {SIZE} bytes: peak heap rise {rise} bytes");
    assert!(rise < FLAT, "upload: peak heap rose by {rise} bytes");

    // The check can fail: a buffered read of the same body rises by its whole size.
    let (bytes, rise) = peak_rise(async {
        let stream = api.download(SIZE / 10).await.unwrap();
        let mut all = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut stream.into_reader(), &mut all).await.unwrap();
        all.len() as u64
    })
    .await;
    assert_eq!(bytes, SIZE / 10);
    assert!(rise > (SIZE / 10) as usize, "a buffered read rose by only {rise} bytes");
}
