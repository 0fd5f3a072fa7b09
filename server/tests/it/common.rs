//! The harness every test file shares: [`Server`] drives `app()` with `oneshot` (no socket),
//! [`Live`] serves it on a real loopback socket for tests that need a real HTTP client
//! (dropped connections, streamed bodies), and [`Process`] runs the `reducto-local` binary for
//! what only a process shows (a crash, its environment, what it prints).
#![allow(dead_code)]

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use reducto_local::{app, AppState, Config};
use serde_json::{json, Value};
use tower::ServiceExt;

pub struct Server {
    pub dir: tempfile::TempDir,
    pub state: AppState,
    pub app: Router,
    pub key: Option<&'static str>,
}

impl Server {
    pub async fn new() -> Server {
        Server::with(|_| {}).await
    }

    pub async fn with(tweak: impl FnOnce(&mut Config)) -> Server {
        Server::over(tempfile::tempdir().unwrap(), tweak).await
    }

    /// A server over an existing data dir (a "restart").
    pub async fn over(dir: tempfile::TempDir, tweak: impl FnOnce(&mut Config)) -> Server {
        let config = config_in(&dir, tweak);
        let state = AppState::open(config).await.unwrap();
        Server { dir, app: app(state.clone()), state, key: None }
    }

    /// Stops the job workers the way a graceful shutdown does and hands back the data dir.
    pub async fn shut_down(self) -> tempfile::TempDir {
        self.state.runner.shutdown().await;
        self.dir
    }

    pub async fn send(&self, mut req: Request<Body>) -> Reply {
        if let Some(key) = self.key {
            req.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {key}").parse().unwrap());
        }
        let what = format!("{} {}", req.method(), req.uri());
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Reply { what, status, headers, body }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    pub async fn json(&self, method: Method, uri: &str, body: Value) -> Reply {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    pub async fn post(&self, uri: &str, body: Value) -> Reply {
        self.json(Method::POST, uri, body).await
    }

    pub async fn upload(&self, uri: &str, field: &str, filename: &str, bytes: &[u8]) -> Reply {
        let (content_type, body) = multipart(field, filename, bytes);
        let req =
            Request::post(uri).header(header::CONTENT_TYPE, content_type).body(Body::from(body)).unwrap();
        self.send(req).await
    }

    /// Uploads a fixture PDF and returns its file id.
    pub async fn upload_fixture(&self, name: &str) -> String {
        let reply = self.upload("/upload?extension=pdf", "file", name, &fixture(name)).await;
        reply.expect(StatusCode::OK);
        reply.body["file_id"].as_str().unwrap().to_owned()
    }

    /// Uploads a generated PDF and returns its file id.
    pub async fn upload_pdf(&self, bytes: &[u8]) -> String {
        let reply = self.upload("/upload?extension=pdf", "file", "generated.pdf", bytes).await;
        reply.expect(StatusCode::OK);
        reply.body["file_id"].as_str().unwrap().to_owned()
    }

    /// Uploads text and returns its file id.
    pub async fn upload_text(&self, text: &str) -> String {
        let reply = self.upload("/upload", "file", "notes.txt", text.as_bytes()).await;
        reply.expect(StatusCode::OK);
        reply.body["file_id"].as_str().unwrap().to_owned()
    }

    /// Creates a pipeline with `steps` and returns its id.
    pub async fn create(&self, steps: Value) -> String {
        let reply = self.post("/studio/pipelines", json!({"name": "Invoices", "steps": steps})).await;
        reply.expect(StatusCode::CREATED);
        reply.body["id"].as_str().unwrap().to_owned()
    }

    pub async fn deploy(&self, id: &str) -> Reply {
        let reply = self.post(&format!("/studio/pipelines/{id}/deploy"), json!({})).await;
        reply.expect(StatusCode::OK);
        reply
    }

    pub async fn run(&self, pipeline_id: &str, input: Value) -> Reply {
        self.post("/pipeline", json!({"input": input, "pipeline_id": pipeline_id})).await
    }

    /// Slows every job down by `ms` per page (the server needs `enable_faults`).
    pub async fn page_delay(&self, ms: u64) {
        self.post("/_faults/engine", json!({"page_delay_ms": ms})).await.expect(StatusCode::OK);
    }

    /// Polls `GET /job/{id}` until `done` says so, failing after 20 s.
    pub async fn poll_until(&self, id: &str, mut done: impl FnMut(&Value) -> bool) -> Reply {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let reply = self.get(&format!("/job/{id}")).await;
            reply.expect(StatusCode::OK);
            if done(&reply.body) {
                return reply;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "job {id} never reached the awaited state: {}",
                reply.body
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Polls until the job is no longer Pending.
    pub async fn finished(&self, id: &str) -> Reply {
        self.poll_until(id, |job| job["status"] != "Pending").await
    }
}

/// Polls `check` every 10 ms until it holds, failing with `what` after `within`: how the tests
/// wait for something that happens in the background (never a fixed sleep).
pub async fn eventually<F: std::future::Future<Output = bool>>(
    what: &str,
    within: Duration,
    mut check: impl FnMut() -> F,
) {
    let deadline = tokio::time::Instant::now() + within;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "{what} did not happen within {within:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The states of the presigned uploads in the database under `data_dir` ('waiting',
/// 'receiving' or 'done'), read as another process would.
pub fn presigned_states(data_dir: &std::path::Path) -> Vec<String> {
    let db = rusqlite::Connection::open(data_dir.join("reducto.sqlite3")).unwrap();
    let mut query = db.prepare("SELECT state FROM presigned_uploads ORDER BY rowid").unwrap();
    query.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect()
}

/// The names of the files in `dir` (none if it does not exist).
pub fn files_in(dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

/// A `multipart/form-data` body with one file field: its content type and bytes.
pub fn multipart(field: &str, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "XyZzY-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub fn config_in(dir: &tempfile::TempDir, tweak: impl FnOnce(&mut Config)) -> Config {
    let mut config = Config {
        data_dir: dir.path().join("data"),
        www: dir.path().join("www"),
        pkg: dir.path().join("pkg"),
        // The tests serve their documents from loopback; the guard's own tests turn it back on.
        allow_private_urls: true,
        ..Config::default()
    };
    tweak(&mut config);
    config
}

pub struct Reply {
    pub what: String,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn expect(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "{} answered {}: {}", self.what, self.status, self.body);
        self
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
    }

    /// The `detail` string of an ordinary error.
    pub fn detail(&self) -> &str {
        self.body["detail"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: no string detail in {}", self.what, self.body))
    }

    /// The first FastAPI validation error of a 422.
    pub fn validation(&self) -> &Value {
        self.expect(StatusCode::UNPROCESSABLE_ENTITY);
        let errors = self.body["detail"].as_array().unwrap_or_else(|| panic!("{}: {}", self.what, self.body));
        let e = &errors[0];
        assert!(e["loc"].is_array() && e["msg"].is_string() && e["type"].is_string(), "{e}");
        e
    }

    pub fn chunks(&self) -> &Vec<Value> {
        self.body["result"]["parse"]["result"]["chunks"].as_array().unwrap()
    }

    pub fn job_id(&self) -> String {
        self.body["job_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: no job_id in {}", self.what, self.body))
            .to_owned()
    }
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../tests/fixtures/pdfs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A minimal PDF with one Helvetica text line per entry of each page (US Letter, 11 pt on a
/// 14 pt leading; an empty line leaves a gap, which starts a new block). A tab in a line starts
/// a table cell at the next column stop (every 150 pt), drawn apart as in a real table.
/// Uncompressed and hand-laid-out so tests can make documents with known text without any PDF
/// library.
pub fn pdf(pages: &[Vec<String>]) -> Vec<u8> {
    let font = 3;
    let first_page = 4;
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", first_page + 2 * i)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    for (i, lines) in pages.iter().enumerate() {
        let mut content = String::from("BT /F1 11 Tf\n");
        for (row, line) in lines.iter().enumerate() {
            let y = 720 - 14 * row;
            for (column, cell) in line.split('\t').enumerate().filter(|(_, cell)| !cell.is_empty()) {
                let escaped = cell.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
                content.push_str(&format!("1 0 0 1 {} {y} Tm ({escaped}) Tj\n", 72 + 150 * column));
            }
        }
        content.push_str("ET");
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font} 0 R >> >> \
             /Contents {} 0 R >>",
            first_page + 2 * i + 1
        ));
        objects.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()));
    }
    serialize(&objects.into_iter().map(String::into_bytes).collect::<Vec<_>>())
}

/// A one-page US Letter PDF drawn by `content`, a raw content stream whose font `/F1` is
/// Helvetica: for layouts `pdf` cannot make, such as lines in different sizes.
pub fn drawn_pdf(content: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> \
         /Contents 5 0 R >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
    ];
    serialize(&objects.map(String::into_bytes))
}

/// Objects 1..n (the first the catalog), the cross-reference table and the trailer.
pub fn serialize(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}

/// Pages of lines from text: pages separated by a form feed, lines by newlines.
pub fn pages(text: &str) -> Vec<Vec<String>> {
    text.split('\u{c}').map(|page| page.lines().map(str::to_owned).collect()).collect()
}

pub fn page_chunking() -> Value {
    json!({"parse": {"options": {"chunking": {"chunk_mode": "page"}}}})
}

/// A server on a real loopback socket, stopped by [`Live::stop`].
pub struct Live {
    pub url: String,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    stop: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<Result<(), String>>,
}

impl Live {
    pub async fn start(tweak: impl FnOnce(&mut Config)) -> Live {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(config_in(&dir, tweak)).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(reducto_local::serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Live { url, state, dir, stop, served }
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    pub async fn stop(self) -> tempfile::TempDir {
        let _ = self.stop.send(());
        self.served.await.unwrap().unwrap();
        self.dir
    }
}

/// A packet of tests/fixtures/packets.json, shared with the JS tests, as a PDF.
pub fn packet_named(name: &str) -> Vec<u8> {
    let packets: Value = serde_json::from_str(include_str!("../../../tests/fixtures/packets.json")).unwrap();
    let pages: Vec<Vec<String>> = serde_json::from_value(packets[name].clone()).unwrap();
    pdf(&pages)
}

/// The server's five-page packet: an invoice (pages 1-2), a photo caption, a contract (pages 4-5).
pub fn packet() -> Vec<u8> {
    packet_named("invoice-photo-contract")
}

/// The packet's categories for split.
pub fn categories() -> serde_json::Value {
    serde_json::json!([
        {"name": "Invoice", "description": "Bills with line items, an amount due and a total"},
        {"name": "Contract", "description": "An agreement between parties, with signatures"}
    ])
}

/// Page `page` of `pdf` as an image (`format`: "png" or "jpeg") at `dpi`, by poppler's
/// `pdftoppm` (installed by the bootstrap): a scan of a document whose text is known.
pub fn rasterize(pdf: &[u8], page: u32, format: &str, dpi: u32) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args([&format!("-{format}"), "-gray", "-singlefile", "-r", &dpi.to_string()])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(&input)
        .arg(dir.path().join("out"))
        .status()
        .expect("pdftoppm (poppler-utils, installed by scripts/bootstrap.sh)");
    assert!(status.success());
    let extension = if format == "jpeg" { "jpg" } else { format };
    std::fs::read(dir.path().join(format!("out.{extension}"))).unwrap()
}

/// A PDF whose pages are only images, as a scanner writes them: each entry is a JPEG drawn
/// over a whole US Letter page, with no text layer.
pub fn scanned_pdf(jpegs: &[Vec<u8>]) -> Vec<u8> {
    let first_page = 3;
    let kids: Vec<String> = (0..jpegs.len()).map(|i| format!("{} 0 R", first_page + 3 * i)).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), jpegs.len()).into_bytes(),
    ];
    for (i, jpeg) in jpegs.iter().enumerate() {
        let (width, height, components) = jpeg_size(jpeg);
        let color = if components == 1 { "DeviceGray" } else { "DeviceRGB" };
        let image = first_page + 3 * i + 2;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 {image} 0 R >> >> \
                 /Contents {} 0 R >>",
                image - 1
            )
            .into_bytes(),
        );
        let content = "q 612 0 0 792 0 0 cm /Im1 Do Q";
        objects.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes());
        let mut stream = format!(
            "<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /{color} \
             /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            jpeg.len()
        )
        .into_bytes();
        stream.extend_from_slice(jpeg);
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }
    serialize(&objects)
}

/// A JPEG's width, height and number of color components, from its start-of-frame marker.
fn jpeg_size(jpeg: &[u8]) -> (u32, u32, u8) {
    let mut at = 2;
    loop {
        let marker = jpeg[at + 1];
        let length = u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]) as usize;
        if (0xC0..=0xC3).contains(&marker) {
            let height = u16::from_be_bytes([jpeg[at + 5], jpeg[at + 6]]) as u32;
            let width = u16::from_be_bytes([jpeg[at + 7], jpeg[at + 8]]) as u32;
            return (width, height, jpeg[at + 9]);
        }
        at += 2 + length;
    }
}

/// A `reducto-local` process on a free port over a fresh data dir, as a user starts it; killed
/// when dropped.
pub struct Process {
    pub url: String,
    pub dir: tempfile::TempDir,
    child: std::process::Child,
    /// How it was started, for [`Process::restart`].
    args: Vec<String>,
    env: Vec<(String, String)>,
}

impl Process {
    /// Starts the binary with `args` (besides the port and data dir) and `env`, and waits for
    /// its `listening on` line.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Process {
        Process::over(tempfile::tempdir().unwrap(), args, env)
    }

    /// The same over `dir`, its data dir being `dir/data`.
    pub fn over(dir: tempfile::TempDir, args: &[&str], env: &[(&str, &str)]) -> Process {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (child, url) = Process::spawn(&dir, &args, &env);
        Process { url, dir, child, args, env }
    }

    /// Kills the process at once (SIGKILL: no shutdown code runs, as in a crash) and starts it
    /// again over the same data dir, on a new port.
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        (self.child, self.url) = Process::spawn(&self.dir, &self.args, &self.env);
    }

    fn spawn(
        dir: &tempfile::TempDir,
        args: &[String],
        env: &[(String, String)],
    ) -> (std::process::Child, String) {
        use std::io::BufRead;
        let data = dir.path().join("data");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_reducto-local"))
            .args(["--port", "0", "--data-dir", data.to_str().unwrap()])
            .args(args)
            .env_remove("REDUCTO_LOCAL_API_KEY")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        let url =
            first.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("{first:?}")).to_owned();
        (child, url)
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Uploads `bytes` as a client does (create the upload, then PUT to its presigned URL) and
    /// gives the file id.
    pub async fn upload(&self, bytes: Vec<u8>) -> String {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let created: Value = http.post(self.at("/upload")).send().await.unwrap().json().await.unwrap();
        let put = http.put(created["presigned_url"].as_str().unwrap()).body(bytes).send().await.unwrap();
        assert_eq!(put.status(), 200);
        created["file_id"].as_str().unwrap().to_owned()
    }

    /// GETs `path` and gives the status and the JSON answer.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let reply = http.get(self.at(path)).send().await.unwrap();
        (reply.status(), reply.json().await.unwrap())
    }

    /// POSTs `body` as JSON and gives the status and the JSON answer.
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let reply = http.post(self.at(path)).json(&body).send().await.unwrap();
        (reply.status(), reply.json().await.unwrap())
    }

    /// Whether the process is still running (and not, say, aborted by a stack overflow).
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Stops the process and gives what it printed on stderr.
    pub fn stop(mut self) -> String {
        use std::io::Read;
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut stderr = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        stderr
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Stand-ins for the command-line tools the server runs (it finds them on its PATH): each runs
/// its shell line `before`, then the real tool with the same arguments.
pub struct StandIns {
    pub dir: tempfile::TempDir,
}

impl StandIns {
    pub fn new(tools: &[(&str, &str)]) -> StandIns {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        for (tool, before) in tools {
            let real = std::env::split_paths(&std::env::var_os("PATH").unwrap())
                .map(|bin| bin.join(tool))
                .find(|path| path.is_file())
                .unwrap_or_else(|| panic!("{tool} is not on the PATH (scripts/bootstrap.sh installs it)"));
            let path = dir.path().join(tool);
            std::fs::write(&path, format!("#!/bin/sh\n{before}\nexec '{}' \"$@\"\n", real.display()))
                .unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        StandIns { dir }
    }

    /// A PATH with the stand-ins first.
    pub fn path(&self) -> String {
        format!("{}:{}", self.dir.path().display(), std::env::var("PATH").unwrap())
    }
}

/// A ZIP archive of `entries`, deflated, as DOCX and XLSX files are.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, contents) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(contents).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The extract schema of the tests over several documents: an invoice's number and total, and
/// who signed the contract.
pub fn extract_schema() -> Value {
    json!({"type": "object", "properties": {
        "invoice_number": {"type": "string"},
        "total": {"type": "number"},
        "signed": {"type": "string"}
    }})
}
