//! `client.upload(file)`: sends a document and resolves with its `reducto://` id.
//!
//! Up to 100 MB the file goes as multipart/form-data to `POST /upload`; above that, `POST
//! /upload` with no body returns a presigned URL and the bytes go there by `PUT`. Either way the
//! `File`/`Blob` is handed to the browser as it is, so its bytes never enter wasm memory (only
//! the first 4 KB are read, to recognise the file type when the name has no extension).

use gloo_net::http::Method;
use js_sys::{Array, ArrayBuffer, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, FormData};

use crate::args::{self, describe};
use crate::attempt::{Body, Progress};
use crate::errors::argument_error;
use crate::options::{RequestOptions, UploadOptions};
use crate::transport::{Call, Target, Transport};

/// Files up to this size go as multipart/form-data, as the official SDKs do.
pub const MULTIPART_LIMIT_BYTES: f64 = 100.0 * 1024.0 * 1024.0;
const SNIFF_BYTES: f64 = 4096.0;

pub async fn upload(transport: &Transport, file: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    let request_options = RequestOptions::read(options)?;
    let upload_options: UploadOptions = args::read(options, "options")?;
    let blob = to_blob(file)?;
    let size = blob.size();
    if size == 0.0 {
        return Err(argument_error("file is empty (0 bytes): there is nothing to upload"));
    }
    let filename =
        upload_options.filename.unwrap_or_else(|| file.dyn_ref::<File>().map(File::name).unwrap_or_default());
    let extension = match upload_options.extension {
        Some(extension) => Some(extension.trim_start_matches('.').to_string()),
        None => match extension_of(&filename) {
            Some(extension) => Some(extension),
            None => sniff_extension(&first_bytes(&blob).await).map(String::from),
        },
    };
    let progress = upload_options.on_progress.map(|callback| Progress { callback, total: size });

    let mut create = Call::new(Method::POST, "/upload");
    create.query.extend(extension.clone().map(|extension| ("extension", extension)));
    // Multipart: one request. Presigned: the API gives a URL, then the bytes go there.
    let (file_call, created) = if size <= MULTIPART_LIMIT_BYTES {
        let name = match (filename.is_empty(), &extension) {
            (false, _) => filename,
            (true, Some(extension)) => format!("upload.{extension}"),
            (true, None) => "upload".into(),
        };
        let form = FormData::new()?;
        form.append_with_blob_and_filename("file", &blob, &name)?;
        (Call { body: Body::Form(form), ..create }, None)
    } else {
        let created = transport.send(&create, &request_options).await?;
        let presigned_url = Reflect::get(&created, &"presigned_url".into())?
            .as_string()
            .ok_or_else(|| argument_error("the server gave no presigned_url for an upload over 100 MB"))?;
        let put = Call {
            target: Target::Capability(presigned_url),
            body: Body::Blob(blob),
            ..Call::new(Method::PUT, "")
        };
        (put, Some(created))
    };
    let sent = transport.send(&Call { progress, ..file_call }, &request_options).await?;
    // A presigned upload is known by what `POST /upload` said: its `file_id`.
    Ok(created.unwrap_or(sent))
}

/// `DELETE /upload/{file_id}` of a `file_id` string or an `Upload`, the id escaped.
pub fn delete_call(file: &JsValue) -> Result<Call, JsValue> {
    let id = if file.is_object() { Reflect::get(file, &"file_id".into())? } else { file.clone() };
    match id.as_string() {
        Some(id) if !id.trim().is_empty() => Ok(Call::new(
            Method::DELETE,
            format!("/upload/{}", String::from(js_sys::encode_uri_component(&id))),
        )),
        _ => Err(argument_error(&format!(
            "fileId must be the file_id of an upload (or the Upload itself), got {}",
            describe(file)
        ))),
    }
}

/// A `Blob` view of what the caller passed, without copying bytes through wasm.
fn to_blob(file: &JsValue) -> Result<Blob, JsValue> {
    if let Some(blob) = file.dyn_ref::<Blob>() {
        return Ok(blob.clone());
    }
    if file.is_instance_of::<ArrayBuffer>() || ArrayBuffer::is_view(file) {
        return Blob::new_with_buffer_source_sequence(&Array::of1(file));
    }
    Err(argument_error(&format!(
        "file must be a File, Blob, ArrayBuffer or typed array, got {}",
        describe(file)
    )))
}

async fn first_bytes(blob: &Blob) -> Vec<u8> {
    let Ok(head) = blob.slice_with_f64_and_f64(0.0, SNIFF_BYTES) else { return Vec::new() };
    match JsFuture::from(head.array_buffer()).await {
        Ok(buffer) => Uint8Array::new(&buffer).to_vec(),
        Err(_) => Vec::new(),
    }
}

/// The extension of a file name, lower case and without the dot: "Report.PDF" → "pdf".
pub fn extension_of(filename: &str) -> Option<String> {
    let (stem, extension) = filename.rsplit_once('.')?;
    let valid = !stem.is_empty() && !extension.is_empty() && extension.len() <= 10;
    (valid && extension.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| extension.to_ascii_lowercase())
}

/// The file type told by its first bytes. ZIP-based Office files are told apart by the folder
/// names of their first entries ("word/", "xl/", "ppt/").
pub fn sniff_extension(head: &[u8]) -> Option<&'static str> {
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|window| window == needle);
    match head {
        [b'%', b'P', b'D', b'F', ..] => Some("pdf"),
        [0x89, b'P', b'N', b'G', ..] => Some("png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("jpg"),
        [b'I', b'I', 0x2A, 0x00, ..] | [b'M', b'M', 0x00, 0x2A, ..] => Some("tiff"),
        [b'G', b'I', b'F', b'8', ..] => Some("gif"),
        [b'P', b'K', 0x03, 0x04, ..] if contains(b"word/") => Some("docx"),
        [b'P', b'K', 0x03, 0x04, ..] if contains(b"xl/") => Some("xlsx"),
        [b'P', b'K', 0x03, 0x04, ..] if contains(b"ppt/") => Some("pptx"),
        [b'P', b'K', 0x03, 0x04, ..] => Some("zip"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_come_from_the_file_name() {
        assert_eq!(extension_of("Report.PDF").as_deref(), Some("pdf"));
        assert_eq!(extension_of("archive.tar.gz").as_deref(), Some("gz"));
        assert_eq!(extension_of("README"), None);
        assert_eq!(extension_of(".bashrc"), None);
        assert_eq!(extension_of("odd.ext with space"), None);
        assert_eq!(extension_of("trailing."), None);
    }

    #[test]
    fn file_types_are_told_by_their_first_bytes() {
        assert_eq!(sniff_extension(b"%PDF-1.7\n"), Some("pdf"));
        assert_eq!(sniff_extension(b"\x89PNG\r\n\x1a\n"), Some("png"));
        assert_eq!(sniff_extension(b"\xFF\xD8\xFF\xE0"), Some("jpg"));
        assert_eq!(sniff_extension(b"II*\x00"), Some("tiff"));
        assert_eq!(sniff_extension(b"MM\x00*"), Some("tiff"));
        assert_eq!(sniff_extension(b"PK\x03\x04....[Content_Types].xml....word/document.xml"), Some("docx"));
        assert_eq!(sniff_extension(b"PK\x03\x04....xl/workbook.xml"), Some("xlsx"));
        assert_eq!(sniff_extension(b"PK\x03\x04....ppt/slides/slide1.xml"), Some("pptx"));
        assert_eq!(sniff_extension(b"PK\x03\x04....other"), Some("zip"));
        assert_eq!(sniff_extension(b"hello"), None);
        assert_eq!(sniff_extension(b""), None);
    }
}
