//! Shared pieces of the benchmarks in `benches/`: the loopback server, the three clients being
//! compared, and the counters that tell the clients' cost apart from the server's.
//!
//! Not published; run everything through `bench/run.sh` (see `BENCHMARKS.md`).

pub mod clients;
pub mod counting;
pub mod pad;
pub mod server;
