// The walk of issue 7 in headless Chromium (Debian's /usr/bin/chromium), driven by
// playwright-core: the front desk registers a phone request (after a form error), the
// caseworker follows the link of the reminder mail, takes the request on, assesses it
// and refuses it with a ground, and the privacy officer sees it on the dashboard and
// in the annual report. A forbidden page answers 403. Every page passes axe-core with
// no serious or critical violation, and breaks no Content-Security-Policy rule.
// Screenshots of the main pages go to docs/screens/ with AVG_LOKET_SCREENSHOTS=1.
//
//   cargo build && (cd browser-tests && npm ci && node walk.mjs)

import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "..");
const bin = process.env.AVG_LOKET_BIN ?? path.join(root, "target", "debug", "avg-loket");
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
// Screenshots for docs/screens/ when asked (AVG_LOKET_SCREENSHOTS=1), else to a
// temporary folder, so that a test run leaves the work tree as it was.
const screens = process.env.AVG_LOKET_SCREENSHOTS
  ? path.join(root, "docs", "screens")
  : fs.mkdtempSync(path.join(os.tmpdir(), "avg-loket-screens-"));
const axeSource = fs.readFileSync(path.join(import.meta.dirname, "node_modules", "axe-core", "axe.min.js"), "utf8");

const work = fs.mkdtempSync(path.join(os.tmpdir(), "avg-loket-browser-"));
fs.mkdirSync(path.join(work, "outbox"));
const port = await new Promise((resolve) => {
  const server = net.createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const base = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  AVG_LOKET_DATABASE_URL: `sqlite://${path.join(work, "avg-loket.db")}`,
  AVG_LOKET_MAIL_URL: `file://${path.join(work, "outbox")}`,
  AVG_LOKET_LISTEN: `127.0.0.1:${port}`,
  AVG_LOKET_BASE_URL: base,
  AVG_LOKET_LOG: "warn",
};
const cli = (...args) => execFileSync(bin, args, { env, encoding: "utf8" }).trim().split("\n").pop();

const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
  console.log(`${ok ? "ok  " : "FAIL"} ${message}`);
};

cli("migrate");
cli("team", "add", "--code", "AMW", "--name", "Algemeen maatschappelijk werk");
const desk = cli("user", "add", "--name", "Bea Balie", "--email", "balie@zorg.example", "--role", "front_desk");
const worker = cli("user", "add", "--name", "Mira Jansen", "--email", "mira@zorg.example", "--role", "caseworker", "--team", "AMW");
const officer = cli("user", "add", "--name", "Fenna Gerritsen", "--email", "fg@zorg.example", "--role", "privacy_officer");

const server = spawn(bin, ["serve"], { env, stdio: ["ignore", "ignore", "inherit"] });
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/readyz`)).ok) break;
  } catch {}
  if (i > 100) throw new Error("the server did not start");
  await new Promise((r) => setTimeout(r, 100));
}

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});

async function session(name) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: "nl-NL" });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) {
      failures.push(`${name}: ${message.text()}`);
    }
  });
  return page;
}

// Words that give an English message away on a Dutch page, and field codes.
const english = new Set(["the", "required", "must", "expected", "unknown", "future", "invalid", "before", "after",
  "not", "and", "lies", "should", "cannot", "date", "field", "at", "most", "least", "or", "a", "an", "one", "name"]);

async function dutch(page, label) {
  const texts = await page.$$eval(".error, .summary, .notice", (nodes) => nodes.map((n) => n.textContent.trim()));
  for (const text of texts) {
    const words = text.split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
    const wrong = words.filter((w) => english.has(w.toLowerCase()) || w.includes("_"));
    check(wrong.length === 0, `${label}: the message is Dutch without field codes (${text})`);
  }
}

async function accessible(page, label) {
  await dutch(page, label);
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of result.violations) {
    console.log(`     axe ${v.impact}: ${v.id} (${v.nodes.length}) on ${label}: ${v.help}`);
  }
  check(serious.length === 0, `${label}: no serious or critical accessibility violation`);
}

async function signIn(page, token) {
  await page.goto(`${base}/login`);
  await page.fill("#token", token);
  await page.click("button[type=submit]");
  await page.waitForURL(`${base}/`);
}

async function shot(page, name) {
  fs.mkdirSync(screens, { recursive: true });
  await page.screenshot({ path: path.join(screens, `${name}.png`), fullPage: true });
}

try {
  // The front desk, with a caller on the line.
  const front = await session("front desk");
  await front.goto(`${base}/login`);
  await accessible(front, "sign-in");
  await shot(front, "sign-in");
  await signIn(front, desk);
  await accessible(front, "start page");
  await front.click("text=Nieuw verzoek registreren");
  await accessible(front, "new request");
  await front.selectOption("#kind", "access");
  await front.selectOption("#team", "AMW");
  await front.fill("#requester_email", "geen adres");
  await front.fill("#description", "Wil weten wat er in het dossier staat");
  await front.click("text=Verzoek registreren");
  check(await front.isVisible("#requester_name-fout"), "a form error is shown beside the name");
  check(await front.isVisible("#requester_email-fout"), "and beside the e-mail address");
  check((await front.inputValue("#description")) === "Wil weten wat er in het dossier staat", "what was typed stays");
  await accessible(front, "new request with errors");
  await shot(front, "new-request-errors");
  await front.fill("#requester_name", "Jan de Vries");
  await front.fill("#requester_email", "");
  await front.fill("#requester_phone", "06-12345678");
  await front.click("text=Verzoek registreren");
  await front.waitForURL(/\/bevestiging$/);
  const heading = await front.textContent("h1");
  check(/AVG-\d{4}-00001/.test(heading), `the confirmation names the reference (${heading})`);
  const requestUrl = front.url().replace(/\/bevestiging$/, "");
  await accessible(front, "confirmation");
  await shot(front, "confirmation");
  const forbidden = await front.goto(`${base}/dashboard`);
  check(forbidden.status() === 403, "the dashboard is forbidden to the front desk (403)");
  await accessible(front, "forbidden page");
  await front.goto(`${base}/requests`);
  await accessible(front, "look-up by reference");
  await front.fill("#reference", heading.match(/AVG-\d{4}-\d{5}/)[0]);
  await front.click("button:has-text(\"Opzoeken\")");
  await front.waitForURL(requestUrl);
  check(!(await front.textContent("body")).includes("Jan de Vries"), "the front desk sees status and deadlines only");
  await accessible(front, "request page, front desk");
  const missing = await front.goto(`${base}/requests/00000000-0000-0000-0000-000000000000`);
  check(missing.status() === 404, "an unknown request is 404");
  await accessible(front, "not-found page");
  await front.goto(`${base}/`);
  await front.click("text=Uitloggen");
  await front.waitForURL(`${base}/login`);

  // The caseworker follows the link in the reminder mail.
  const cw = await session("caseworker");
  await signIn(cw, worker);
  await cw.goto(requestUrl);
  await accessible(cw, "request page");
  await cw.click("#actie-assign + form button");
  await cw.waitForURL(requestUrl);
  await cw.click("#actie-start_assessment + form button");
  await cw.waitForURL(requestUrl);
  check((await cw.textContent(".status")).includes("In beoordeling"), "assessing");
  await cw.check("#decide-refused");
  await cw.check("#ground-manifestly_unfounded");
  await cw.fill("#decide-explanation", "Het verzoek is de derde deze maand over hetzelfde dossier");
  await cw.click("#actie-decide + form button");
  await cw.waitForURL(requestUrl);
  check((await cw.textContent(".status")).includes("Afgewezen"), "refused with a ground");
  check((await cw.textContent("body")).includes("Kennelijk ongegrond"), "the ground is shown by its label");
  await accessible(cw, "request page after the decision");
  await shot(cw, "request");
  await cw.goto(`${base}/requests?wie=alle`);
  await accessible(cw, "request list");
  await shot(cw, "list");

  // The privacy officer sees it on the dashboard.
  const po = await session("privacy officer");
  await signIn(po, officer);
  await po.goto(`${base}/dashboard`);
  const row = await po.textContent("tr:has(th:text('Inzage'))");
  check(/Inzage\s*1\s*100 %/.test(row.replace(/\s+/g, " ")), `one access decision, on time, on the dashboard (${row.trim()})`);
  await accessible(po, "dashboard");
  await shot(po, "dashboard");
  await po.goto(`${base}/reports/annual`);
  await accessible(po, "annual report");
  await shot(po, "annual-report");
} catch (error) {
  failures.push(String(error?.stack ?? error));
  console.error(error);
} finally {
  await browser.close();
  server.kill("SIGTERM");
  fs.rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`\n${failures.length} failure(s):\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
console.log("\nthe walk passed");
