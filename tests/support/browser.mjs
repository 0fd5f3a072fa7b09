// Headless Chromium for page tests: Debian's build, with the flags a root user on a closed
// network needs (no sandbox, no background connections that would be refused); pages opened
// with every console error, uncaught error and failed request recorded; and screenshots saved
// under tests/page/out/ (ignored by git).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const screenshotDir = new URL("../page/out/", import.meta.url).pathname;

export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

/**
 * A new page at `url` (in a context of its own, so localStorage starts empty, or holds the
 * given saved `settings`), with `problems`: what went wrong in it, which a test expects to stay
 * empty.
 */
export async function openPage(browser, url, { width = 1280, height = 900, settings } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  if (settings) {
    // What the pages' Settings panel would have saved on an earlier visit.
    await context.addInitScript((saved) => localStorage.setItem("reducto-wasm.settings", saved), JSON.stringify(settings));
  }
  const page = await context.newPage();
  const problems = [];
  // With the resource a "Failed to load resource" line is about (the message does not say).
  page.on("console", (message) => message.type() === "error" &&
    problems.push(`console: ${message.text()}${message.location()?.url ? ` (${message.location().url})` : ""}`));
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  await page.goto(url);
  await page.waitForSelector("body[data-ready]");
  return { page, problems };
}

/** Saves a screenshot of the whole page as tests/page/out/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Whether the page scrolls sideways: in a narrow window it should wrap instead. */
export function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}
