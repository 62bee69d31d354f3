//! Arbitrary status, `Retry-After` and body through every response-handling path.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Layout: 2 bytes of status, 1 byte of Retry-After length, the header value, the body.
    let Some((&[high, low, len], rest)) = data.split_first_chunk::<3>() else { return };
    let status = 100 + u16::from_be_bytes([high, low]) % 500;
    let (retry_after, body) = rest.split_at(usize::from(len).min(rest.len()));
    dintero_auth::__private::fuzz_dintero_response(status, retry_after, body);
});
