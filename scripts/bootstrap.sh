#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for reducto-wasm: `bootstrap.sh serve` what building
# and serving need (npm start), `bootstrap.sh` or `bootstrap.sh test` that and the test tools
# too (npm test, npm run bench): wasm-pack, Chromium, Firefox, geckodriver, curl, the Python SDK.
# Idempotent: each step checks first, so a machine that has everything passes in about a second.
# Everything comes from crates.io, Debian or npm: prebuilt downloads from elsewhere fail here.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"
case "$mode" in serve|test) ;; *) echo "bootstrap: unknown mode '$mode' (serve or test)" >&2; exit 64 ;; esac
testing() { [ "$mode" = test ]; }

say() { printf '\033[1mbootstrap:\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export PATH="$HOME/.cargo/bin:$PATH"

# The wasm-bindgen CLI must match the crate exactly; Cargo.toml pins it with "=".
bindgen_version=$(sed -n 's/^wasm-bindgen = .*"=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$bindgen_version" ] || { echo "bootstrap: wasm-bindgen is not pinned with '=' in Cargo.toml" >&2; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if testing && ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack from crates.io (a few minutes on 2 cores)"
  cargo install wasm-pack --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version from crates.io"
  # Its published lock file names webpki-roots 1.0.11, which this registry mirror lacks; when the
  # locked install cannot resolve, let cargo pick the newest compatible versions instead.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --locked --force ||
    cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

if testing && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  say "installing Debian's chromium and chromium-driver"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# The client's browser tests run in Firefox too: Debian's firefox-esr, driven by geckodriver,
# which builds from crates.io.
if testing && [ ! -x /usr/bin/firefox-esr ]; then
  say "installing Debian's firefox-esr"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null
fi
if testing && ! command -v geckodriver >/dev/null; then
  say "installing geckodriver from crates.io (about a minute on 2 cores)"
  cargo install geckodriver --locked
fi

# The engine's OCR rasterizes pages with pdftoppm, and it reads PDF pages drawn turned with
# pdftotext; the edit tests read filled forms back with pdftotext and pdfinfo; the benchmarks
# compare the parser with pdftotext.
if ! command -v pdftotext >/dev/null || ! command -v pdfinfo >/dev/null; then
  say "installing Debian's poppler-utils (pdftotext, pdfinfo)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi

# The Studio's curl snippet is run as a user would paste it (server/tests/it/snippets.rs).
if testing && ! command -v curl >/dev/null; then
  say "installing Debian's curl"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
fi

# OCR of scans and images: Tesseract with its English model and its orientation detection
# (osd, for pages scanned sideways); pdftoppm, above, rasterizes pages.
if ! tesseract --list-langs 2>/dev/null | grep -qx eng || ! tesseract --list-langs 2>/dev/null | grep -qx osd; then
  say "installing Debian's tesseract-ocr, tesseract-ocr-eng and tesseract-ocr-osd"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd >/dev/null
fi

# The official Python SDK in its own virtual environment, with every package it brings pinned
# (tests/sdk/python-requirements.txt): tests/sdk/official_python.py runs it unchanged against
# reducto-local.
python_sdk_version=$(sed -n 's/^reductoai==//p' tests/sdk/python-requirements.txt)
python_sdk=target/python-sdk
if testing && ! "$python_sdk/bin/python" -c "import reducto, sys; sys.exit(reducto.__version__ != '$python_sdk_version')" 2>/dev/null; then
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    say "installing Debian's python3-venv"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  say "installing the official Python SDK (reductoai $python_sdk_version) into $python_sdk"
  python3 -m venv "$python_sdk"
  "$python_sdk/bin/pip" install --quiet --disable-pip-version-check -r tests/sdk/python-requirements.txt
fi

# npm ci only when package-lock.json changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
