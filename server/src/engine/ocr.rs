//! OCR: text and boxes from pixels, with Tesseract (the `tesseract` command, from Debian's
//! `tesseract-ocr`, `tesseract-ocr-eng` and `tesseract-ocr-osd`), for images (PNG, JPEG, TIFF, a page each) and for
//! PDF pages that have no text layer (scans), which poppler's `pdftoppm` rasterizes first.
//!
//! Tesseract's TSV gives every word with its box and confidence; words are grouped into its
//! lines, and lines into its paragraphs, which become blocks. Boxes are fractions of the page
//! (the image is the whole page, upright as it was read), confidences 0..1. Small print is
//! enlarged and a page scanned sideways turned (the `image` crate) before it is read again. Each
//! recognition runs under
//! [`OCR_TIMEOUT`] and images larger than [`MAX_PIXELS`] are refused, so one page cannot take
//! the server's time or memory.

use std::io::{BufRead, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{sizes, Block, BoundingBox, Confidence, EngineError};

/// The longest one page's recognition (or rasterization) may take.
pub const OCR_TIMEOUT: Duration = Duration::from_secs(90);
/// The most pixels an image may have (about a letter page at 600 dpi).
pub const MAX_PIXELS: u64 = 40_000_000;
/// An image narrower or lower than this many pixels holds no readable text (a 0×0 pt page
/// renders as 1×1), and tesseract fails on it: it reads as a blank page.
const MIN_SIDE_PIXELS: u64 = 8;
/// Below this, a block's confidence is "low".
pub const HIGH_CONFIDENCE: f64 = 0.8;
/// Pages are rasterized at this resolution for OCR, or lower where a page is so large that it
/// would pass [`MAX_PIXELS`].
const RASTER_DPI: f64 = 300.0;

/// A recognized word or line: Reducto's `OCRWord` / `OCRLine`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcrText {
    pub text: String,
    pub bbox: BoundingBox,
    /// 0..1.
    pub confidence: f64,
    /// The angle the page's text stood at, counterclockwise, before the page was turned upright
    /// to be read (see [`upright`]).
    pub rotation: u32,
}

/// What OCR read on one page: its blocks (paragraphs) and, for `result.ocr`, its lines and words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OcrPage {
    pub blocks: Vec<Block>,
    pub lines: Vec<OcrText>,
    pub words: Vec<OcrText>,
}

/// Reads every page of an image file (a TIFF may have several), numbered from 1.
pub fn read_image(bytes: &[u8], extension: &str) -> Result<Vec<OcrPage>, EngineError> {
    let sizes = check_size(bytes)?;
    if sizes.iter().all(|&size| too_small(size)) {
        return Ok(sizes.iter().map(|_| OcrPage::default()).collect());
    }
    let dir = tempdir()?;
    let path = dir.path().join(format!("page.{extension}"));
    std::fs::write(&path, bytes).map_err(io)?;
    recognize(&path)
}

/// A program the engine runs (OCR's, and poppler's `pdftotext` for turned pages), and the Debian
/// package that has it.
#[derive(Clone, Copy)]
pub(super) struct Program {
    pub(super) name: &'static str,
    pub(super) package: &'static str,
}

const PDFTOPPM: Program = Program { name: "pdftoppm", package: "poppler-utils" };
const TESSERACT: Program = Program { name: "tesseract", package: "tesseract-ocr" };
/// Not OCR's, but poppler's too: it reads the pages whose text is drawn turned
/// ([`super::pdf`]), which without it keep pdf_oxide's reading.
pub(super) const PDFTOTEXT: Program = Program { name: "pdftotext", package: "poppler-utils" };

/// The programs OCR needs that are not on the `PATH`, with their packages: checked at start, so
/// a server without them says so once (an OCR request then gets a 422 naming the program).
pub fn missing_programs() -> Vec<(&'static str, &'static str)> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = |program: &str| std::env::split_paths(&path).any(|dir| is_executable(&dir.join(program)));
    [PDFTOPPM, TESSERACT]
        .into_iter()
        .filter(|program| !found(program.name))
        .map(|program| (program.name, program.package))
        .collect()
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Rasterizes page `number` of an unencrypted PDF, `size` points wide and high, and reads it.
/// (An encrypted one is decrypted first, in process, so a password never appears in a command
/// line.) The page is drawn in gray, which is all OCR reads, at the resolution that keeps it
/// within [`MAX_PIXELS`]; the image is measured again before OCR in case the rasterizer saw
/// another size.
pub fn read_pdf_page(pdf: &Path, number: u32, size: (f32, f32)) -> Result<OcrPage, EngineError> {
    let dir = tempdir()?;
    let prefix = dir.path().join("page");
    let mut command = Command::new(PDFTOPPM.name);
    command.args(["-r", &format!("{:.2}", raster_dpi(size)), "-gray", "-png", "-singlefile"]);
    command.args(["-f", &number.to_string(), "-l", &number.to_string()]);
    command.arg(pdf).arg(&prefix);
    run(command, PDFTOPPM)?;
    let image = dir.path().join("page.png");
    let mut header = [0; 24];
    std::fs::File::open(&image).and_then(|mut png| png.read_exact(&mut header)).map_err(io)?;
    if check_size(&header)?.into_iter().any(too_small) {
        return Ok(OcrPage::default());
    }
    let mut pages = recognize(&image)?;
    let mut page = if pages.is_empty() { OcrPage::default() } else { pages.remove(0) };
    renumber(&mut page, number);
    Ok(page)
}

/// The resolution at which a page `size` points wide and high has at most [`MAX_PIXELS`]:
/// 300 dpi for any ordinary page, less for a poster.
fn raster_dpi((width, height): (f32, f32)) -> f64 {
    let square_inches = (f64::from(width.abs()) / 72.0) * (f64::from(height.abs()) / 72.0);
    // A little under the limit, for the rasterizer's rounding up of each side.
    let fitting = (MAX_PIXELS as f64 * 0.98 / square_inches.max(1e-6)).sqrt();
    fitting.clamp(1.0, RASTER_DPI)
}

/// Sets the page number of everything on `page`.
fn renumber(page: &mut OcrPage, number: u32) {
    for bbox in page
        .blocks
        .iter_mut()
        .map(|b| &mut b.bbox)
        .chain(page.lines.iter_mut().map(|l| &mut l.bbox))
        .chain(page.words.iter_mut().map(|w| &mut w.bbox))
    {
        bbox.page = number;
        bbox.original_page = number;
    }
}

/// Page segmentation mode 4 (one column of lines of varying sizes) keeps each row of a table or
/// of a label and its value on one line, where the default mode gives every column its own block
/// and extract then finds no rows.
///
/// Small print is enlarged first (see [`enlarged`]). Tesseract's default threshold, one for the
/// whole image, reads scans best. A photo (a receipt on a wooden table, a page in uneven light)
/// can lose everything under its first shadow: when a page gives fewer than [`THIN_PAGE_WORDS`]
/// sure words, it is read again with Sauvola's adaptive threshold, which judges each pixel by
/// the light around it, and, if it lies sideways or upside down, turned upright (see
/// [`upright`]); the reading with more sure words is kept.
fn recognize(image: &Path) -> Result<Vec<OcrPage>, EngineError> {
    let read = |image: &Path, threshold: &str| -> Result<String, EngineError> {
        let mut command = tesseract();
        command.arg(image).args(["stdout", "-l", "eng", "--psm", "4", "-c", threshold, "tsv"]);
        Ok(String::from_utf8_lossy(&run(command, TESSERACT)?).into_owned())
    };
    let sure_words = |pages: &[OcrPage]| {
        pages.iter().flat_map(|p| &p.words).filter(|w| w.confidence >= HIGH_CONFIDENCE).count()
    };
    let first = read(image, "thresholding_method=0")?;
    let (image, tsv) = match enlarged(image, &first) {
        Some(bigger) => {
            let tsv = read(&bigger, "thresholding_method=0")?;
            (bigger, tsv)
        }
        None => (image.to_path_buf(), first),
    };
    let mut best = pages_of(&tsv);
    if sure_words(&best) >= THIN_PAGE_WORDS {
        return Ok(best);
    }
    // The image crate turns only a TIFF's first page.
    let one_page = best.len() == 1;
    let mut consider = |pages: Vec<OcrPage>| {
        if sure_words(&pages) > sure_words(&best) {
            best = pages;
        }
    };
    consider(pages_of(&read(&image, "thresholding_method=2")?));
    if let Some((turned, rotation)) = one_page.then(|| upright(&image)).flatten() {
        let mut pages = pages_of(&read(&turned, "thresholding_method=0")?);
        for text in pages.iter_mut().flat_map(|page| page.lines.iter_mut().chain(page.words.iter_mut())) {
            text.rotation = rotation;
        }
        consider(pages);
    }
    Ok(best)
}

/// A `tesseract` command on one thread. With OpenMP's threads (its default, one per CPU) a
/// page took 25 s on a 2-core machine, 14 of them in the kernel, against 4 s on one thread;
/// and the server runs several recognitions at once, one per job.
fn tesseract() -> Command {
    let mut command = Command::new(TESSERACT.name);
    command.env("OMP_THREAD_LIMIT", "1");
    command
}

/// A copy of a one-page `image` turned upright when Tesseract's orientation detection finds it
/// scanned sideways or upside down (a receipt laid across the scanner), and the turn: the angle
/// its text stands at, counterclockwise, as Reducto's `rotation` gives it. The page is then
/// described upright, as it was read: its boxes are fractions of the turned page.
fn upright(image: &Path) -> Option<(std::path::PathBuf, u32)> {
    let mut command = tesseract();
    command.arg(image).args(["stdout", "--psm", "0"]);
    // A page with too little text for the detection is read as it is.
    let report = String::from_utf8(run(command, TESSERACT).ok()?).ok()?;
    let rotate: u32 = report.lines().find_map(|line| line.strip_prefix("Rotate:"))?.trim().parse().ok()?;
    let picture = image::open(image).ok()?.into_luma8();
    // Tesseract's "Rotate" is the clockwise turn that makes the page upright.
    let turned = match rotate {
        90 => image::imageops::rotate90(&picture),
        180 => image::imageops::rotate180(&picture),
        270 => image::imageops::rotate270(&picture),
        _ => return None,
    };
    let path = image.with_file_name("upright.png");
    turned.save(&path).ok()?;
    Some((path, rotate))
}

/// Fewer sure words than this on a page (a receipt has about 40) call for a second reading.
const THIN_PAGE_WORDS: usize = 60;

/// Words under this many pixels high are small print for Tesseract, which misreads them ("€"
/// as "6", "TOTAL A PAGAR" as one word): a screenshot of an invoice, a receipt photographed
/// from afar.
const SMALL_PRINT_PIXELS: f64 = 12.0;
/// The height small print is enlarged to: Tesseract's own advice is text of 20 to 30 pixels.
const GOOD_PRINT_PIXELS: f64 = 24.0;

/// A copy of a one-page `image` enlarged a whole number of times, so that its words, which the
/// first reading's `tsv` found under [`SMALL_PRINT_PIXELS`] high, become about
/// [`GOOD_PRINT_PIXELS`] (within [`MAX_PIXELS`]). `None` when the print is not small, or the
/// image cannot be enlarged, in which case the first reading stands.
fn enlarged(image: &Path, tsv: &str) -> Option<std::path::PathBuf> {
    let rows = tsv.lines().skip(1).map(|row| row.split('\t').collect::<Vec<_>>());
    let rows: Vec<Vec<&str>> = rows.filter(|cells| cells.len() >= 12).collect();
    // The image crate reads only a TIFF's first page.
    if rows.iter().filter(|cells| cells[0] == "1").count() != 1 {
        return None;
    }
    let words = rows
        .iter()
        .filter(|cells| cells[0] == "5" && cells[11].chars().filter(|c| c.is_alphanumeric()).count() >= 2);
    let mut heights: Vec<f64> = words.filter_map(|cells| cells[9].trim().parse().ok()).collect();
    heights.sort_by(f64::total_cmp);
    let height = *heights.get(heights.len() / 2)?;
    if height <= 0.0 || height >= SMALL_PRINT_PIXELS {
        return None;
    }
    let picture = image::open(image).ok()?.into_luma8();
    let pixels = u64::from(picture.width()) * u64::from(picture.height());
    let fitting = (MAX_PIXELS as f64 / pixels.max(1) as f64).sqrt();
    let times = (GOOD_PRINT_PIXELS / height).min(fitting).floor() as u32;
    if times < 2 {
        return None;
    }
    let (width, height) = (picture.width() * times, picture.height() * times);
    let bigger = image::imageops::resize(&picture, width, height, image::imageops::FilterType::CatmullRom);
    let path = image.with_file_name("enlarged.png");
    bigger.save(&path).ok()?;
    Some(path)
}

/// One word of Tesseract's TSV: its (block, paragraph, line), text, pixel box and confidence.
struct Word {
    line: (u32, u32, u32),
    text: String,
    rect: [f64; 4],
    confidence: f64,
}

/// Tesseract's TSV as pages: a level-1 row opens a page and gives its size in pixels; level-5
/// rows are its words. Consecutive words of one line make a line (its confidence their mean),
/// consecutive lines of one paragraph a block ("low" if any line is under [`HIGH_CONFIDENCE`]).
fn pages_of(tsv: &str) -> Vec<OcrPage> {
    let mut pages: Vec<((f64, f64), Vec<Word>)> = Vec::new();
    for row in tsv.lines().skip(1) {
        let cells: Vec<&str> = row.split('\t').collect();
        if cells.len() < 12 {
            continue;
        }
        let number = |i: usize| cells[i].trim().parse::<f64>().unwrap_or(0.0);
        match (cells[0], pages.last_mut()) {
            ("1", _) => pages.push(((number(8).max(1.0), number(9).max(1.0)), Vec::new())),
            ("5", Some((_, words))) if !is_speck(cells[11], number(10)) => words.push(Word {
                line: (number(2) as u32, number(3) as u32, number(4) as u32),
                text: cells[11].trim().to_owned(),
                rect: [number(6), number(7), number(6) + number(8), number(7) + number(9)],
                confidence: (number(10) / 100.0).clamp(0.0, 1.0),
            }),
            _ => {}
        }
    }
    pages.into_iter().enumerate().map(|(index, (size, words))| page(index as u32 + 1, size, &words)).collect()
}

/// Page `number` of `(width, height)` pixels from its recognized words: its lines, its blocks
/// (paragraphs, typed by their type size) and, for `result.ocr`, its lines and words as
/// fractions of the page.
fn page(number: u32, (width, height): (f64, f64), words: &[Word]) -> OcrPage {
    let bbox = |[x0, y0, x1, y1]: [f64; 4]| BoundingBox {
        left: round(x0 / width),
        top: round(y0 / height),
        width: round((x1 - x0) / width),
        height: round((y1 - y0) / height),
        page: number,
        original_page: number,
    };
    let text = |word: &Word| OcrText {
        text: word.text.clone(),
        bbox: bbox(word.rect),
        confidence: word.confidence,
        rotation: 0,
    };
    let lines: Vec<Line> = words
        .chunk_by(|a, b| a.line == b.line)
        .map(|words| {
            let rect = words.iter().map(|w| w.rect).reduce(union).unwrap_or_default();
            let confidence = words.iter().map(|w| w.confidence).sum::<f64>() / words.len() as f64;
            let size = size_of(words);
            let text = OcrText {
                text: line_text(words, size),
                bbox: bbox(rect),
                confidence: round(confidence),
                rotation: 0,
            };
            Line { words, text, size }
        })
        .collect();
    // Two-pixel steps; a page with no words has no blocks to type.
    let body =
        sizes::body_size(lines.iter().map(|l| (l.size, l.text.text.len())), 2.0).unwrap_or(f64::INFINITY);
    let blocks = lines
        .chunk_by(|a, b| a.words[0].line.0 == b.words[0].line.0 && a.words[0].line.1 == b.words[0].line.1)
        .map(|paragraph| {
            let rect = paragraph.iter().flat_map(|l| l.words.iter().map(|w| w.rect)).reduce(union);
            let lowest = paragraph.iter().map(|l| l.text.confidence).fold(1.0, f64::min);
            let size = paragraph.iter().map(|l| l.size).fold(0.0, f64::max);
            Block {
                kind: sizes::kind_by_size(size, body, paragraph.len() <= 3, number),
                bbox: bbox(rect.unwrap_or_default()),
                content: paragraph.iter().map(|l| l.text.text.as_str()).collect::<Vec<_>>().join("\n"),
                confidence: if lowest >= HIGH_CONFIDENCE { Confidence::High } else { Confidence::Low },
            }
        })
        .collect();
    OcrPage {
        blocks,
        lines: lines.into_iter().map(|line| line.text).collect(),
        words: words.iter().map(text).collect(),
    }
}

/// One of Tesseract's lines: its words, what `result.ocr` reports of it, and its type size.
struct Line<'w> {
    words: &'w [Word],
    text: OcrText,
    size: f64,
}

/// Whether a recognized word is nothing or a speck: punctuation Tesseract was unsure of (a
/// table rule or noise read as "—"), which would otherwise sit between two cells of a row.
fn is_speck(text: &str, confidence: f64) -> bool {
    let text = text.trim();
    text.is_empty() || (confidence < 50.0 && !text.chars().any(char::is_alphanumeric))
}

/// A line's words joined by spaces, or by a tab where the gap between two words is wider than
/// about an em (1.5 capital heights): a cell boundary or a label far from its value, as the PDF
/// reader marks it (`pdf::COLUMN_GAP_EMS`), which extract reads the same way.
fn line_text(words: &[Word], size: f64) -> String {
    let mut text = String::new();
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            let gap = word.rect[0] - words[i - 1].rect[2];
            text.push(if gap > size * 1.5 { '\t' } else { ' ' });
        }
        text.push_str(&word.text);
    }
    text
}

/// A line's type size in pixels: its words' median height, which a stray speck or one word
/// with descenders does not move.
fn size_of(words: &[Word]) -> f64 {
    let mut heights: Vec<f64> = words.iter().map(|w| w.rect[3] - w.rect[1]).collect();
    heights.sort_by(f64::total_cmp);
    heights.get(heights.len() / 2).copied().unwrap_or(0.0)
}

fn union(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]
}

fn round(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// The size in pixels of each page of an image, from its header (PNG, JPEG, every page of a
/// TIFF), before any tool decodes it. An image with more than [`MAX_PIXELS`] on a page is
/// refused, and so is one whose size cannot be read, since nothing would then bound what
/// decoding it takes.
fn check_size(bytes: &[u8]) -> Result<Vec<(u64, u64)>, EngineError> {
    let sizes = match bytes {
        [0x89, b'P', b'N', b'G', ..] if bytes.len() >= 24 => Some(vec![(
            u32::from_be_bytes(bytes[16..20].try_into().unwrap_or_default()) as u64,
            u32::from_be_bytes(bytes[20..24].try_into().unwrap_or_default()) as u64,
        )]),
        [0xFF, 0xD8, ..] => jpeg_size(bytes).map(|size| vec![size]),
        [b'I', b'I', 0x2A, 0x00, ..] | [b'M', b'M', 0x00, 0x2A, ..] => tiff_sizes(bytes),
        _ => None,
    };
    let Some(sizes) = sizes.filter(|sizes| !sizes.is_empty()) else {
        return Err(EngineError::Ocr("the image's size could not be read from its header".into()));
    };
    match sizes.iter().find(|&&(w, h)| w.saturating_mul(h) > MAX_PIXELS) {
        Some((w, h)) => Err(EngineError::Ocr(format!(
            "the image is {w} × {h} pixels, more than the {} million the local OCR reads",
            MAX_PIXELS / 1_000_000
        ))),
        None => Ok(sizes),
    }
}

/// Whether an image `(width, height)` is too small to hold text.
fn too_small((width, height): (u64, u64)) -> bool {
    width.min(height) < MIN_SIDE_PIXELS
}

/// A JPEG's size from its first start-of-frame marker (fill bytes before a marker skipped).
fn jpeg_size(bytes: &[u8]) -> Option<(u64, u64)> {
    let mut at = 2;
    while at + 9 < bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        if bytes[at + 1] == 0xFF {
            at += 1;
            continue;
        }
        let marker = bytes[at + 1];
        let length = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let height = u16::from_be_bytes([bytes[at + 5], bytes[at + 6]]) as u64;
            let width = u16::from_be_bytes([bytes[at + 7], bytes[at + 8]]) as u64;
            return Some((width, height));
        }
        at += 2 + length;
    }
    None
}

/// The size of every page (image file directory) of a TIFF: its ImageWidth and ImageLength
/// tags. `None` if a directory lies outside the file, loops, or lacks either tag.
fn tiff_sizes(bytes: &[u8]) -> Option<Vec<(u64, u64)>> {
    let big_endian = bytes.starts_with(b"MM");
    let u16_at = |at: usize| {
        let b: [u8; 2] = bytes.get(at..at + 2)?.try_into().ok()?;
        Some(if big_endian { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    };
    let u32_at = |at: usize| {
        let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    };
    let mut sizes = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut directory = u32_at(4)? as usize;
    while directory != 0 {
        if !seen.insert(directory) {
            return None;
        }
        let entries = u16_at(directory)? as usize;
        let (mut width, mut height) = (None, None);
        for entry in (0..entries).map(|n| directory + 2 + 12 * n) {
            // A SHORT (3) sits in the first two bytes of the value field, a LONG (4) fills it.
            let value = match u16_at(entry + 2)? {
                3 => u64::from(u16_at(entry + 8)?),
                4 => u64::from(u32_at(entry + 8)?),
                _ => continue,
            };
            match u16_at(entry)? {
                256 => width = Some(value),
                257 => height = Some(value),
                _ => {}
            }
        }
        sizes.push((width?, height?));
        directory = u32_at(directory + 2 + 12 * entries)? as usize;
    }
    Some(sizes)
}

/// Runs a tool to completion within [`OCR_TIMEOUT`] and gives its stdout.
pub(super) fn run(mut command: Command, program: Program) -> Result<Vec<u8>, EngineError> {
    let tool = format!("{} ({})", program.name, program.package);
    let mut child =
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(|e| {
            EngineError::OcrUnavailable(format!(
                "{tool} is not installed or cannot be started ({e}), and scans and images need it"
            ))
        })?;
    // Both outputs are read on other threads, so a full pipe never blocks the tool: poppler
    // writes a line to stderr for each error it meets, tens of thousands on a broken page.
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let mut stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || complaint(&mut stderr));
    let started = Instant::now();
    let status = loop {
        match child.try_wait().map_err(io)? {
            Some(status) => break status,
            None if started.elapsed() > OCR_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(EngineError::Ocr(format!(
                    "reading one page took longer than {} s",
                    OCR_TIMEOUT.as_secs()
                )));
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let out = reader.join().unwrap_or_default();
    let Complaint { undecodable, last } = errors.join().unwrap_or_default();
    // Tesseract ends well when its image library could not decode the image, having read
    // nothing: no more than its output's header line. (A partly decoded image that gave text
    // is kept.)
    if let Some(why) =
        undecodable.filter(|_| out.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count() <= 1)
    {
        return Err(EngineError::Ocr(format!("{tool} could not decode the image ({why})")));
    }
    if !status.success() {
        let why = last.unwrap_or_else(|| "no reason given".into());
        return Err(EngineError::Ocr(format!("{tool} could not read the page ({why})")));
    }
    Ok(out)
}

/// What a tool said on stderr that matters.
#[derive(Default)]
struct Complaint {
    /// Why the image library (leptonica) could not decode an image: the first of its
    /// `Error in pixRead…: <why>` lines, which its vaguer ones follow.
    undecodable: Option<String>,
    /// The last line that is not blank.
    last: Option<String>,
}

/// The complaint in what `stream` gives until it ends, holding no more than a few lines of it
/// at a time however much it says.
fn complaint(stream: &mut impl Read) -> Complaint {
    let mut complaint = Complaint::default();
    for line in std::io::BufReader::new(stream).lines() {
        let Ok(line) = line else { break };
        let line = line.trim();
        if complaint.undecodable.is_none() && line.starts_with("Error in pixRead") {
            let why = line.split_once(": ").map_or(line, |(_, why)| why);
            complaint.undecodable = Some(why.to_owned());
        }
        if !line.is_empty() {
            complaint.last = Some(line.to_owned());
        }
    }
    complaint
}

pub(super) fn tempdir() -> Result<tempfile::TempDir, EngineError> {
    tempfile::Builder::new().prefix("reducto-ocr-").tempdir().map_err(io)
}

pub(super) fn io(e: std::io::Error) -> EngineError {
    EngineError::Ocr(format!("it could not run: {e}"))
}

#[cfg(test)]
mod tests;
