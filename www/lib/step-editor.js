// A form editor for a pipeline's `steps` ({parse?, split?, extract?, edit?}), kept in sync with
// a raw JSON view of the same object. The form covers what people change most: chunking and the
// document password, split categories, an extract schema built field by field, edit
// instructions. Whatever it cannot show (other parse options, a schema property using `oneOf`,
// an edit step's `form_schema`) is kept as written, so a round trip through the form never loses
// a key. validate() catches what the server would refuse or what is plainly unfinished, in
// words that name the place; the server still has the last word on save.
//
//   const editor = createStepEditor(element, { onChange: (steps) => markUnsaved(steps) });
//   editor.setSteps(pipeline.draft);
//   save(editor.getSteps()); // throws with validate()'s messages while something is wrong

import { el as h } from "./dom.js";

const CHUNK_MODES = [
  ["disabled", "disabled (one chunk)"],
  ["page", "page (one chunk per page)"],
  ["section", "section (a chunk per heading)"],
  ["variable", "variable (by size)"],
];

// The value is what tests and code select by; the text is what people read.
const FIELD_TYPES = [
  ["string", "string"],
  ["number", "number"],
  ["integer", "integer"],
  ["boolean", "boolean"],
  ["date", "date"],
  ["enum", "enum (one of a list)"],
  ["object", "object"],
  ["array-of-objects", "array of objects"],
  ["array-of-strings", "array of strings"],
];
const HAS_CHILDREN = new Set(["object", "array-of-objects"]);

/** Builds the editor inside `container`; returns `{ setSteps, getSteps, validate }`. */
export function createStepEditor(container, { onChange } = {}) {
  const parse = parseSection();
  const split = splitSection(edited);
  const extract = extractSection(edited);
  const edit = editSection();
  const sections = { parse, split, extract, edit };

  const form = h("div", { className: "form-view" }, parse.el, split.el, extract.el, edit.el);
  // Typing, ticking and choosing all bubble up here; add and remove buttons call edited() themselves.
  form.addEventListener("input", edited);

  const jsonError = h("p", { className: "json-error", role: "alert", id: uniqueId("json-error"), hidden: true });
  const jsonText = h("textarea", { name: "steps-json", spellcheck: false, rows: 18, autocomplete: "off" });
  jsonText.setAttribute("aria-describedby", jsonError.id);
  jsonText.addEventListener("input", jsonEdited);
  const json = h("div", { className: "json-view" },
    h("label", {}, h("span", { className: "label" }, "Steps as JSON"), jsonText), jsonError);

  const root = h("div", { className: "step-editor" }, h("div", { className: "views" }, form, json));
  container.append(root);

  // The JSON text's problem while it does not parse or has the wrong shape; the form then shows
  // the last good steps, and validate() reports only this, since the text is what was typed last.
  let jsonProblem = null;

  function build() {
    const steps = {};
    for (const [name, section] of Object.entries(sections)) {
      const step = section.read();
      if (step !== undefined) steps[name] = step;
    }
    return steps;
  }

  function validate() {
    if (jsonProblem) return [jsonProblem];
    return Object.values(sections).flatMap((section) => section.problems());
  }

  function showJsonProblem(problem) {
    jsonProblem = problem;
    jsonError.textContent = problem ?? "";
    jsonError.hidden = !problem;
    jsonText.setAttribute("aria-invalid", String(Boolean(problem)));
  }

  function fillForm(steps) {
    for (const [name, section] of Object.entries(sections)) section.fill(steps[name] ?? undefined);
    relabel();
  }

  function relabel() {
    split.relabel();
    extract.relabel();
  }

  function notify() {
    onChange?.(validate().length ? null : build());
  }

  function edited() {
    relabel();
    jsonText.value = JSON.stringify(build(), null, 2);
    showJsonProblem(null);
    notify();
  }

  function jsonEdited() {
    const { steps, problem } = readStepsJson(jsonText.value);
    showJsonProblem(problem);
    if (!problem) fillForm(steps);
    notify();
  }

  return {
    setSteps(steps) {
      const given = steps ?? {};
      jsonText.value = JSON.stringify(given, null, 2);
      const problem = shapeProblem(given);
      showJsonProblem(problem && `The steps have the wrong shape: ${problem}`);
      fillForm(problem ? {} : given);
    },
    getSteps() {
      const problems = validate();
      if (problems.length) throw new Error(problems.join("\n"));
      return build();
    },
    validate,
  };
}

// ---- Sections. Each returns { el, fill(step), read(), problems() }; read() gives undefined
// when the step is off. `original` is the step as last given, for the keys the form cannot show.

function parseSection() {
  let original;
  let shown = {};
  const mode = h("select", { name: "chunk-mode" },
    ...CHUNK_MODES.map(([value, text]) => h("option", { value, textContent: text })));
  const size = h("input", { type: "number", name: "chunk-size", min: 1, step: 1, inputMode: "numeric", placeholder: "1000" });
  const sizeLabel = labeled("Chunk size (characters)", size);
  const password = h("input", { type: "password", name: "document-password", autocomplete: "new-password" });
  mode.addEventListener("input", () => { sizeLabel.hidden = mode.value !== "variable"; });

  const el = h("fieldset", { className: "step" },
    h("legend", {}, "Parse ", h("span", { className: "hint" }, "(always runs)")),
    h("div", { className: "step-body row" },
      labeled("Chunk mode", mode),
      sizeLabel,
      labeled("Document password", password)));

  const untouched = () => mode.value === shown.mode && size.value === shown.size && password.value === shown.password;

  return {
    el,
    fill(step) {
      original = step;
      const options = isObject(step?.options) ? step.options : {};
      const chunking = chunkingHome(options).chunking;
      mode.value = chunking?.chunk_mode ?? "disabled";
      size.value = chunking?.chunk_size ?? "";
      const saved = options.settings?.document_password;
      password.value = typeof saved === "string" ? saved : "";
      sizeLabel.hidden = mode.value !== "variable";
      shown = { mode: mode.value, size: size.value, password: password.value };
    },
    read() {
      if (untouched()) return original;
      const options = isObject(original?.options) ? structuredClone(original.options) : {};
      if (mode.value !== shown.mode || size.value !== shown.size) {
        const home = chunkingHome(options);
        const chunking = { ...(isObject(home.chunking) ? home.chunking : {}), chunk_mode: mode.value };
        if (mode.value === "variable") {
          if (size.value === "") delete chunking.chunk_size;
          else chunking.chunk_size = Number(size.value);
        }
        home.chunking = chunking;
      }
      if (password.value !== shown.password) {
        const settings = isObject(options.settings) ? options.settings : {};
        if (password.value) settings.document_password = password.value;
        else delete settings.document_password;
        if (Object.keys(settings).length) options.settings = settings;
        else delete options.settings;
      }
      if (original === undefined && !Object.keys(options).length) return undefined;
      return { ...original, options };
    },
    problems() {
      const whole = /^\d+$/.test(size.value) && Number(size.value) > 0;
      if (mode.value === "variable" && (size.validity.badInput || (size.value !== "" && !whole))) {
        return ["Chunk size must be a whole number above 0"];
      }
      return [];
    },
  };
}

// Chunking is `options.chunking` (the short form), or `options.retrieval.chunking` as in
// Reducto's spec when only that is written; the server reads them in that order.
function chunkingHome(options) {
  if (options.chunking == null && isObject(options.retrieval) && options.retrieval.chunking != null) {
    return options.retrieval;
  }
  return options;
}

function splitSection(edited) {
  const rows = [];
  const list = h("div", { className: "categories" });
  const add = h("button", { type: "button", className: "add-category", textContent: "Add category" });
  const { el, toggle, body, present } = optionalStep("split", "Split", "Cut the document into sections by category.");
  body.append(list, add);

  add.addEventListener("click", () => {
    addRow({}).focus();
    edited();
  });
  toggle.addEventListener("input", () => {
    if (toggle.checked && !rows.length) addRow({});
  });

  function addRow(category) {
    const name = h("input", { name: "category-name", value: category.name ?? "" });
    const description = h("input", { name: "category-description", value: category.description ?? "" });
    const partitionKey = h("input", { name: "category-partition-key", value: category.partition_key ?? "" });
    const remove = h("button", { type: "button", className: "remove-category", textContent: "Remove" });
    const rowEl = h("div", { className: "category row", role: "group" },
      labeled("Name", name), labeled("Description", description, "wide"),
      labeled("Partition key (optional)", partitionKey), remove);
    const row = {
      el: rowEl,
      focus: () => name.focus(),
      read() {
        const out = { name: name.value, description: description.value };
        if (partitionKey.value) out.partition_key = partitionKey.value;
        return out;
      },
      relabel(i) {
        const what = `category ${i + 1}${name.value.trim() ? ` ("${name.value}")` : ""}`;
        rowEl.setAttribute("aria-label", `Split ${what}`);
        remove.setAttribute("aria-label", `Remove ${what}`);
      },
    };
    remove.addEventListener("click", () => {
      removeRow(rows, row, add);
      edited();
    });
    rows.push(row);
    list.append(rowEl);
    return row;
  }

  return {
    el,
    fill(step) {
      rows.length = 0;
      list.replaceChildren();
      present(step);
      for (const category of step?.categories ?? []) addRow(category);
    },
    read() {
      return toggle.checked ? { categories: rows.map((row) => row.read()) } : undefined;
    },
    problems() {
      if (!toggle.checked) return [];
      if (!rows.length) return ["Split needs at least one category"];
      const problems = [];
      rows.forEach((row, i) => {
        const { name, description } = row.read();
        if (!name.trim()) problems.push(`Split category ${i + 1} needs a name`);
        if (!description.trim()) problems.push(`Split category ${i + 1}${name.trim() ? ` ("${name}")` : ""} needs a description`);
      });
      for (const name of duplicates(rows.map((row) => row.read().name))) {
        problems.push(`Two split categories are both named "${name}"`);
      }
      return problems;
    },
    relabel() {
      rows.forEach((row, i) => row.relabel(i));
    },
  };
}

function extractSection(edited) {
  let original;
  let shown = {};
  const { el, toggle, body, present } = optionalStep("extract", "Extract", "Pull structured data out, described by a JSON Schema.");
  const fields = fieldBuilder(edited);
  const prompt = h("textarea", { name: "system-prompt", rows: 3 });
  const citations = h("input", { type: "checkbox", name: "citations" });
  body.append(
    h("p", { className: "label" }, "Fields"),
    fields.el,
    labeled("System prompt (optional)", prompt, "block"),
    h("label", { className: "check" }, citations, " Citations (where each value was found)"));

  toggle.addEventListener("input", () => {
    if (toggle.checked && !fields.count()) fields.add();
  });

  return {
    el,
    fill(step) {
      original = step;
      present(step);
      fields.fill(isObject(step?.schema) ? step.schema : {});
      prompt.value = typeof step?.system_prompt === "string" ? step.system_prompt : "";
      const wanted = step?.citations;
      citations.checked = wanted === true || (isObject(wanted) && wanted.enabled === true);
      shown = { prompt: prompt.value, citations: citations.checked };
    },
    read() {
      if (!toggle.checked) return undefined;
      const { properties: _p, required: _r, type = "object", ...rest } = isObject(original?.schema) ? original.schema : {};
      const step = { schema: { type, ...rest, ...fields.read() } };
      const promptValue = prompt.value === shown.prompt ? original?.system_prompt : prompt.value || undefined;
      if (promptValue !== undefined) step.system_prompt = promptValue;
      let citationsValue = original?.citations;
      if (citations.checked !== shown.citations) {
        citationsValue = isObject(citationsValue) ? { ...citationsValue, enabled: citations.checked } : citations.checked || undefined;
      }
      if (citationsValue !== undefined) step.citations = citationsValue;
      return step;
    },
    problems() {
      return toggle.checked ? fields.problems("Extract field", "extract fields") : [];
    },
    relabel() {
      fields.relabel();
    },
  };
}

function editSection() {
  let original;
  const instructions = h("textarea", { name: "edit-instructions", rows: 4 });
  const kept = h("p", { className: "hint", hidden: true });
  const { el, toggle, body, present } = optionalStep("edit", "Edit", "Fill the input PDF's form fields.");
  body.append(labeled("Instructions (one \"label: value\" per line)", instructions, "block"), kept);

  return {
    el,
    fill(step) {
      original = step;
      present(step);
      instructions.value = typeof step?.instructions === "string" ? step.instructions : "";
      const widgets = Array.isArray(step?.form_schema) ? step.form_schema.length : 0;
      kept.hidden = step?.form_schema == null;
      kept.textContent = `This step also has a form_schema (${widgets} widget${widgets === 1 ? "" : "s"}), kept as written: edit it in the JSON view.`;
    },
    read() {
      if (!toggle.checked) return undefined;
      const step = { instructions: instructions.value };
      if (original?.form_schema !== undefined) step.form_schema = original.form_schema;
      return step;
    },
    problems() {
      const empty = toggle.checked && !instructions.value.trim() && !original?.form_schema?.length;
      return empty ? ["Edit needs instructions"] : [];
    },
  };
}

/** A section's frame: a fieldset whose legend is the on/off checkbox `step-<name>`. */
function optionalStep(name, title, hint) {
  const toggle = h("input", { type: "checkbox", name: `step-${name}` });
  const body = h("div", { className: "step-body", hidden: true });
  const el = h("fieldset", { className: "step" },
    h("legend", {}, h("label", { className: "check" }, toggle, ` ${title}`), " ", h("span", { className: "hint" }, hint)),
    body);
  toggle.addEventListener("input", () => { body.hidden = !toggle.checked; });
  /** Shows the step on when the steps have it, and its body with it. */
  const present = (step) => {
    toggle.checked = step !== undefined;
    body.hidden = !toggle.checked;
  };
  return { el, toggle, body, present };
}

// ---- The extract field builder: one per object level, nested to any depth.

/** Rows of fields for one object's `properties`; a row of type object holds another builder. */
function fieldBuilder(edited) {
  const rows = [];
  const list = h("div", { className: "fields" });
  const add = h("button", { type: "button", className: "add-field", textContent: "Add field" });
  const el = h("div", { className: "builder" }, list, add);

  add.addEventListener("click", () => {
    builder.add().focus();
    edited();
  });

  const builder = {
    el,
    count: () => rows.length,
    add(name = "", schema = { type: "string" }, required = false) {
      const row = (readField(schema) ? fieldRow : keptRow)(edited, { name, schema, required }, () => {
        removeRow(rows, row, add);
        edited();
      });
      rows.push(row);
      list.append(row.el);
      return row;
    },
    fill(schema) {
      rows.length = 0;
      list.replaceChildren();
      const required = Array.isArray(schema.required) ? schema.required : [];
      for (const [name, property] of Object.entries(isObject(schema.properties) ? schema.properties : {})) {
        builder.add(name, property, required.includes(name));
      }
    },
    /** `{ properties, required? }` for the enclosing object schema. */
    read() {
      const properties = {};
      const required = [];
      for (const row of rows) {
        const field = row.read();
        properties[field.name] = field.schema;
        if (field.required) required.push(field.name);
      }
      return required.length ? { properties, required } : { properties };
    },
    /**
     * `title` names a row in messages ("Extract field", or `Extract field 1 ("items") → field`),
     * `plural` names them all for duplicates ("extract fields").
     */
    problems(title, plural) {
      const problems = rows.flatMap((row, i) => row.problems(`${title} ${i + 1}`));
      for (const name of duplicates(rows.map((row) => row.read().name))) {
        problems.push(`Two ${plural} are both named "${name}"`);
      }
      return problems;
    },
    relabel(parent = "") {
      rows.forEach((row, i) => row.relabel(`${parent}field ${i + 1}`));
      add.setAttribute("aria-label", parent ? `Add field inside ${parent.replace(/ → $/, "")}` : "Add field");
    },
  };
  return builder;
}

/** A row the builder can show: name, type, description, required, and children for objects. */
function fieldRow(edited, { name, schema, required }, remove) {
  const { kind, description, enumValues, childSchema } = readField(schema);
  const nameInput = h("input", { name: "field-name", value: name });
  const type = h("select", { name: "field-type" },
    ...FIELD_TYPES.map(([value, text]) => h("option", { value, textContent: text })));
  type.value = kind;
  const descriptionInput = h("input", { name: "field-description", value: description });
  const requiredBox = h("input", { type: "checkbox", name: "field-required", checked: required });
  const enumInput = h("input", { name: "field-enum", value: enumValues.join(", "), placeholder: "paid, unpaid, overdue" });
  const enumLabel = labeled("Values (comma-separated)", enumInput, "wide");
  const removeButton = h("button", { type: "button", className: "remove-field", textContent: "Remove" });
  removeButton.addEventListener("click", remove);

  const children = fieldBuilder(edited);
  children.fill(childSchema);
  const childrenEl = h("div", { className: "children" }, h("p", { className: "label" }, "Fields inside"), children.el);

  const el = h("div", { className: "field", role: "group" },
    h("div", { className: "row" },
      labeled("Name", nameInput), labeled("Type", type), labeled("Description", descriptionInput, "wide"),
      h("label", { className: "check" }, requiredBox, " Required"), removeButton));

  // The enum list and the child fields are in the row only while the type uses them, so the
  // page holds no hidden inputs; they stay in memory, so switching the type back restores them.
  const showFor = () => {
    if (type.value === "enum") el.append(enumLabel);
    else enumLabel.remove();
    if (HAS_CHILDREN.has(type.value)) el.append(childrenEl);
    else childrenEl.remove();
  };
  type.addEventListener("input", () => {
    showFor();
    // A new object starts with one blank child so there is something to fill in.
    if (HAS_CHILDREN.has(type.value) && !children.count()) children.add();
  });
  showFor();

  return {
    el,
    focus: () => nameInput.focus(),
    read() {
      return { name: nameInput.value, schema: fieldSchema(type.value, descriptionInput.value, enumInput.value, children), required: requiredBox.checked };
    },
    problems(label) {
      const place = `${label}${nameInput.value.trim() ? ` ("${nameInput.value}")` : ""}`;
      const problems = [];
      if (!nameInput.value.trim()) problems.push(`${label} needs a name`);
      if (type.value === "enum" && !splitList(enumInput.value).length) {
        problems.push(`${place} needs at least one value in its list`);
      }
      if (HAS_CHILDREN.has(type.value)) {
        problems.push(...children.problems(`${place} → field`, `fields inside ${lowerFirst(place)}`));
      }
      return problems;
    },
    relabel(where) {
      const what = `${where}${nameInput.value.trim() ? ` ("${nameInput.value}")` : ""}`;
      el.setAttribute("aria-label", upperFirst(what));
      removeButton.setAttribute("aria-label", `Remove ${what}`);
      children.relabel(`${what} → `);
    },
  };
}

/** A property the builder cannot represent (oneOf, $ref, extra keywords): shown read-only, kept whole. */
function keptRow(edited, { name, schema, required }, remove) {
  const removeButton = h("button", { type: "button", className: "remove-field", textContent: "Remove" });
  removeButton.addEventListener("click", remove);
  const el = h("div", { className: "field kept", role: "group" },
    h("div", { className: "row" },
      h("code", { className: "kept-name" }, name),
      required ? h("span", { className: "hint" }, "required") : null,
      h("span", { className: "hint" }, "kept as written (edit it in the JSON view)"),
      removeButton),
    h("pre", { className: "kept-schema" }, JSON.stringify(schema, null, 2)));
  return {
    el,
    focus: () => removeButton.focus(),
    read: () => ({ name, schema, required }),
    problems: () => [],
    relabel(where) {
      el.setAttribute("aria-label", upperFirst(`${where} ("${name}"), kept as written`));
      removeButton.setAttribute("aria-label", `Remove ${where} ("${name}")`);
    },
  };
}

/** The JSON Schema for one builder row. */
function fieldSchema(kind, description, enumText, children) {
  const described = (type, rest = {}) => ({ type, ...(description ? { description } : {}), ...rest });
  switch (kind) {
    case "date": return described("string", { format: "date" });
    case "enum": return described("string", { enum: splitList(enumText) });
    case "object": return described("object", children.read());
    case "array-of-objects": return described("array", { items: { type: "object", ...children.read() } });
    case "array-of-strings": return described("array", { items: { type: "string" } });
    default: return described(kind);
  }
}

/**
 * What a builder row shows for a property schema, or null when the builder cannot represent
 * it exactly (then it is kept as written). Exact means: reading and writing it back gives the
 * same schema, so only the keys fieldSchema() writes may appear.
 */
function readField(schema) {
  if (!isObject(schema)) return null;
  const { description = "", ...rest } = schema;
  if (typeof description !== "string") return null;
  const kind = kindOf(rest);
  if (!kind) return null;
  const childSchema = kind === "object" ? rest : kind === "array-of-objects" ? rest.items : {};
  return { kind, description, enumValues: kind === "enum" ? rest.enum : [], childSchema };
}

function kindOf(schema) {
  const keys = Object.keys(schema).sort().join(",");
  switch (schema.type) {
    case "number":
    case "integer":
    case "boolean":
      return keys === "type" ? schema.type : null;
    case "string":
      if (keys === "type") return "string";
      if (keys === "format,type" && schema.format === "date") return "date";
      if (keys === "enum,type" && Array.isArray(schema.enum) && schema.enum.every(isListItem)) return "enum";
      return null;
    case "object":
      return (keys === "properties,type" || keys === "properties,required,type") && isPlainObjectSchema(schema) ? "object" : null;
    case "array":
      if (keys !== "items,type" || !isObject(schema.items)) return null;
      if (Object.keys(schema.items).length === 1 && schema.items.type === "string") return "array-of-strings";
      return kindOf(schema.items) === "object" ? "array-of-objects" : null;
    default:
      return null;
  }
}

// An enum value survives "a, b, c" typing only if it is non-empty, trimmed and has no comma.
const isListItem = (value) => typeof value === "string" && value !== "" && value.trim() === value && !value.includes(",");

function isPlainObjectSchema(schema) {
  const { properties, required = [] } = schema;
  return isObject(properties) &&
    Object.values(properties).every(isObject) &&
    Array.isArray(required) &&
    required.every((name) => typeof name === "string" && Object.hasOwn(properties, name)) &&
    new Set(required).size === required.length;
}

// ---- Reading the JSON view.

/** `{ steps }` when the text parses and has the shape the server takes, else `{ problem }`. */
function readStepsJson(text) {
  let steps;
  try {
    steps = JSON.parse(text);
  } catch (error) {
    return { problem: `The raw JSON is not valid: ${describeJsonError(error, text)}` };
  }
  const problem = shapeProblem(steps);
  return problem ? { problem: `The raw JSON has the wrong shape: ${problem}` } : { steps };
}

// V8 says "… in JSON at position 41 (line 3 column 5)" or only "at position 41"; people want
// the line, and some messages have no position at all (then the message stands alone).
function describeJsonError(error, text) {
  const message = error.message;
  const at = /\s*in JSON at position (\d+)(?:\s*\(line (\d+) column (\d+)\))?/.exec(message);
  if (!at) {
    if (/end of (JSON|data) input/i.test(message)) return `${message} (line ${text.split("\n").length})`;
    return message;
  }
  const line = at[2] ?? text.slice(0, Number(at[1])).split("\n").length;
  return `${message.replace(at[0], "")} (line ${line})`;
}

/**
 * Why `steps` is not something the server would take, or null: the Studio says so before
 * anything is saved. It holds server/src/steps.rs's rules in words a person reads;
 * tests/node/steps.test.mjs runs both on one table of cases, so they cannot drift apart.
 */
export function shapeProblem(steps) {
  if (!isObject(steps)) return "steps must be a JSON object such as {\"parse\": {}}";
  const problem =
    unknownKey(steps, ["parse", "split", "extract", "edit"], "steps", "steps are") ??
    stepProblem(steps.parse, "parse", "{\"options\": {}}", ["options"], parseShape) ??
    stepProblem(steps.split, "split", "{\"categories\": [...]}", ["categories"], splitShape) ??
    stepProblem(steps.extract, "extract", "{\"schema\": {...}}", ["schema", "system_prompt", "citations"], extractShape) ??
    stepProblem(steps.edit, "edit", "{\"instructions\": \"…\"}", ["instructions", "form_schema"], editShape);
  return problem;
}

/**
 * Why step `step` (named `name`) is wrong, or null. Absent is fine; present, it is an object
 * (such as `example`) of only `allowed` keys, whose values `shape` checks.
 */
function stepProblem(step, name, example, allowed, shape) {
  if (step == null) return null;
  if (!isObject(step)) return `${name} must be an object such as ${example}`;
  return unknownKey(step, allowed, name) ?? shape(step);
}

function parseShape(parse) {
  const options = parse.options;
  if (options == null) return null;
  if (!isObject(options)) return "parse.options must be an object";
  if (options.retrieval != null && !isObject(options.retrieval)) return "parse.options.retrieval must be an object";
  const chunking = chunkingHome(options).chunking;
  if (chunking != null) {
    if (!isObject(chunking)) return "chunking must be an object such as {\"chunk_mode\": \"page\"}";
    const modes = CHUNK_MODES.map(([mode]) => mode);
    if (chunking.chunk_mode != null && !modes.includes(chunking.chunk_mode)) {
      return `chunk_mode ${JSON.stringify(chunking.chunk_mode)} is not one of ${modes.join(", ")}`;
    }
    const size = chunking.chunk_size;
    if (size != null && !(Number.isInteger(size) && size > 0)) return "Chunk size must be a whole number above 0";
  }
  const settings = options.settings;
  if (settings != null && !isObject(settings)) return "parse.options.settings must be an object";
  if (settings?.document_password != null && typeof settings.document_password !== "string") {
    return "the document password must be text";
  }
  return optionsProblem(options);
}

const BLOCK_TYPES = [
  "Header", "Footer", "Title", "Section Header", "Page Number", "List Item",
  "Figure", "Table", "Key Value", "Text", "Comment", "Signature",
];

// The documented parse options the server checks (server/src/options.rs), each with the values
// it takes: "boolean" (as pydantic reads one), "text", "object", "list", "seconds" (above 0),
// `{ one: [...] }` (one of these), `{ list: [...] }` (a list of these), or `{ min, max }` (a
// whole number in that range).
const OPTIONS = {
  retrieval: { filter_blocks: { list: BLOCK_TYPES }, embedding_optimized: "boolean" },
  formatting: {
    add_page_markers: "boolean",
    table_output_format: { one: ["html", "json", "md", "jsonbbox", "dynamic", "csv"] },
    merge_tables: "boolean",
    include: { list: ["change_tracking", "highlight", "comments", "hyperlinks", "signatures", "ignore_watermarks"] },
  },
  settings: {
    ocr_system: { one: ["standard", "legacy"] },
    extraction_mode: { one: ["ocr", "hybrid"] },
    force_url_result: "boolean",
    force_file_extension: "text",
    return_ocr_data: "boolean",
    return_images: { list: ["figure", "table", "page"] },
    embed_pdf_metadata: "boolean",
    embed_pdf_metadata_dpi: { min: 50, max: 250 },
    persist_results: "boolean",
    tenant_throttling: "object",
    hybrid_vpc: "object",
    timeout: "seconds",
  },
  enhance: { summarize_figures: "boolean", intelligent_ordering: "boolean", agentic: "list" },
  spreadsheet: {
    include: { list: ["cell_colors", "formula", "dropdowns"] },
    clustering: { one: ["accurate", "fast", "disabled"] },
    exclude: { list: ["hidden_sheets", "hidden_rows", "hidden_cols", "styling", "spreadsheet_images"] },
    max_cell_count: { min: 1, max: Number.MAX_SAFE_INTEGER },
    split_large_tables: "object",
  },
};

const BOOLEAN_WORDS = ["true", "false", "1", "0", "yes", "no", "y", "n", "on", "off", "t", "f"];

/** Why a documented parse option has a value the server refuses, or null. */
function optionsProblem(options) {
  for (const [section, fields] of Object.entries(OPTIONS)) {
    const values = options[section];
    if (values == null) continue;
    if (!isObject(values)) return `parse.options.${section} must be an object`;
    for (const [field, kind] of Object.entries(fields)) {
      const value = values[field];
      if (value == null) continue;
      const problem = valueProblem(value, kind);
      if (problem) return `parse.options.${section}.${field} ${problem}`;
    }
  }
  return pageRangeProblem(options.settings?.page_range) ?? splitTablesProblem(options.spreadsheet?.split_large_tables);
}

/** Why `split_large_tables` ({enabled, size}, size a row count or {row, column}) is refused, or null. */
function splitTablesProblem(split) {
  if (!isObject(split)) return null;
  const where = "parse.options.spreadsheet.split_large_tables";
  if (split.enabled != null) {
    const problem = valueProblem(split.enabled, "boolean");
    if (problem) return `${where}.enabled ${problem}`;
  }
  const count = { min: 1, max: 4294967295 };
  const size = split.size;
  if (size == null) return null;
  if (!isObject(size)) {
    const problem = valueProblem(size, count);
    return problem ? `${where}.size ${problem}` : null;
  }
  for (const axis of ["row", "column"]) {
    const problem = size[axis] == null ? null : valueProblem(size[axis], count);
    if (problem) return `${where}.size.${axis} ${problem}`;
  }
  return null;
}

function valueProblem(value, kind) {
  const named = (names) => `one of ${names.map((name) => JSON.stringify(name)).join(", ")}`;
  if (kind === "boolean") {
    const ok = typeof value === "boolean" || value === 0 || value === 1 ||
      (typeof value === "string" && BOOLEAN_WORDS.includes(value.toLowerCase()));
    return ok ? null : "must be true or false";
  }
  if (kind === "text") return typeof value === "string" ? null : "must be text";
  if (kind === "object") return isObject(value) ? null : "must be an object";
  if (kind === "list") return Array.isArray(value) ? null : "must be a list";
  if (kind === "seconds") return typeof value === "number" && value > 0 ? null : "must be a number of seconds above 0";
  if (kind.one) return kind.one.includes(value) ? null : `must be ${named(kind.one)}`;
  if (kind.list) {
    if (!Array.isArray(value)) return "must be a list";
    return value.every((item) => kind.list.includes(item)) ? null : `must list only ${named(kind.list)}`;
  }
  const whole = Number.isInteger(value) && value >= kind.min && value <= kind.max;
  return whole ? null : `must be a whole number from ${kind.min}${kind.max < Number.MAX_SAFE_INTEGER ? ` to ${kind.max}` : " up"}`;
}

/**
 * Why `range` is not a page range the server takes, or null: {start, end}, a list of them or of
 * page numbers, or a list of sheet names.
 */
function pageRangeProblem(range) {
  if (range == null) return null;
  const expected = "parse.options.settings.page_range must be {start, end}, a list of them, page numbers or sheet names";
  const isPage = (n) => Number.isInteger(n) && n >= 1 && n <= 4294967295;
  const spanProblem = (span) => {
    if (isPage(span)) return null;
    if (!isObject(span)) return expected;
    const { start, end } = span;
    if ((start != null && !isPage(start)) || (end != null && !isPage(end))) return "page_range's start and end must be page numbers (1 or more)";
    return start != null && end != null && start > end ? `page_range's start (${start}) is after its end (${end})` : null;
  };
  if (Array.isArray(range)) {
    if (range.length > 0 && range.every((item) => typeof item === "string")) return null;
    for (const item of range) {
      const problem = spanProblem(item);
      if (problem) return problem;
    }
    return null;
  }
  return isObject(range) ? spanProblem(range) : expected;
}

function splitShape(split) {
  if (!Array.isArray(split.categories)) return "split.categories must be a list of {name, description}";
  for (const [i, category] of split.categories.entries()) {
    const where = `split category ${i + 1}`;
    if (!isObject(category)) return `${where} must be an object such as {"name": "…", "description": "…"}`;
    const unknownInCategory = unknownKey(category, ["name", "description", "partition_key"], where);
    if (unknownInCategory) return unknownInCategory;
    if (typeof category.name !== "string") return `${where} needs a "name" that is text`;
    if (typeof category.description !== "string") return `${where} needs a "description" that is text`;
    if (category.partition_key != null && typeof category.partition_key !== "string") return `${where}'s partition_key must be text`;
  }
  return null;
}

function extractShape(extract) {
  if (!isObject(extract.schema)) return "extract needs a \"schema\" that is a JSON Schema object";
  const properties = extract.schema.properties;
  if (properties !== undefined) {
    if (!isObject(properties)) return "extract.schema.properties must map names to JSON Schemas";
    const bad = Object.keys(properties).find((name) => !isObject(properties[name]));
    if (bad !== undefined) return `the schema of extract property "${bad}" must be an object (a JSON Schema)`;
  }
  if (extract.system_prompt != null && typeof extract.system_prompt !== "string") return "extract.system_prompt must be text";
  const citations = extract.citations;
  if (citations != null && typeof citations !== "boolean" && !isObject(citations)) {
    return "extract.citations must be true, false or an object such as {\"enabled\": true}";
  }
  return null;
}

function editShape(edit) {
  if (typeof edit.instructions !== "string") return "edit needs \"instructions\" that are text";
  const widgets = edit.form_schema;
  if (widgets != null && !Array.isArray(widgets)) return "edit.form_schema must be a list";
  const notWidget = widgets?.findIndex((widget) => !isObject(widget)) ?? -1;
  if (notWidget >= 0) return `edit.form_schema item ${notWidget + 1} must be an object such as {"description": "…", "type": "text", "bbox": {…}}`;
  return null;
}

function unknownKey(object, allowed, where, allowedAre = "allowed keys are") {
  const key = Object.keys(object).find((k) => !allowed.includes(k));
  return key === undefined ? null : `${where} has an unknown key "${key}" (${allowedAre} ${allowed.join(", ")})`;
}

// ---- Small helpers.

/** A visible label wrapping its control; `size` ("wide", "block") lets CSS give it more room. */
function labeled(text, control, size = "") {
  return h("label", { className: `labeled ${size}`.trim() }, h("span", { className: "label" }, text), control);
}

/** Takes `row` out of `rows` and moves focus to its neighbour, or to `fallback` when none is left. */
function removeRow(rows, row, fallback) {
  const i = rows.indexOf(row);
  rows.splice(i, 1);
  row.el.remove();
  const neighbour = rows[i] ?? rows[i - 1];
  if (neighbour) neighbour.focus();
  else fallback.focus();
}

function duplicates(names) {
  const seen = new Set();
  const twice = new Set();
  for (const name of names) {
    if (!name.trim()) continue;
    (seen.has(name) ? twice : seen).add(name);
  }
  return [...twice];
}

const splitList = (text) => text.split(",").map((item) => item.trim()).filter(Boolean);
const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
const upperFirst = (text) => text.charAt(0).toUpperCase() + text.slice(1);
const lowerFirst = (text) => text.charAt(0).toLowerCase() + text.slice(1);

let idCount = 0;
const uniqueId = (prefix) => `${prefix}-${++idCount}`;
