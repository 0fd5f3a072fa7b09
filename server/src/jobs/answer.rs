//! What a finished job produced, in the engine's terms: its [`Answer`]. The store keeps it as
//! it is (JSON in the job's row), and `routes::respond` shapes it into Reducto's response each
//! time someone asks, with the links of that moment's host; a later `jobid://` input reuses
//! its parses ([`Answer::parses`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::classify::ResponseConfidence;
use crate::engine::edit::Widget;
use crate::engine::split::SplitOutput;
use crate::engine::{Chunk, Ocr, Presentation};

/// One finished job's product, by the kind of work it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    Parse(Parsed),
    Extract(Extracted),
    Split(Split),
    Classify(Classified),
    Edit(Edited),
    Pipeline(PipelineAnswer),
}

/// A document read into chunks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    pub num_pages: u32,
    /// Seconds from the job's start to this result.
    pub duration: f64,
    pub chunks: Vec<Chunk>,
    /// What OCR read, when a page needed it.
    pub ocr: Option<Ocr>,
    /// How the caller asked the chunks to be written out (they are kept as the engine made
    /// them, which is what a `jobid://` input reads).
    #[serde(default)]
    pub presentation: Presentation,
}

/// A schema filled from a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    pub num_pages: u32,
    pub num_fields: u32,
    /// The filled schema: plain values, or each value with its citations.
    pub value: Value,
    pub citations: bool,
}

/// A document's pages assigned to categories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Split {
    pub num_pages: u32,
    pub output: SplitOutput,
}

/// The category a document belongs to, from the pages read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classified {
    /// Pages read, not the document's.
    pub num_pages: u32,
    pub num_categories: u32,
    pub category: String,
    pub confidence: ResponseConfidence,
    pub duration: f64,
}

/// A filled PDF form, kept as the job's artifact `token` until its link expires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edited {
    pub num_pages: u32,
    pub token: String,
    pub form_schema: Vec<Widget>,
}

/// What each of a pipeline's steps produced. Its parses are one per document when it has
/// no split or extract step, and none otherwise (the later steps are its result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineAnswer {
    pub num_pages: u32,
    pub parses: Vec<Parsed>,
    pub split: Option<Split>,
    pub extract: Option<PipelineExtract>,
    pub edit: Option<Edited>,
}

/// A pipeline's extract: of the whole document, or of each split section (or partition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "of", content = "extracted", rename_all = "snake_case")]
pub enum PipelineExtract {
    Document(Extracted),
    Sections(Vec<SectionExtract>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionExtract {
    pub section: String,
    pub pages: Vec<u32>,
    pub partition: Option<String>,
    pub extracted: Extracted,
}

impl Answer {
    /// The parse results a `jobid://` input reuses, one per document: a parse job's, or a
    /// parse-only pipeline's; none for other jobs.
    pub fn parses(&self) -> &[Parsed] {
        match self {
            Answer::Parse(parsed) => std::slice::from_ref(parsed),
            Answer::Pipeline(pipeline) => &pipeline.parses,
            _ => &[],
        }
    }
}

/// A completed job's result as the store holds it.
#[derive(Debug)]
pub enum Stored {
    Answer(Answer),
    /// The response itself, as a reducto-local from before answers were stored kept it:
    /// served as it was, but not reusable.
    Response(Value),
}

impl Stored {
    /// Reads a completed job's stored result.
    pub fn read(text: &str) -> Result<Stored, serde_json::Error> {
        match serde_json::from_str::<Answer>(text) {
            Ok(answer) => Ok(Stored::Answer(answer)),
            Err(_) => serde_json::from_str(text).map(Stored::Response),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_answer_reads_back_and_an_earlier_response_is_kept_as_it_was() {
        let answer = Answer::Edit(Edited { num_pages: 1, token: "t".into(), form_schema: Vec::new() });
        let text = serde_json::to_string(&answer).unwrap();
        assert!(matches!(Stored::read(&text).unwrap(), Stored::Answer(read) if read == answer));
        let earlier = r#"{"response_type":"edit","document_url":"http://h/download/t"}"#;
        assert!(
            matches!(Stored::read(earlier).unwrap(), Stored::Response(v) if v["document_url"] == "http://h/download/t")
        );
        assert!(Stored::read("{").is_err());
    }
}
