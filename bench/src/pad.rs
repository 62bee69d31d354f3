//! Known extra work per call, added to the A/A control's second careful client
//! (`per_call wall <rounds> <n> control <pad>`), to measure what one more line of code or data
//! that a call touches costs on this machine. BENCHMARKS.md (*Where the wall time goes*) uses it
//! to weigh the lines of code the generated client runs beyond careful's, and the copies of
//! freshly built state (a future moved right after it is built) that it makes beyond careful's.

use std::hint::black_box;

/// Lines touched by each pad: about what the generated client touches beyond careful.
const CODE_LINES: usize = 120;
const DATA_LINES: usize = 200;
/// The data pads' lines lie in this many (256 KiB: more than L1, less than L2).
const DATA_SPAN: usize = 4096;
const LINE: usize = 64;

/// What a pad adds to each call.
pub enum Pad {
    /// 120 jumps, each to the start of the next 64-byte line of code.
    CodeLines,
    /// 200 lines of a 256 KiB buffer, read and written in a fixed scattered order.
    ScatteredData(Data),
    /// The same number of lines in address order, which the prefetcher sees coming: the cost of
    /// the loop itself.
    OrderedData(Data),
    /// 8 values of 512 bytes, each written word by word and at once copied whole (twice: into a
    /// temporary and on), as a future's state is when it is built and then moved: what such
    /// copies cost, since the copy's wide loads wait for the narrow stores just made.
    FreshCopies(Box<[[u64; 64]; 2]>),
}

/// A buffer and the order its lines are touched in.
pub struct Data {
    bytes: Vec<u8>,
    lines: Vec<usize>,
}

impl Pad {
    /// The pads, by name.
    pub const NAMES: [&'static str; 4] = ["code-lines", "scattered-data", "ordered-data", "fresh-copies"];

    /// One of [`Pad::NAMES`]; `code-lines` on x86-64 only.
    pub fn parse(name: &str) -> Option<Pad> {
        let bytes = vec![0; DATA_SPAN * LINE];
        match name {
            "code-lines" if cfg!(target_arch = "x86_64") => Some(Pad::CodeLines),
            "scattered-data" => {
                // A fixed pseudo-random walk (a linear congruential sequence): no stride to predict.
                let lines = std::iter::successors(Some(1u64), |x| Some((x * 2_654_435_761 + 12_345) % 4093))
                    .skip(1)
                    .take(DATA_LINES)
                    .map(|x| x as usize)
                    .collect();
                Some(Pad::ScatteredData(Data { bytes, lines }))
            }
            "ordered-data" => Some(Pad::OrderedData(Data { bytes, lines: (0..DATA_LINES).collect() })),
            "fresh-copies" => Some(Pad::FreshCopies(Box::new([[0; 64]; 2]))),
            _ => None,
        }
    }

    /// Does the pad's work once.
    pub fn touch(&mut self) {
        match self {
            Pad::CodeLines => jump_through_code_lines(),
            Pad::ScatteredData(data) | Pad::OrderedData(data) => {
                for &line in &data.lines {
                    let byte = &mut data.bytes[line * LINE];
                    *byte = black_box(*byte).wrapping_add(1);
                }
                black_box(&mut data.bytes);
            }
            Pad::FreshCopies(into) => copy_fresh_values(into),
        }
    }
}

/// How many fresh 512-byte values [`Pad::FreshCopies`] copies per call.
const FRESH_COPIES: usize = 8;

#[inline(never)]
fn copy_fresh_values(into: &mut [[u64; 64]; 2]) {
    for copy in 0..FRESH_COPIES {
        let mut value = [0u64; 64];
        for (i, word) in value.iter_mut().enumerate() {
            *word = black_box(i + copy) as u64;
        }
        into[copy % 2] = black_box(value);
    }
    black_box(into);
}

#[cfg(target_arch = "x86_64")]
#[inline(never)]
fn jump_through_code_lines() {
    // SAFETY: only jumps forward within the block; touches no register, memory or flags.
    unsafe {
        std::arch::asm!(".rept {n}", "jmp 2f", ".p2align 6", "2:", ".endr", n = const CODE_LINES, options(nomem, nostack, preserves_flags));
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn jump_through_code_lines() {
    unreachable!("`code-lines` is offered on x86-64 only")
}
