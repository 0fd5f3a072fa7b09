// Writes bench/mutants.md from cargo-mutants' results (scripts/mutants.sh): per group, how many
// mutants the tests caught, missed, timed out on or could not build, and each missed one. A
// missed mutant of the guard code carries its explanation from bench/mutants-explained.json
// (keyed by file and mutation, without the line, so it survives edits above it); one without
// an explanation is marked, and this script then exits 1.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const [outDir] = process.argv.slice(2);
// The groups of scripts/mutants.sh that have results, each with the words it was run with.
const groups = ["guard", "engine"].filter((group) => existsSync(`${outDir}/${group}/command`));
const root = new URL("..", import.meta.url).pathname;
const explained = JSON.parse(readFileSync(`${root}bench/mutants-explained.json`, "utf8"));
const titles = {
  guard: "Guard code: `origins.rs`, `outbound.rs` (SSRF), `secrets.rs`",
  engine: "Engine: `extract.rs`, `split.rs`, `classify.rs`",
};

/** The mutants listed in one of cargo-mutants' result files ("file:line:col: mutation"). */
function listed(group, kind) {
  const path = `${outDir}/${group}/mutants.out/${kind}.txt`;
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];
}
/** "server/src/x.rs:12:5: replace f -> bool with true" → "server/src/x.rs: replace f -> bool with true" */
const keyOf = (mutant) => mutant.replace(/:\d+:\d+:/, ":");

const version = execFileSync("cargo", ["mutants", "--version"], { encoding: "utf8" }).trim();
const lines = [
  "# Mutation testing",
  "",
  `Written by \`npm run mutants\` on ${new Date().toISOString().slice(0, 10)}, ${version}. Each mutant is one small`,
  "change to the code (a condition negated, a value replaced, a body emptied); the tests run against it, and a",
  "mutant they do not notice is *missed*: a place where the tests do not hold the behaviour.",
  "",
];
let unexplained = 0;
for (const group of groups) {
  // With --iterate, what an earlier run caught (or could not build) is not tried again.
  const [caughtNow, earlier, missed, timeout, unviable] =
    ["caught", "previously_caught", "missed", "timeout", "unviable"].map((k) => listed(group, k));
  const command = readFileSync(`${outDir}/${group}/command`, "utf8").trim();
  lines.push(`## ${titles[group] ?? group}`, "", `\`npm run mutants -- ${command}\`:`, "");
  lines.push("| caught | caught or unviable in an earlier run (`--iterate`) | missed | timed out | unviable |",
    "| ---: | ---: | ---: | ---: | ---: |");
  lines.push(`| ${caughtNow.length} | ${earlier.length} | ${missed.length} | ${timeout.length} | ${unviable.length} |`, "");
  if (timeout.length) {
    lines.push("Timed out (the change made a test hang, which counts as noticed):", "");
    for (const mutant of timeout) lines.push(`- \`${mutant}\``);
    lines.push("");
  }
  if (missed.length === 0) continue;
  lines.push("Missed:", "");
  for (const mutant of missed) {
    const why = explained[keyOf(mutant)];
    if (group === "guard" && !why) unexplained += 1;
    lines.push(`- \`${mutant}\`${why ? `: ${why}` : group === "guard" ? ": **not explained**" : ""}`);
  }
  lines.push("");
}
const notRun = Object.keys(titles).filter((group) => !groups.includes(group));
for (const group of notRun) {
  lines.push(`## ${titles[group]}`, "", `Not run yet: \`npm run mutants -- ${group}\` (each mutant is a rebuild and a test run,`,
    "about 20 s on 2 cores; `--shard k/n` runs a part).", "");
}
writeFileSync(`${root}bench/mutants.md`, `${lines.join("\n")}`);
console.log(`wrote bench/mutants.md${unexplained ? `: ${unexplained} missed guard mutants are not explained` : ""}`);
process.exit(unexplained ? 1 : 0);
