//! Server-controlled text made safe to print: one bounded line, no control characters.

use std::fmt::Write as _;

/// `text` cut to `max_chars` characters (an ellipsis marks the cut), with every character that
/// could move a terminal's cursor, end a log line or reorder what is shown escaped as
/// `\u{…}`: C0 and C1 controls (ESC, BEL, CR, LF, NEL), DEL, the Unicode line and paragraph
/// separators, and the bidirectional overrides and isolates.
pub(crate) fn one_line(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 2));
    for (shown, ch) in text.chars().enumerate() {
        if shown == max_chars {
            out.push('…');
            break;
        }
        if is_unsafe(ch) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(ch));
        } else {
            out.push(ch);
        }
    }
    out
}

fn is_unsafe(ch: char) -> bool {
    ch.is_control()
        || matches!(ch, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_length_bounded() {
        let hostile = "a\u{1b}[2Jb\u{7}c\rd\ne\u{2028}f\u{85}g\u{202e}h\u{7f}";
        let shown = one_line(hostile, 100);
        assert_eq!(shown, "a\\u{1b}[2Jb\\u{7}c\\u{d}d\\u{a}e\\u{2028}f\\u{85}g\\u{202e}h\\u{7f}");
        assert!(!shown.chars().any(is_unsafe));
        assert_eq!(one_line(&"x".repeat(200_000), 64).chars().count(), 65);
        assert_eq!(one_line("æøå", 2), "æø…");
    }
}
