"""The official Python SDK (PyPI `reductoai`, pinned by scripts/bootstrap.sh), unchanged, against a
running reducto-local: upload, parse, extract, split, pipeline, classify, edit, and deleting jobs and
uploads.

Run by tests/sdk/official-python.test.mjs with target/python-sdk/bin/python, which starts the
server and sets REDUCTO_TEST_URL (and REDUCTO_TEST_API_KEY when the server wants a key).
Plain unittest, so the virtual environment needs nothing beyond the SDK.
"""

import json
import os
import time
import unittest
import urllib.request
from pathlib import Path

from reducto import NotFoundError, Reducto

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "target" / "test-fixtures"
FORM = ROOT / "tests" / "fixtures" / "forms" / "application.pdf"
BASE_URL = os.environ.get("REDUCTO_TEST_URL", "")
# The SDK refuses to start without a key; a server started without --api-key ignores it.
API_KEY = os.environ.get("REDUCTO_TEST_API_KEY") or "no-key-needed"


def studio(path, body):
    """POSTs to the server's own Studio endpoints, which the SDK does not know."""
    request = urllib.request.Request(
        f"{BASE_URL}/studio/pipelines{path}",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {API_KEY}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


class OfficialPythonSdk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Never a skip: a run that tested nothing must not look like a pass.
        if not BASE_URL:
            raise RuntimeError("REDUCTO_TEST_URL is not set: run tests/sdk/official-python.test.mjs")
        cls.client = Reducto(api_key=API_KEY, base_url=BASE_URL, max_retries=0)

    def wait_for(self, job_id):
        """Polls job.get until the job leaves Pending, for at most a minute."""
        deadline = time.monotonic() + 60
        job = self.client.job.get(job_id)
        while job.status in ("Pending", "Idle") and time.monotonic() < deadline:
            time.sleep(0.05)
            job = self.client.job.get(job_id)
        return job

    def test_upload_then_pipeline_run(self):
        upload = self.client.upload(file=FIXTURES / "packet.pdf")
        self.assertTrue(upload.file_id.startswith("reducto://"), f"upload gave file_id {upload.file_id!r}")
        pipeline = studio("", {"name": "Python SDK", "steps": {"parse": {}}})
        pipeline_id = studio(f"/{pipeline['id']}/deploy", {})["pipeline_id"]
        result = self.client.pipeline.run(input=upload, pipeline_id=pipeline_id)
        self.assertEqual(result.usage.num_pages, 3, "the packet has three pages")
        self.assertEqual(result.result.parse.usage.num_pages, 3, "the pipeline's parse step read every page")

    def test_classify_run(self):
        upload = self.client.upload(file=FIXTURES / "packet.pdf")
        result = self.client.classify.run(
            input=upload.file_id,
            classification_schema=[
                {"category": "invoice", "criteria": ["invoice number", "total due"]},
                {"category": "recipe", "criteria": ["ingredients", "oven"]},
            ],
        )
        self.assertEqual(result.response_type, "classify")
        self.assertEqual(result.result.category, "invoice", f"the packet was classified as {result.result!r}")

    def test_parse_extract_and_split_run(self):
        # The packet (tests/support/packet.mjs): an invoice, a purchase order and a receipt, a page each.
        upload = self.client.upload(file=FIXTURES / "packet.pdf")
        parsed = self.client.parse.run(input=upload.file_id, retrieval={"chunking": {"chunk_mode": "page"}})
        self.assertEqual(parsed.response_type, "parse")
        self.assertEqual(parsed.result.type, "full")
        self.assertEqual([chunk.blocks[0].bbox.page for chunk in parsed.result.chunks], [1, 2, 3])
        self.assertIn("INV-2041", parsed.result.chunks[0].content)

        schema = {"type": "object", "properties": {
            "invoice_number": {"type": "string", "description": "The invoice number"},
            "total": {"type": "number", "description": "The total amount due"},
        }}
        extracted = self.client.extract.run(input=upload.file_id, instructions={"schema": schema})
        # The SDK's model names every field below; the spec leaves ExtractResponse open.
        self.assertEqual(extracted.response_type, "extract")
        self.assertTrue(extracted.job_id)
        self.assertEqual(extracted.usage.num_pages, 3)
        self.assertEqual(extracted.result, [{"invoice_number": "INV-2041", "total": 1250}])

        split = self.client.split.run(
            input=upload.file_id,
            split_description=[
                {"name": "Invoice", "description": "Bills with an invoice number and a total due"},
                {"name": "Purchase order", "description": "Orders with a PO number"},
                {"name": "Receipt", "description": "Proof of payment"},
            ],
        )
        self.assertEqual(split.response_type, "split")
        self.assertTrue(split.job_id)
        self.assertEqual(
            [(section.name, section.pages) for section in split.result.splits],
            [("Invoice", [1]), ("Purchase order", [2]), ("Receipt", [3])],
        )

    def form_values(self, pdf):
        """The form's values as the server reads them back: an edit with no instructions fills
        nothing and answers the document's form_schema, each widget with its value."""
        upload = self.client.upload(file=("form.pdf", pdf))
        read = self.client.edit.run(document_url=upload, edit_instructions="")
        return {widget.description: widget.value for widget in read.form_schema}

    def test_edit_run_fills_a_form(self):
        upload = self.client.upload(file=FORM)
        edited = self.client.edit.run(document_url=upload, edit_instructions="Full name: Ada Lovelace")
        self.assertEqual(edited.response_type, "edit")
        # A presigned-style URL: it downloads without the API key, as on Reducto's cloud.
        with urllib.request.urlopen(edited.document_url, timeout=60) as response:
            document = response.read()
        self.assertTrue(document.startswith(b"%PDF"), f"{edited.document_url} gave {document[:40]!r}, not a PDF")
        original = FORM.read_bytes()
        self.assertFalse(document == original, "the download is the original form, not the edited one")
        # The downloaded bytes, uploaded again, carry the value; the original does not.
        empty = {"Full name": None, "Date": None, "Amount": None, "Member": "false"}
        self.assertEqual(self.form_values(original), empty)
        self.assertEqual(self.form_values(document), {**empty, "Full name": "Ada Lovelace"})

    def test_delete_a_finished_job(self):
        upload = self.client.upload(file=FIXTURES / "packet.pdf")
        started = self.client.classify.run_job(
            input=upload.file_id,
            classification_schema=[{"category": "invoice", "criteria": ["invoice number"]}],
        )
        job = self.wait_for(started.job_id)
        self.assertEqual(job.status, "Completed", f"the classify job ended as {job.status}: {job.reason}")
        self.assertEqual(job.result.result.category, "invoice")
        deleted = self.client.job.delete(started.job_id)
        self.assertEqual(deleted.job_id, started.job_id, "job.delete answers with the job's ID")
        with self.assertRaises(NotFoundError, msg="a deleted job is gone"):
            self.client.job.get(started.job_id)

    def test_delete_an_upload(self):
        upload = self.client.upload(file=FIXTURES / "packet.pdf")
        deleted = self.client.delete_upload(upload.file_id)
        self.assertEqual(deleted.file_id, upload.file_id, "delete_upload answers with the file's ID")
        with self.assertRaises(NotFoundError, msg="a deleted upload can no longer be parsed"):
            self.client.parse.run(input=upload.file_id)


if __name__ == "__main__":
    unittest.main(verbosity=2)
