// A PDF form's field values as pdf.js (pdfjs-dist, the reader the pages use) reads them: a
// reader other than the server's own, for tests of what an edit wrote.
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

/** `{ fieldName: value }` of every form field of `pdf` (bytes); a checkbox reads "Off" or its
 * on-state's name. */
export async function formValues(pdf) {
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  try {
    const fields = (await document.getFieldObjects()) ?? {};
    return Object.fromEntries(Object.entries(fields).map(([name, widgets]) => [name, widgets[0].value]));
  } finally {
    await document.destroy();
  }
}
