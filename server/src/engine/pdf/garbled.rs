//! How much of a text reads as garbage rather than as words and numbers. A font with no usable
//! map from its glyphs to Unicode (a Type3 font whose glyphs have made-up names, a subset
//! without a ToUnicode map) gives its glyph codes instead of its letters, and they read as
//! punctuation with stray letters and digits ("-BJC=79!/IA69F*"), or as characters that name
//! no text at all (private-use code points, control characters, U+FFFD). A page whose text
//! layer reads so is read by OCR too, and the reading with more letters and less garbage is
//! kept ([`super::read`]).
//!
//! The judgement is by words. A word is text when letters make up at least half of what is not
//! digits in it, once opening and closing punctuation are set aside (a Chinese line has no
//! spaces between its words and figures: "开票日期：2024年3月12日"), or when it is a number
//! ("1,250.00", "-4%", "12/03/2024", "2007T12:34:56", "A4"). Any script's letters count, and
//! so do symbols (arrows, shapes, dingbats, emoji): they are what the document shows. A lone
//! sign (a dash, an ampersand, "%" after a French figure) counts for neither side, and a run of
//! leader dots or underscores (a table of contents, a form's blank) separates words.

/// Text with fewer characters than this (spaces and lone signs aside) is too little to judge.
const MIN_CHARS: usize = 40;

/// What a text holds, in characters, spaces and lone signs aside.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Reading {
    /// The characters judged.
    chars: usize,
    /// Those in words that are not text, or that name no text.
    garbage: usize,
    /// Letters and symbols, wherever they are.
    letters: usize,
}

/// A text layer with at least this share of garbage is read by OCR too. The pages of the 64
/// documents in `bench/real/` measure under 0.06; the pages of pdf.js's TAMReview.pdf whose body
/// fonts have no map, 0.13 to 0.48 (they keep their headings and figures' labels).
const SUSPECT_SHARE: f64 = 0.15;

/// A text with at least this share of garbage reads mostly as garbage: kept because OCR reads
/// its page no better (a script the OCR does not read), it is still low confidence.
const GARBAGE_SHARE: f64 = 0.4;

impl Reading {
    /// The share of the characters that are garbage; `None` when there is too little text to
    /// judge.
    fn garbage_share(&self) -> Option<f64> {
        (self.chars >= MIN_CHARS).then(|| self.garbage as f64 / self.chars as f64)
    }

    /// Whether this much garbage makes a text layer worth reading by OCR too.
    pub fn is_suspect(&self) -> bool {
        self.garbage_share().is_some_and(|share| share >= SUSPECT_SHARE)
    }

    /// Whether this much garbage makes a text read mostly as garbage.
    pub fn is_mostly_garbage(&self) -> bool {
        self.garbage_share().is_some_and(|share| share >= GARBAGE_SHARE)
    }

    /// Whether this reading of a page is better than `other`: a quarter more letters or more,
    /// and at most half the share of garbage. A page of formulas or of another script reads no
    /// better by OCR, and keeps its text layer.
    pub fn is_better_than(&self, other: &Reading) -> bool {
        let shares = self.garbage_share().zip(other.garbage_share());
        self.letters * 4 >= other.letters * 5 && shares.is_some_and(|(this, that)| this * 2.0 <= that)
    }
}

/// What `texts` hold, taken together.
pub fn read<'a>(texts: impl IntoIterator<Item = &'a str>) -> Reading {
    let mut reading = Reading::default();
    for word in texts.into_iter().flat_map(str::split_whitespace).flat_map(BetweenLeaders) {
        let Counts { length, letters, digits, no_text } = Counts::of(word);
        reading.letters += letters;
        // Opening and closing punctuation are neither letters nor digits.
        let core = word.trim_start_matches(is_opening).trim_end_matches(is_closing);
        let core_length = core.chars().count();
        let is_text = match core_length {
            0 => continue,
            // A lone letter or digit is text, a lone sign neither.
            1 if no_text == 0 && letters + digits == 0 => continue,
            1 => no_text == 0,
            _ => (letters > 0 && letters * 2 >= core_length - digits) || is_number(core),
        };
        reading.chars += length;
        reading.garbage += if is_text { no_text } else { length };
    }
    reading
}

/// A word's characters, counted.
#[derive(Default)]
struct Counts {
    length: usize,
    letters: usize,
    digits: usize,
    no_text: usize,
}

impl Counts {
    fn of(word: &str) -> Counts {
        let mut counts = Counts::default();
        for c in word.chars() {
            counts.length += 1;
            counts.letters += usize::from(is_letter(c));
            counts.digits += usize::from(c.is_numeric());
            counts.no_text += usize::from(names_no_text(c));
        }
        counts
    }
}

/// A number as documents print them: groups of digits (of any script) and letters joined by
/// single separators, with a digit among them, a sign or currency before and percent after
/// ("-1,250.00", "€12", "4%", "12/03/2024", "10:30", "3rd", "A4").
fn is_number(word: &str) -> bool {
    let word = word.trim_start_matches(['+', '-', '−', '–', '$', '€', '£', '¥']).trim_end_matches('%');
    word.contains(char::is_numeric)
        && word
            .split(['.', ',', ':', '/', '-', '–', '\''])
            .all(|group| !group.is_empty() && group.chars().all(char::is_alphanumeric))
}

/// The pieces of a word between runs of three or more of one leader character.
struct BetweenLeaders<'a>(&'a str);

impl<'a> Iterator for BetweenLeaders<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        while !self.0.is_empty() {
            let (piece, rest) = split_at_leader_run(self.0);
            self.0 = rest;
            if !piece.is_empty() {
                return Some(piece);
            }
        }
        None
    }
}

/// `word` split at its first run of three or more of one leader character: what comes before
/// the run and what comes after it (empty when there is no run).
fn split_at_leader_run(word: &str) -> (&str, &str) {
    const LEADERS: [char; 10] = ['.', '_', '…', '-', '–', '—', '·', '=', '*', '~'];
    let (mut run_start, mut run_char, mut run_length) = (0, None, 0);
    for (i, c) in word.char_indices() {
        if Some(c) == run_char {
            run_length += 1;
            continue;
        }
        if run_length >= 3 {
            return (&word[..run_start], &word[i..]);
        }
        (run_start, run_char, run_length) = (i, LEADERS.contains(&c).then_some(c), 1);
    }
    match run_length >= 3 {
        true => (&word[..run_start], ""),
        false => (word, ""),
    }
}

fn is_opening(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '"' | '\'' | '“' | '‘' | '«' | '„' | '¿' | '¡' | '*')
}

fn is_closing(c: char) -> bool {
    matches!(c, ')' | ']' | '}' | '"' | '\'' | '”' | '’' | '»' | ',' | '.' | ';' | ':' | '!' | '?' | '*')
}

/// A letter of any script, a mark that combines with one (Thai vowels, Hindi matras, accents),
/// or a symbol: arrows, technical signs, shapes and dingbats (U+2190–U+2BFF), emoji.
fn is_letter(c: char) -> bool {
    c.is_alphabetic()
        || unicode_normalization::char::is_combining_mark(c)
        || matches!(c, '\u{2190}'..='\u{2BFF}' | '\u{1F000}'..='\u{1FAFF}')
}

/// A character that stands for no text: a control character, a private-use code point (where
/// a symbol font's glyphs land), or the replacement and non-characters.
fn names_no_text(c: char) -> bool {
    c.is_control() || matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{FFFD}' | '\u{FFFE}' | '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(text: &str) -> f64 {
        read([text]).garbage_share().unwrap_or_else(|| panic!("too little to judge: {text}"))
    }

    #[test]
    fn glyph_codes_read_as_garbage() {
        // A Type3 font with glyphs named g33, g34…, as poppler and pdf_oxide read it.
        // (Capitals that happen to outnumber the signs, "2<9!EI=7?!6FCKB!:CL!>IADG", read as a word.)
        assert!(share("-BJC=79!/IA69F*!-/4#'%(& +5H9*!&'!.5F7<!'%'( 2<9!EI=7?!6FCKB!:CL!>IADG") > 0.6);
        // pdf.js's TAMReview.pdf, whose body fonts have no map.
        let tam = "% 6 %% ’ & ’% & % &2% 6 ( 6) & + %3 3* (-./5) + %3 (-.45) % 6 & &$ % (-.45) %%D %% 3& #*";
        assert!(share(tam) > 0.8, "{}", share(tam));
        assert_eq!(share(&"\u{F041}\u{F042}\u{F043} ".repeat(20)), 1.0);
    }

    #[test]
    fn words_and_figures_in_any_script_read_as_text() {
        for text in [
            "Invoice Number: INV-2041, dated 12/03/2024. Payment is due within thirty days (net).",
            "Item\tQty\tPrice\n1\t2\t1,250.00\n2\t14\t-99.50\n3\t1\t€12.00\n4\t3\t45%\nTotal\t20\t1,207.50",
            "发票号码：INV-2041 开票日期：2024年3月12日 合计金额：1,250.00 元 购买方名称：北京科技有限公司",
            "فاتورة رقم ٢٠٤١ بتاريخ ١٢ مارس ٢٠٢٤ المبلغ الإجمالي ١٢٥٠ يورو شكراً لتعاملكم معنا",
            "ใบแจ้งหนี้ เลขที่ 2041 วันที่ 12 มีนาคม 2567 ยอดรวมทั้งสิ้น 1,250.00 บาท ขอบคุณ",
            "• First point – see § 4 & the A4 sheet, v2 (3rd draft) at 10:30 — “quoted” ¿sí? ¡no! TVA 20 %",
            "« Bonjour » «a» «bc» dit-il, « c’est 12 € » : l’été, „Grüße“ ‚hier‘ und »dort« – 3 Stück",
            "Contents\n1. Introduction.............3\n2. Method………………12\nName: ________________ Signed 2007-12-04T12:34:56",
            "❚❘❙❚❘❙ ❚❘❙❚❘❙❚❘❙❚ ❙❚❘❙❚❘❙❚❘❙❚❘❙❚❘❘ □△ △□ □△△□ 🌴🐢🐐🍄⚽🍻👑📸😬",
        ] {
            assert_eq!(share(text), 0.0, "{text}");
        }
    }

    #[test]
    fn letters_are_counted_wherever_they_are() {
        let reading = read(["Total: 12,50 € (TVA 20 %)", "-BJC=79!"]);
        assert_eq!(reading.letters, 5 + 3 + 3);
        assert_eq!(reading.garbage_share(), None, "too little to judge");
    }

    #[test]
    fn a_reading_is_better_with_more_letters_and_less_garbage() {
        let layer =
            read(["UserMotivation Perceived % 6 %% ’ & ’% & % &2% 6 ( 6) & + %3 3* (-./5) + %3 (-.45)"]);
        assert!(layer.is_suspect() && layer.is_mostly_garbage());
        let formulas = read(["Let f(x)=x+1, g(x)=2x, h(x)=x^2-3x+2; then (f∘g)(x)=2x+1 for x∈[0,1] and y>0"]);
        assert!(formulas.is_suspect() && !formulas.is_mostly_garbage(), "{formulas:?}");
        let ocr = read(["User Motivation Perceived. Davis (1985) proposed that a user's motivation can be"]);
        assert!(ocr.is_better_than(&layer) && !layer.is_better_than(&ocr));
        // The same letters with less garbage are not enough: OCR must find text the layer lacks.
        let same = read(["UserMotivation Perceived 1,250.00 2,500.00 3,750.00 4,000.00 5,250.00"]);
        assert!(!same.is_better_than(&layer));
    }

    #[test]
    fn leader_runs_separate_words() {
        let pieces = |word| BetweenLeaders(word).collect::<Vec<_>>();
        assert_eq!(pieces("Introduction.....3"), ["Introduction", "3"]);
        assert_eq!(pieces("a.m.-9"), ["a.m.-9"]);
        assert_eq!(pieces("Name:____Date:…………x"), ["Name:", "Date:", "x"]);
        assert_eq!(pieces("aaaa"), ["aaaa"]);
        assert!(pieces("____").is_empty());
    }
}
