//! `client.upload(file)`: sends a document to `POST /upload` and returns its `reducto://` id.
//!
//! The `File`/`Blob` goes into a `FormData` as it is, so the browser streams it and its bytes
//! never enter wasm memory; `ArrayBuffer`s and typed arrays are wrapped in a `Blob` the same way.

use gloo_net::http::Method;
use js_sys::{Array, ArrayBuffer};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, File, FormData};

use crate::args::{describe, Args};
use crate::errors::argument_error;
use crate::transport::{Body, Call, RequestOptions, Transport};

/// Files up to this size go as multipart/form-data, as the official SDKs do.
pub const MULTIPART_LIMIT_BYTES: f64 = 100.0 * 1024.0 * 1024.0;

pub async fn upload(transport: &Transport, file: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    let args = Args::new(options, "options")?;
    let request_options = RequestOptions::from_args(&args)?;
    let blob = to_blob(file)?;
    if blob.size() == 0.0 {
        return Err(argument_error("file is empty (0 bytes): there is nothing to upload"));
    }
    if blob.size() > MULTIPART_LIMIT_BYTES {
        return Err(argument_error(format!(
            "file is {} bytes; this version uploads files up to 100 MB (the presigned path for larger files is not built yet)",
            blob.size()
        )));
    }
    let filename = match args.string("filename")? {
        Some(name) => name,
        None => file.dyn_ref::<File>().map(File::name).unwrap_or_default(),
    };
    let extension = match args.string("extension")? {
        Some(extension) => Some(extension.trim_start_matches('.').to_string()),
        None => extension_of(&filename),
    };

    let form = FormData::new()?;
    let filename = if filename.is_empty() { "upload".to_string() } else { filename };
    form.append_with_blob_and_filename("file", &blob, &filename)?;
    let mut call = Call { body: Body::Form(form), ..Call::new(Method::POST, "/upload") };
    call.query.extend(extension.map(|extension| ("extension", extension)));
    transport.send(&call, &request_options).await
}

/// A `Blob` view of what the caller passed, without copying bytes through wasm.
fn to_blob(file: &JsValue) -> Result<Blob, JsValue> {
    if let Some(blob) = file.dyn_ref::<Blob>() {
        return Ok(blob.clone());
    }
    if file.is_instance_of::<ArrayBuffer>() || ArrayBuffer::is_view(file) {
        return Blob::new_with_buffer_source_sequence(&Array::of1(file));
    }
    Err(argument_error(format!(
        "file must be a File, Blob, ArrayBuffer or typed array, got {}",
        describe(file)
    )))
}

/// The extension of a file name, lower case and without the dot: "Report.PDF" → "pdf".
pub fn extension_of(filename: &str) -> Option<String> {
    let (stem, extension) = filename.rsplit_once('.')?;
    let valid = !stem.is_empty() && !extension.is_empty() && extension.len() <= 10;
    (valid && extension.chars().all(|c| c.is_ascii_alphanumeric())).then(|| extension.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::extension_of;

    #[test]
    fn extensions_come_from_the_file_name() {
        assert_eq!(extension_of("Report.PDF").as_deref(), Some("pdf"));
        assert_eq!(extension_of("archive.tar.gz").as_deref(), Some("gz"));
        assert_eq!(extension_of("README"), None);
        assert_eq!(extension_of(".bashrc"), None);
        assert_eq!(extension_of("odd.ext with space"), None);
        assert_eq!(extension_of("trailing."), None);
    }
}
