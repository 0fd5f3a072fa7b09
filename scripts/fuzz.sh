#!/usr/bin/env bash
# `npm run fuzz [SECONDS]`: runs every fuzz target of server/fuzz for SECONDS each (default 60)
# with libFuzzer, seeded with the project's fixtures, and writes what each run did and found to
# bench/fuzz.md. Needs nightly Rust and cargo-fuzz, which this script installs when missing.
# A crash leaves its input in server/fuzz/artifacts/<target>/; fix it, then keep the input as a
# regression test beside the hostile documents of server/tests/it/hostile.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
say() { printf '\033[1mfuzz:\033[0m %s\n' "$*"; }

if ! rustup toolchain list | grep -q '^nightly'; then
  say "installing nightly Rust (minimal profile)"
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null; then
  say "installing cargo-fuzz from crates.io"
  cargo install cargo-fuzz --locked
fi

fuzz=server/fuzz
corpus="$fuzz/corpus"
# Seeds: the sample PDFs, small hand-written documents, and Office files made here.
mkdir -p "$corpus"/{read_pdf,read_docx,read_xlsx,read_csv,read_html,read_text,extract_schema,nest_pdf}
cp tests/fixtures/pdfs/*.pdf "$corpus/read_pdf/"
cp "$fuzz"/seeds/csv/* "$corpus/read_csv/"
cp "$fuzz"/seeds/html/* "$corpus/read_html/"
cp "$fuzz"/seeds/text/* "$corpus/read_text/"
cp "$fuzz"/seeds/extract_schema/* "$corpus/extract_schema/"
# Nesting plans: a place byte, then openers (see fuzz_targets/nest_pdf.rs).
printf '\x00\x10\x11\x12' > "$corpus/nest_pdf/catalog-arrays"
printf '\x03\xff\xfe\xfd\xfc\xfb\xfa' > "$corpus/nest_pdf/compressed-content"
python3 - "$corpus" <<'PY'
import sys, zipfile
corpus = sys.argv[1]
with zipfile.ZipFile(f"{corpus}/read_docx/seed.docx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("word/document.xml", '<w:document xmlns:w="w"><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Invoice &amp; co</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>Item</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><w:br w:type="page"/><w:t>Page two</w:t></w:r></w:p></w:body></w:document>')
with zipfile.ZipFile(f"{corpus}/read_xlsx/seed.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", '<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr("xl/sharedStrings.xml", '<sst><si><t>Item</t></si><si><r><t>Bolts</t></r></si></sst>')
    z.writestr("xl/styles.xml", '<styleSheet><cellXfs><xf numFmtId="14"/></cellXfs></styleSheet>')
    z.writestr("xl/worksheets/sheet1.xml", '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="0"><v>45356</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="C2" t="b"><v>1</v></c></row></sheetData></worksheet>')
PY

report=bench/fuzz.md
{
  echo "# Fuzzing"
  echo
  echo "Written by \`npm run fuzz -- $seconds\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(rustc +nightly --version)."
    echo "Each target ran for $seconds s (its build apart) with libFuzzer (\`-max_len=1048576 -rss_limit_mb=4096 -timeout=10\`), seeded with the fixtures."
  echo
  echo "| target | ran | inputs executed | corpus | found |"
  echo "| --- | ---: | ---: | ---: | --- |"
} > "$report.tmp"
say "building the targets (nightly, with sanitizers)"
(cd "$fuzz" && cargo +nightly fuzz build)
status=0
for target in read_pdf read_docx read_xlsx read_csv read_html read_text extract_schema nest_pdf; do
  say "$target for ${seconds}s"
  log="$fuzz/artifacts/$target.log"
  mkdir -p "$fuzz/artifacts/$target"
  started=$(date +%s)
  if (cd "$fuzz" && cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=4096 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="artifacts/$target/") > "$log" 2>&1; then
    found="nothing"
  else
    found="**a failure**: see \`$fuzz/artifacts/$target/\` and \`$log\`"
    status=1
  fi
  ran=$(( $(date +%s) - started ))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  size=$(ls "$fuzz/corpus/$target" | wc -l)
  echo "| \`$target\` | ${ran} s | ${runs:-?} | $size | $found |" >> "$report.tmp"
done
mv "$report.tmp" "$report"
say "wrote $report"
exit $status
