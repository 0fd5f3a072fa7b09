//! What the job runner answers, in HTTP: a submission it refused, an input it cannot read, a
//! job's failure as a sync caller hears it, and a job's [`Answer`] as Reducto's response. The
//! runner knows no status code and no wire type; this is where they are chosen.
//!
//! A response is shaped each time it is asked for, so its links name the host the caller
//! reached: an edited PDF's, and a parse result's when it is larger than
//! `--inline-result-limit-mb` (answered as `{type: "url", url, result_id}`, its URL serving the
//! `{type: "full", ...}` it stands for, as Reducto does).

use serde_json::Value;

use super::BaseUrl;
use crate::api::{
    ClassifyResponse, ClassifyResult, ClassifyUsage, EditResponse, ExtractResponse, ExtractSplitResponse,
    ExtractUsage, JobResult, ParseResponse, ParseResult, ParseUsage, PipelineExtract, PipelineParse,
    PipelineResponse, PipelineResult, ResponseType, SplitResponse,
};
use crate::clock::now_ms;
use crate::engine::present;
use crate::error::{AppError, AppResult};
use crate::jobs::answer::{self, Answer, Classified, Edited, Extracted, Parsed, PipelineAnswer, Split};
use crate::jobs::input::Unreadable;
use crate::jobs::{Failure, FailureKind, Refused, Submitted};
use crate::links::download_url;
use crate::state::AppState;
use crate::store::NewArtifact;

impl From<Refused> for AppError {
    fn from(refused: Refused) -> AppError {
        match refused {
            Refused::ShuttingDown => {
                AppError::Unavailable("The server is shutting down; try again shortly".into())
            }
            Refused::Full { waiting, limit } => AppError::TooManyRequests {
                detail: format!(
                    "Too many jobs are waiting ({waiting}, the limit is {limit}): try again shortly"
                ),
                retry_after_secs: 5,
            },
            Refused::Internal(cause) => AppError::internal("record a job", cause),
        }
    }
}

impl From<Unreadable> for AppError {
    fn from(unreadable: Unreadable) -> AppError {
        match unreadable {
            Unreadable::Missing(reason) => AppError::NotFound(reason),
            Unreadable::NotReady(reason) => AppError::Conflict(reason),
            Unreadable::Unusable(reason) => AppError::Unprocessable(reason),
            Unreadable::Internal(cause) => AppError::internal("read an input", cause),
        }
    }
}

/// A submitted job's response once it ends, or the error its sync caller gets.
pub async fn finished(state: &AppState, base: &BaseUrl, submitted: Submitted) -> AppResult<JobResult> {
    let id = submitted.job_id.clone();
    let completed = submitted.finished().await.map_err(|failure| job_error(failure, &id))?;
    let measure = may_be_over_inline_limit(state, completed.stored_len);
    Response { state, base, job_id: &id, measure }.of(completed.answer)
}

/// A completed job's stored result as its response.
pub fn stored(state: &AppState, base: &BaseUrl, job_id: &str, text: &str) -> AppResult<JobResult> {
    let measure = may_be_over_inline_limit(state, text.len());
    match answer::Stored::read(text).map_err(|e| AppError::internal("read a stored result", e))? {
        answer::Stored::Answer(answer) => Response { state, base, job_id, measure }.of(answer),
        answer::Stored::Response(response) => Ok(JobResult::AsStored(response)),
    }
}

/// Whether a part of an answer whose stored JSON is `stored_len` bytes may be over the inline
/// limit: one within it has no part over it, so nothing needs measuring (serializing a
/// megabytes-long parse once more, only to learn its length).
fn may_be_over_inline_limit(state: &AppState, stored_len: usize) -> bool {
    stored_len as u64 > state.config.inline_result_limit_bytes()
}

/// Shapes one job's answer into its response, moving what it holds rather than copying it (a
/// parse's chunks can be megabytes).
struct Response<'a> {
    state: &'a AppState,
    base: &'a BaseUrl,
    job_id: &'a str,
    /// Whether a parse result may be over the inline limit.
    measure: bool,
}

impl Response<'_> {
    fn of(&self, answer: Answer) -> AppResult<JobResult> {
        Ok(match answer {
            Answer::Parse(parsed) => JobResult::Parse(self.parse(0, parsed)?),
            Answer::Extract(extracted) => JobResult::Extract(self.extract(extracted)),
            Answer::Split(split) => JobResult::Split(self.split(split)),
            Answer::Classify(classified) => JobResult::Classify(self.classify(classified)),
            Answer::Edit(edited) => JobResult::Edit(self.edit(edited)),
            Answer::Pipeline(pipeline) => JobResult::Pipeline(Box::new(self.pipeline(pipeline)?)),
        })
    }

    /// The job's `index`th parse (of a pipeline's several documents).
    fn parse(&self, index: usize, parsed: Parsed) -> AppResult<ParseResponse> {
        let presentation = &parsed.presentation;
        let chunks = present::chunks(parsed.chunks, presentation);
        let ocr = parsed.ocr.filter(|_| presentation.ocr_data);
        let full = ParseResult::Full { chunks, ocr };
        let as_url = presentation.url_result;
        Ok(ParseResponse {
            response_type: ResponseType::Parse,
            job_id: self.job_id.to_owned(),
            duration: parsed.duration,
            pdf_url: None,
            studio_link: None,
            usage: ParseUsage { num_pages: parsed.num_pages, credits: None },
            result: self.inline_or_url(index, full, as_url)?,
        })
    }

    /// `full`, or its URL when it is over the inline limit or the caller asked for a URL
    /// (`force_url_result`). Each parse of a job has its own download, made the first time it
    /// is asked for and kept as long as the job.
    fn inline_or_url(&self, index: usize, full: ParseResult, as_url: bool) -> AppResult<ParseResult> {
        if !self.measure && !as_url {
            return Ok(full);
        }
        let bytes = serde_json::to_vec(&full).map_err(|e| AppError::internal("serialize a result", e))?;
        let Response { state, job_id, .. } = *self;
        if !as_url && bytes.len() as u64 <= state.config.inline_result_limit_bytes() {
            return Ok(full);
        }
        let part = format!("result:{index}");
        let now = now_ms();
        let token = match state.store.find_artifact(job_id, &part, now)? {
            Some(token) => token,
            None => {
                let expires_at_ms = now + state.config.retention.as_millis() as i64;
                let artifact =
                    NewArtifact { job_id, part: &part, content_type: "application/json", expires_at_ms };
                state.store.put_artifact(&artifact, &bytes)?
            }
        };
        Ok(ParseResult::Url { url: download_url(&self.base.0, &token), result_id: token })
    }

    fn extract(&self, extracted: Extracted) -> ExtractResponse {
        let value = extracted.value;
        ExtractResponse {
            response_type: ResponseType::Extract,
            job_id: self.job_id.to_owned(),
            usage: ExtractUsage {
                num_pages: extracted.num_pages,
                num_fields: extracted.num_fields,
                credits: None,
            },
            // Reducto's shapes: a list of one object, or the object of cited values.
            result: if extracted.citations { value } else { Value::Array(vec![value]) },
            citations: None,
            studio_link: None,
        }
    }

    fn split(&self, split: Split) -> SplitResponse {
        SplitResponse {
            response_type: ResponseType::Split,
            job_id: self.job_id.to_owned(),
            usage: ParseUsage { num_pages: split.num_pages, credits: None },
            result: split.output,
        }
    }

    fn classify(&self, classified: Classified) -> ClassifyResponse {
        ClassifyResponse {
            response_type: ResponseType::Classify,
            job_id: self.job_id.to_owned(),
            result: ClassifyResult { category: classified.category },
            response_confidence: classified.confidence,
            usage: ClassifyUsage {
                num_pages: classified.num_pages,
                num_categories: classified.num_categories,
                credits: None,
            },
            duration: classified.duration,
        }
    }

    fn edit(&self, edited: Edited) -> EditResponse {
        EditResponse {
            response_type: ResponseType::Edit,
            job_id: self.job_id.to_owned(),
            document_url: download_url(&self.base.0, &edited.token),
            form_schema: edited.form_schema,
            usage: ParseUsage { num_pages: edited.num_pages, credits: None },
        }
    }

    /// A pipeline's result holds its last step (extract, else split, else parse), and the
    /// edited PDF when it has an edit step.
    fn pipeline(&self, pipeline: PipelineAnswer) -> AppResult<PipelineResponse> {
        let mut parses: Vec<ParseResponse> = pipeline
            .parses
            .into_iter()
            .enumerate()
            .map(|(i, parsed)| self.parse(i, parsed))
            .collect::<AppResult<_>>()?;
        // A list of one is one document, answered as a single input is.
        let parse = match parses.len() {
            0 => None,
            1 => Some(PipelineParse::One(parses.remove(0))),
            _ => Some(PipelineParse::Many(parses)),
        };
        let extract = pipeline.extract.map(|extract| match extract {
            answer::PipelineExtract::Document(extracted) => {
                PipelineExtract::Document(self.extract(extracted))
            }
            answer::PipelineExtract::Sections(sections) => PipelineExtract::Sections(
                sections
                    .into_iter()
                    .map(|section| ExtractSplitResponse {
                        split_name: section.section,
                        page_range: section.pages,
                        partition: section.partition,
                        result: self.extract(section.extracted),
                    })
                    .collect(),
            ),
        });
        Ok(PipelineResponse {
            response_type: ResponseType::Pipeline,
            job_id: self.job_id.to_owned(),
            usage: ParseUsage { num_pages: pipeline.num_pages, credits: None },
            result: PipelineResult {
                parse,
                extract,
                split: pipeline.split.map(|split| self.split(split)),
                edit: pipeline.edit.map(|edited| self.edit(edited)),
            },
        })
    }
}

/// The error a sync caller of job `id` gets for `failure`.
fn job_error(failure: Failure, id: &str) -> AppError {
    match failure.kind {
        FailureKind::Document => AppError::Unprocessable(failure.reason),
        FailureKind::Missing => AppError::NotFound(failure.reason),
        FailureKind::Cancelled => AppError::Conflict(format!("Job '{id}' was cancelled")),
        FailureKind::Stopped | FailureKind::Interrupted => AppError::Unavailable(format!(
            "The server is shutting down; job '{id}' will run when it starts again"
        )),
        FailureKind::Internal => AppError::internal(&format!("job {id}"), failure.reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_map_to_the_statuses_sync_callers_get() {
        let failure = |kind: FailureKind| Failure { kind, reason: "bad".into() };
        let status = |kind: FailureKind| job_error(failure(kind), "j").status().as_u16();
        assert_eq!(status(FailureKind::Document), 422);
        assert_eq!(status(FailureKind::Cancelled), 409);
        assert_eq!(status(FailureKind::Interrupted), 503);
        assert_eq!(status(FailureKind::Internal), 500);
    }
}
