//! Splitting and trimming text at ASCII delimiters, with no way to panic.
//!
//! `str`'s own `split_once(':')` and friends carry bounds checks whose panic messages pull
//! Rust's formatting machinery into the wasm: about 4 KB of every download. Delimiters here
//! are always ASCII, so these work on bytes and slice with `str::get`, which cannot panic.

/// `(before, after)` the first `delimiter`.
pub fn split_once(text: &str, delimiter: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == delimiter)?;
    Some((cut(text, 0, at), cut(text, at + 1, text.len())))
}

/// `(before, after)` the last `delimiter`.
pub fn rsplit_once(text: &str, delimiter: u8) -> Option<(&str, &str)> {
    let at = text.bytes().rposition(|b| b == delimiter)?;
    Some((cut(text, 0, at), cut(text, at + 1, text.len())))
}

/// The pieces of `text` between `delimiter`s (all of `text` when there is none).
pub fn split(text: &str, delimiter: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    core::iter::from_fn(move || {
        let current = rest?;
        let (piece, after) = split_once(current, delimiter).map_or((current, None), |(p, a)| (p, Some(a)));
        rest = after;
        Some(piece)
    })
}

/// `text` up to the first byte for which `stop` holds.
pub fn until(text: &str, stop: impl Fn(u8) -> bool) -> &str {
    cut(text, 0, text.bytes().position(stop).unwrap_or(text.len()))
}

/// The decimal digits, in order.
pub const DIGITS: &str = "0123456789";

/// At most the first `max` bytes of `text`, cut at a character boundary.
pub fn prefix(text: &str, max: usize) -> &str {
    let end = (0..=max.min(text.len())).rev().find(|&end| text.is_char_boundary(end)).unwrap_or(0);
    cut(text, 0, end)
}

/// `text` without any `byte` at its start.
pub fn trim_start(text: &str, byte: u8) -> &str {
    cut(text, text.bytes().position(|b| b != byte).unwrap_or(text.len()), text.len())
}

/// `text` without any `byte` at its end.
pub fn trim_end(text: &str, byte: u8) -> &str {
    cut(text, 0, text.bytes().rposition(|b| b != byte).map_or(0, |last| last + 1))
}

/// `text[start..end]`; empty when that is not a slice of `text` (never, for the indices of
/// ASCII bytes that the functions above pass).
fn cut(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn splits_at_the_first_or_last_delimiter() {
        assert_eq!(split_once("a.b.c", b'.'), Some(("a", "b.c")));
        assert_eq!(rsplit_once("a.b.c", b'.'), Some(("a.b", "c")));
        assert_eq!(split_once("abc", b'.'), None);
        assert_eq!(split_once("é:ü", b':'), Some(("é", "ü")));
    }

    #[test]
    fn splits_into_every_piece() {
        assert_eq!(split("07:28:00", b':').collect::<Vec<_>>(), ["07", "28", "00"]);
        assert_eq!(split("a  b", b' ').collect::<Vec<_>>(), ["a", "", "b"]);
        assert_eq!(split("", b' ').collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn trims_and_cuts() {
        assert_eq!(trim_start("..pdf", b'.'), "pdf");
        assert_eq!(trim_end("http://h/api//", b'/'), "http://h/api");
        assert_eq!(trim_end("///", b'/'), "");
        assert_eq!(until("host:8080/x", |b| b == b':' || b == b'/'), "host");
        assert_eq!(until("host", |b| b == b':'), "host");
        assert_eq!(prefix("abcdef", 3), "abc");
        assert_eq!(prefix("ab", 3), "ab");
        assert_eq!(prefix("aé", 2), "a");
    }
}
