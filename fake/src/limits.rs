//! What the fake reads and keeps at most, whatever clients send, so a long-running fake's
//! memory has a known ceiling. The crate docs' "Limits" section adds these up.

/// The largest request head (request line and headers) the fake reads. A longer one gets
/// `431 Request Header Fields Too Large`, the connection is closed, and the request is not
/// logged or counted.
pub const MAX_REQUEST_HEAD_BYTES: usize = 16 * 1024;

/// How many requests [`FakeServer::requests`](crate::FakeServer::requests) keeps; older
/// ones are forgotten (still counted by `request_count`).
pub const MAX_LOGGED_REQUESTS: usize = 10_000;

/// How much of a method a [`RequestRecord`](crate::RequestRecord) keeps. Every standard
/// method fits; a longer one is cut and the record marked `truncated`.
pub const MAX_LOGGED_METHOD_BYTES: usize = 32;

/// How much of a path a [`RequestRecord`](crate::RequestRecord) keeps. Every path the fake
/// serves fits unless its account id is very long; a longer one is cut and the record
/// marked `truncated`.
pub const MAX_LOGGED_PATH_BYTES: usize = 256;

/// How many deliveries [`FakeServer::outbox`](crate::FakeServer::outbox) keeps per user and
/// channel; older ones are forgotten.
pub const MAX_OUTBOX_LEN: usize = 1_000;

/// How many `mfa_token`s, and separately how many `oob_code`s and how many access tokens, the
/// fake remembers. Past this, issuing one forgets the one that expires soonest (it then
/// answers as unknown), so only a flood of logins within one token lifetime ever reaches it.
pub const MAX_REMEMBERED_CODES: usize = 50_000;
