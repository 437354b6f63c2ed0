// A working day in headless Chromium (Debian's /usr/bin/chromium), driven by
// playwright-core: the front desk registers a phone request (after a form error),
// corrects the misheard name (after forgetting the reason), registers a daughter's
// request for her mother (after forgetting the mother's name) and drafts its
// acknowledgement, finds another caller's
// request by name and withdraws it on her behalf; the caseworker finds the new request
// among the team's unassigned ones in "Mijn verzoeken" and an old one flagged past its
// legal limit (offering no extension that can only fail), takes the new one on,
// assesses it, refuses it with a ground, and makes the decision letter final, prints
// it and records its posting; the manager moves the old one to another
// team; the privacy officer sees the dashboard, follows a tile to its list, and opens
// the annual report, then adds a team and a colleague in the administration pages, and
// registers the client file as a system: an erasure's task for it is closed on the
// request's page before the request is completed. The
// caseworker signs in with the organisation's account, through the login form of a
// real OpenID provider (tests/oidc-provider) on 127.0.0.1. A forbidden page answers 403. Every page passes axe-core with no
// serious or critical violation, breaks no Content-Security-Policy rule, and shows no
// English message and no field code.
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
// Everything the walk writes goes to one temporary folder, removed at the end;
// screenshots too, unless asked for docs/screens/ (AVG_LOKET_SCREENSHOTS=1), so that a
// test run leaves the work tree and /tmp as they were.
const work = fs.mkdtempSync(path.join(os.tmpdir(), "avg-loket-browser-"));
const screens = process.env.AVG_LOKET_SCREENSHOTS
  ? path.join(root, "docs", "screens")
    : path.join(work, "screens");
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));
const axeSource = fs.readFileSync(path.join(import.meta.dirname, "node_modules", "axe-core", "axe.min.js"), "utf8");

fs.mkdirSync(path.join(work, "outbox"), { mode: 0o700 });
const port = await new Promise((resolve) => {
  const server = net.createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const base = `http://127.0.0.1:${port}`;

// The organisation's OpenID provider, on a port of its own; it prints its issuer first.
const providerDir = path.join(root, "tests", "oidc-provider");
if (!fs.existsSync(path.join(providerDir, "node_modules"))) {
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: providerDir, stdio: "inherit" });
}
const provider = spawn("node", ["provider.mjs", "--port", "0",
  "--redirect-uri", `${base}/login/oidc/callback`, "--post-logout-redirect-uri", `${base}/login`],
  { cwd: providerDir, stdio: ["ignore", "pipe", "inherit"] });
process.on("exit", () => provider.kill("SIGTERM"));
const issuer = await new Promise((resolve, reject) => {
  let seen = "";
  provider.stdout.on("data", (chunk) => {
    seen += chunk;
    const found = seen.match(/^issuer (\S+)/m);
    if (found) resolve(found[1]);
  });
  provider.on("exit", (code) => reject(new Error(`the OpenID provider stopped (${code})`)));
});

const env = {
  ...process.env,
  AVG_LOKET_DATABASE_URL: `sqlite://${path.join(work, "avg-loket.db")}`,
  AVG_LOKET_MAIL_URL: `file://${path.join(work, "outbox")}`,
  AVG_LOKET_LISTEN: `127.0.0.1:${port}`,
  AVG_LOKET_BASE_URL: base,
  AVG_LOKET_LOG: "warn",
  AVG_LOKET_ORGANISATION_FILE: path.join(root, "organisation.example.toml"),
  AVG_LOKET_OIDC_ISSUER: issuer,
  AVG_LOKET_OIDC_CLIENT_ID: "avg-loket",
  AVG_LOKET_OIDC_CLIENT_SECRET: "avg-loket-test-secret",
  // The front desk and the others in this walk paste a token; with a provider that is
  // off unless the organisation turns it on.
  AVG_LOKET_PAGE_TOKEN_SIGNIN: "true",
};
const cli = (...args) => execFileSync(bin, args, { env, encoding: "utf8" }).trim().split("\n").pop();

const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
  console.log(`${ok ? "ok  " : "FAIL"} ${message}`);
};

cli("migrate");
cli("team", "add", "--code", "AMW", "--name", "Algemeen maatschappelijk werk");
cli("team", "add", "--code", "JGD", "--name", "Jeugd en gezin");
const desk = cli("user", "add", "--name", "Bea Balie", "--email", "balie@zorg.example", "--role", "front_desk");
cli("user", "add", "--name", "Mira Jansen", "--email", "mira@zorg.example", "--role", "caseworker", "--team", "AMW");
const officer = cli("user", "add", "--name", "Fenna Gerritsen", "--email", "fg@zorg.example", "--role", "privacy_officer");
const manager = cli("user", "add", "--name", "Mohamed Amrani", "--email", "ma@zorg.example", "--role", "manager", "--team", "AMW");

// Today where the service counts days, and a day `n` days before it.
const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Amsterdam" });
const daysAgo = (n) => new Date(Date.parse(`${today}T12:00:00Z`) - n * 86400000).toISOString().slice(0, 10);

// Registers a request over the API as the privacy officer; returns its id.
async function registered(name, receivedOn) {
  const response = await fetch(`${base}/api/v1/requests`, {
    method: "POST",
    headers: { authorization: `Bearer ${officer}`, "content-type": "application/json" },
    body: JSON.stringify({
      kind: "access", channel: "letter", received_on: receivedOn, team: "AMW",
      requester: { name, relation: "self" }, subject: { age_band: "adult" },
    }),
  });
  if (response.status !== 201) throw new Error(`registration failed: ${await response.text()}`);
  return (await response.json()).id;
}

const server = spawn(bin, ["serve"], { env, stdio: ["ignore", "ignore", "inherit"] });
process.on("exit", () => server.kill("SIGTERM"));
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

// How many requests the register holds (as the privacy officer sees them).
async function total() {
  const response = await fetch(`${base}/api/v1/requests?per_page=1`, {
    headers: { authorization: `Bearer ${officer}` },
  });
  return (await response.json()).total;
}

// A day as people type it: 27-11-2026.
const typed = (iso) => iso.split("-").reverse().join("-");

// Half an hour without a click has passed for `email`'s sessions: they have ended
// (the service reads its own clock, so the test moves the sessions back in time).
function idle(email) {
  execFileSync("python3", ["-c", `
import sqlite3, sys, datetime
db = sqlite3.connect(sys.argv[1])
then = (datetime.datetime.utcnow() - datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S.%f")
db.execute("UPDATE web_sessions SET last_seen_at = ?, created_at = ? WHERE user_id = (SELECT id FROM users WHERE email = ?)", (then, then, sys.argv[2]))
db.commit()
`, path.join(work, "avg-loket.db"), email]);
}

async function shot(page, name) {
  fs.mkdirSync(screens, { recursive: true });
  await page.screenshot({ path: path.join(screens, `${name}.png`), fullPage: true });
}

try {
  // Two requests from before today: one long past its legal limit, one for the front
  // desk to find by name.
  const old = await registered("Els Hoekstra", daysAgo(60));
  await registered("Karin Pieters", today);

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
  await front.fill("#requester_address_line", "Kerkstraat 7");
  await front.fill("#requester_address_postcode", "5678cd");
  await front.fill("#requester_address_city", "Andersdorp");
  await front.click("text=Verzoek registreren");
  await front.waitForURL(/\/bevestiging$/);
  const heading = await front.textContent("h1");
  check(/AVG-\d{4}-00003/.test(heading), `the confirmation names the reference (${heading})`);
  const reference = heading.match(/AVG-\d{4}-\d{5}/)[0];
  const requestUrl = front.url().replace(/\/bevestiging$/, "");
  await accessible(front, "confirmation");
  await shot(front, "confirmation");
  check((await front.textContent("main")).includes("Noem de beller het kenmerk"), "the advice fits a phone call");

  // A long phone call: the session ends while "Nieuw verzoek" is filled in, the date of
  // receipt typed the Dutch way. After signing in again the form is back with every
  // value; nothing was registered until it is sent again, and then once.
  const before = await total();
  await front.goto(`${base}/requests/new`);
  await front.selectOption("#kind", "access");
  await front.selectOption("#team", "AMW");
  await front.fill("#requester_name", "Piet Smit");
  await front.fill("#requester_phone", "06-87654321");
  await front.fill("#received_on", typed(daysAgo(1)));
  await front.fill("#description", "Belde over het verslag van het huisbezoek");
  idle("balie@zorg.example");
  await front.click("text=Verzoek registreren");
  await front.waitForURL(/\/login/);
  check((await front.textContent("main")).includes("Uw sessie was verlopen"), "the sign-in page says the form is kept");
  check((await total()) === before, "nothing was registered with the session ended");
  await accessible(front, "sign-in after the session ended");
  await front.fill("#token", desk);
  await front.click("button[type=submit]");
  await front.waitForURL(`${base}/requests/new`);
  check((await front.inputValue("#requester_name")) === "Piet Smit"
    && (await front.inputValue("#requester_phone")) === "06-87654321"
    && (await front.inputValue("#received_on")) === typed(daysAgo(1))
    && (await front.inputValue("#description")) === "Belde over het verslag van het huisbezoek"
    && (await front.inputValue("#team")) === "AMW", "after signing in the form is back with every value");
  await accessible(front, "the kept form, back after signing in");
  await shot(front, "kept-form");
  await front.click("text=Verzoek registreren");
  await front.waitForURL(/\/bevestiging$/);
  check((await total()) === before + 1, "one submit registers one request, with the Dutch date");
  const inWords = new Date(`${daysAgo(1)}T12:00:00Z`).toLocaleDateString("nl-NL",
    { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  check((await front.textContent("main")).includes(inWords),
    `the confirmation gives the Dutch date as received (${inWords})`);

  // A double click on "Verzoek registreren", and the same form sent twice at once:
  // each registers one request, and both answers lead to the same confirmation.
  await front.goto(`${base}/requests/new`);
  await front.selectOption("#kind", "access");
  await front.selectOption("#team", "AMW");
  await front.fill("#requester_name", "Lotte Mulder");
  const beforeDouble = await total();
  await front.dblclick("text=Verzoek registreren");
  await front.waitForURL(/\/bevestiging$/);
  check((await total()) === beforeDouble + 1, "a double-clicked submit registers one request");
  await front.goto(`${base}/requests/new`);
  await front.selectOption("#kind", "access");
  await front.selectOption("#team", "AMW");
  await front.fill("#requester_name", "Noor Visser");
  // What the browser would send, twice at once, with the browser's own cookies.
  const fields = await front.evaluate(() =>
    Object.fromEntries(new FormData(document.querySelector("form[action='/requests/new']"))));
  const answers = await Promise.all([1, 2].map(() =>
    front.request.post(`${base}/requests/new`, { form: fields, maxRedirects: 0 })));
  const places = answers.map((answer) => [answer.status(), answer.headers()["location"]]);
  check(places.every(([status, at]) => status === 303 && at === places[0][1]) && /\/bevestiging$/.test(places[0][1]),
    `the same form sent twice at once leads twice to one confirmation (${JSON.stringify(places)})`);
  check((await total()) === beforeDouble + 2, "and registered one request");

  // The caller spells their name: it was misheard. The front desk corrects what it
  // registered, and must say why.
  await front.goto(requestUrl);
  check((await front.inputValue("#correct-name")) === "Jan de Vries", "the correction form shows what was registered");
  await front.fill("#correct-name", "Jan de Fries");
  await front.click("#actie-correct + form button");
  check(await front.isVisible("#correct-reason"), "a correction without a reason is refused");
  await accessible(front, "correction refused");
  await front.fill("#correct-reason", "Naam verkeerd verstaan aan de telefoon");
  await front.click("#actie-correct + form button");
  await front.waitForURL(requestUrl);
  const timeline = await front.textContent(".timeline");
  check(timeline.includes("gewijzigd: naam van de verzoeker"), "the timeline names the corrected field");
  check(!timeline.includes("Jan de Vries"), "but not the old value");
  await accessible(front, "request page after the correction");
  await shot(front, "correction");

  // A daughter at the desk asks for her mother's file, with a power of attorney. The
  // form refuses it without the mother's name, beside the field; with it, the request
  // is registered and its acknowledgement, drafted at once, names the mother.
  await front.goto(`${base}/requests/new`);
  await front.selectOption("#kind", "access");
  await front.selectOption("#channel", "in_person");
  await front.selectOption("#team", "AMW");
  await front.fill("#requester_name", "Eva Bosman");
  await front.fill("#requester_address_line", "Kerkstraat 9");
  await front.fill("#requester_address_postcode", "5678 CD");
  await front.fill("#requester_address_city", "Andersdorp");
  await front.selectOption("#relation", "authorised");
  await front.click("text=Verzoek registreren");
  check(await front.isVisible("#subject_name-fout"), "a representative's request without the client's name is refused beside the field");
  check((await front.inputValue("#requester_name")) === "Eva Bosman", "what was typed stays");
  await accessible(front, "new request for someone else, without the client's name");
  await front.fill("#subject_name", "Greet Ruiter");
  await front.click("text=Verzoek registreren");
  await front.waitForURL(/\/bevestiging$/);
  const behalfUrl = front.url().replace(/\/bevestiging$/, "");
  await front.goto(behalfUrl);
  check((await front.textContent("main")).includes("Greet Ruiter"), "the request page names the client");
  check(await front.inputValue("#letter-kind") === "acknowledgement", "the panel offers the acknowledgement");
  await front.click("#correspondentie form button");
  await front.waitForURL(/\/letters\/[0-9a-f-]+$/);
  const acknowledgement = await front.textContent("pre.letter");
  check(acknowledgement.includes("als gemachtigde van Greet Ruiter"), "the acknowledgement is written on the client's behalf");
  check(!/uw gegevens|uw dossier/i.test(acknowledgement), "and never calls the client's data the daughter's");
  await accessible(front, "acknowledgement draft for a representative");
  await shot(front, "letter-representative");

  const forbidden = await front.goto(`${base}/dashboard`);
  check(forbidden.status() === 403, "the dashboard is forbidden to the front desk (403)");
  await accessible(front, "forbidden page");
  await front.goto(`${base}/requests`);
  await accessible(front, "look-up by reference or name");
  await front.fill("#reference", reference);
  await front.click("button:has-text(\"Opzoeken\")");
  await front.waitForURL(requestUrl);
  // Another caller rings: she has no reference, only her name.
  await front.goto(`${base}/requests`);
  await front.fill("#q", "pieters");
  await front.press("#q", "Enter");
  await front.waitForURL(/q=pieters/);
  check((await front.textContent("main")).includes("1 verzoek,"), "found by name");
  check(!(await front.textContent("body")).includes("Karin"), "the front desk sees status and deadlines only");
  await accessible(front, "search results, front desk");
  await front.click("table.list a");
  check(!(await front.textContent("body")).includes("Karin Pieters"), "the request page shows no personal data to the front desk");
  await front.fill("#withdraw-reason", "Belde om het verzoek in te trekken");
    await front.click("#actie-withdraw + form button");
  await front.waitForURL(/\/requests\/[0-9a-f-]+#correspondentie$/);
  check((await front.textContent(".status")).includes("Ingetrokken"), "the front desk withdrew it on the caller's behalf");
  await accessible(front, "request page, front desk");
  const missing = await front.goto(`${base}/requests/00000000-0000-0000-0000-000000000000`);
  check(missing.status() === 404, "an unknown request is 404");
  await accessible(front, "not-found page");
  await front.goto(`${base}/`);
  await front.click("text=Uitloggen");
  await front.waitForURL(`${base}/login`);

  // The caseworker signs in with her organisation account, on the provider's own login
  // page, and opens "Mijn verzoeken": nothing assigned yet, the team's new requests to
  // take on, the old one past its legal limit.
  const cw = await session("caseworker");
  await cw.goto(`${base}/login`);
  await cw.click("text=Inloggen met uw organisatie-account");
  await cw.waitForURL((url) => url.href.startsWith(issuer));
  await cw.fill("#login", "mira");
  await cw.fill("#password", "een wachtwoord");
  await cw.click("button:text-is('Inloggen')");
  await cw.waitForURL(`${base}/`);
  check((await cw.textContent("body")).includes("Mira Jansen"), "the caseworker is signed in with her organisation account");
  await accessible(cw, "start page after signing in with the organisation account");
  await cw.goto(`${base}/requests`);
  const mine = await cw.textContent("table.list");
  check(mine.includes(reference) && mine.includes("Nog niet toegewezen"), "the team's unassigned request is in my list");
  check(mine.includes("Wettelijke termijn overschreden"), "the legal limit is said in the list");
  await accessible(cw, "my requests");
  await shot(cw, "list");
  await cw.goto(`${base}/requests/${old}`);
  check((await cw.textContent(".status")).includes("Wettelijke termijn overschreden"), "the request page says the legal limit passed");
  check(!(await cw.isVisible("h2:text-is('Termijn verlengen')")), "no extension that can only fail");
  check(await cw.isVisible("text=Verlenging vastleggen die op tijd is gemeld"), "only one announced in time");
  await accessible(cw, "request past the legal limit");
  await shot(cw, "legal-limit");
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
  await cw.waitForURL(`${requestUrl}#correspondentie`);
  check((await cw.textContent(".status")).includes("Afgewezen"), "refused with a ground");
  check((await cw.textContent("body")).includes("Kennelijk ongegrond"), "the ground is shown by its label");
  await accessible(cw, "request page after the decision");
  await shot(cw, "request");

  // In the same sitting: the decision letter. Without an explanation it names what is
  // missing and is not sent; completed, it is previewed as PDF and recorded as posted.
  check(await cw.inputValue("#letter-kind") === "decision", "the panel offers the decision letter");
  await cw.click("#correspondentie form button");
  await cw.waitForURL(/\/letters\/[0-9a-f-]+$/);
  const letterUrl = cw.url();
  await cw.fill("#p-explanation", "");
  await cw.click("button:text-is('Opslaan')");
  await cw.waitForURL(/#ontbreekt$/);
  const lacking = await cw.textContent("section[aria-labelledby=ontbreekt]");
  check(lacking.includes("de uitleg voor deze situatie"), "the draft says the explanation is missing");
  await accessible(cw, "letter draft with a missing element");
  await cw.click("button:text-is('Definitief maken om af te drukken')");
  check((await cw.textContent(".summary")).includes("De brief is nog niet definitief"), "it cannot be made final while an element is missing");
  await cw.fill("#p-explanation", "U vroeg deze maand al twee keer om inzage in hetzelfde dossier; die kreeg u op 3 en 17 november.");
  await cw.click("button:text-is('Opslaan')");
  await cw.waitForURL(/#versturen$/);
  check((await cw.textContent("section[aria-labelledby=ontbreekt]")).includes("De brief noemt alles wat de wet vraagt"), "nothing is missing any more");
  const preview = await cw.request.get(`${letterUrl}/pdf`);
  check(preview.status() === 200 && preview.headers()["content-type"] === "application/pdf"
    && (await preview.body()).subarray(0, 5).toString() === "%PDF-", "the draft previews as a PDF");
  await accessible(cw, "letter draft ready to send");
  await shot(cw, "letter");
  // Made final, printed, posted; then the day of posting is recorded.
  await cw.click("button:text-is('Definitief maken om af te drukken')");
  await cw.waitForURL(/#versturen$/);
  check((await cw.textContent("dl.facts")).includes("Klaar voor verzending"), "the letter is final, waiting to be posted");
  const printed = await cw.request.get(`${letterUrl}/pdf`);
  check(printed.status() === 200 && /besluit\.pdf/.test(printed.headers()["content-disposition"] ?? ""),
    "the final PDF is saved under a Dutch name");
  await accessible(cw, "final letter waiting to be posted");
  await cw.click("button:text-is('Verzending vastleggen')");
  await cw.waitForURL(`${requestUrl}#correspondentie`);
  const panel = await cw.textContent("#correspondentie");
  check(panel.includes("Besluit") && panel.includes("Verzonden") && panel.includes("Per post"), "the letter is under Correspondentie");
  await accessible(cw, "request page with its correspondence");
  check(!(await cw.isVisible("#actie-transfer")), "a caseworker does not move requests to another team");
  // She signs out: here, then at her organisation's sign-in service, which asks to
  // confirm and sends her back to the sign-in page.
  await cw.click("text=Uitloggen");
  await cw.waitForURL((url) => url.href.startsWith(`${issuer}/session/end`));
  check(cw.url().includes("id_token_hint="), "signing out names her session to the provider");
  await cw.click("button[name=logout]");
  await cw.waitForURL(`${base}/login`);
  check((await cw.textContent("body")).includes("Inloggen met uw organisatie-account"), "signing out ends on the sign-in page");
  await cw.goto(`${base}/`);
  check(cw.url().startsWith(`${base}/login`), "and she is signed out here");

  // The manager sees the old request belongs with the youth team, and moves it.
  const mgr = await session("manager");
  await signIn(mgr, manager);
  await mgr.goto(`${base}/requests/${old}`);
  await mgr.selectOption("#transfer-team", "JGD");
  await mgr.fill("#transfer-reason", "Het gaat om een kind in het gezin; jeugd en gezin begeleidt");
  await mgr.click("#actie-transfer + form button");
  await mgr.waitForURL(/verplaatst=/);
  check((await mgr.textContent(".notice")).includes("verplaatst naar team JGD"), "the list says where it went");
  await accessible(mgr, "list after a transfer");

  // The privacy officer sees it on the dashboard, and follows a tile to its list.
  const po = await session("privacy officer");
  await signIn(po, officer);
  await po.goto(`${base}/dashboard`);
  const row = await po.textContent("tr:has(th:text('Inzage'))");
  check(/Inzage\s*1\s*100 %/.test(row.replace(/\s+/g, " ")), `one access decision, on time, on the dashboard (${row.trim()})`);
  await accessible(po, "dashboard");
  await shot(po, "dashboard");
  const tile = await po.textContent("a[href*='stand=wettelijk'] .number");
  await po.click("a[href*='stand=wettelijk']");
  await po.waitForURL(/stand=wettelijk/);
  check((await po.textContent("main")).includes(`${tile} verzoek`), `the tile's ${tile} request(s) are the list's`);
  await accessible(po, "list behind a dashboard tile");
  // A Dutch date in the list's filter is read; one that is no date is said beside it.
  await po.goto(`${base}/requests?wie=alle`);
  await po.fill("#van", typed(daysAgo(1)));
  await po.click("button:text-is('Zoeken')");
  await po.waitForURL(/van=/);
  check(!(await po.isVisible("#van-fout")) && (await po.inputValue("#van")) === typed(daysAgo(1)),
    "a Dutch date in the list filter is accepted");
  const fromYesterday = await po.textContent("table.list");
  check(fromYesterday.includes(typed(today)) && !fromYesterday.includes(typed(daysAgo(60))),
    "the list from yesterday has today's requests, not the one received 60 days ago");
  await po.fill("#van", "31-02-2026");
  await po.click("button:text-is('Zoeken')");
  await po.waitForURL(/van=31/);
  check(await po.isVisible("#van-fout"), "a date that does not exist is said beside the filter");
  await accessible(po, "list with a filter that is no date");
  await po.goto(`${base}/requests?wie=alle`);
  await accessible(po, "list with Exporteren");
  const exported = await po.request.get(`${base}/requests/export?wie=alle`);
  const csv = await exported.body();
  check(exported.status() === 200 && csv.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))
    && csv.subarray(3).toString("utf8").startsWith("Kenmerk;Soort verzoek;"), "Exporteren gives a file for Dutch Excel");
  await po.goto(`${base}/reports/annual`);
  await accessible(po, "annual report");
  await shot(po, "annual-report");

  // A new team starts, with a new colleague: the privacy officer adds both in the
  // administration pages.
  await po.goto(`${base}/`);
  await po.click("a[href='/admin/teams']");
  await accessible(po, "teams");
  await po.fill("#code", "wmo");
  await po.fill("#team-name", "Wmo-consulenten");
  await po.click("button:text-is('Team toevoegen')");
  await po.waitForURL(`${base}/admin/teams/WMO`);
  check((await po.textContent("h1")).includes("WMO"), "the team is added, its code in capitals");
  await accessible(po, "team");
  await po.goto(`${base}/admin/users`);
  await po.fill("#name", "Sanne Bakker");
  await po.fill("#email", "sanne@zorg.example");
  await po.selectOption("#role", "caseworker");
  await po.check("#team-WMO");
  await po.click("button:text-is('Gebruiker toevoegen')");
  await po.waitForURL(/\/admin\/users\/[0-9a-f-]+\?toegevoegd=1$/);
  const added = await po.textContent("main");
  check(added.includes("Gebruiker toegevoegd") && added.includes("logt in met het account van de organisatie"),
    "her page says she signs in with the organisation account");
  check(!added.includes("avgl_") && !(await po.isVisible("text=Nieuwe sleutel uitgeven")),
    "the privacy officer makes no token on her behalf");
  await accessible(po, "colleague added");
  await po.goto(`${base}/admin/users`);
  const users = await po.textContent("table");
  check(users.includes("Sanne Bakker") && users.includes("WMO"), "the colleague is in the list with her team");
  await accessible(po, "users");
  await shot(po, "users");
  await po.click("text=Mira Jansen");
  check(await po.isVisible("button:text-is('Koppeling opheffen')"), "the caseworker's organisation account is bound");
  await accessible(po, "a colleague's page");
  await po.goto(`${base}/settings`);
  await accessible(po, "my settings");
  // Where the client's data live: the privacy officer registers the client file as a
  // system; an erasure granted (over the API) gets a task for it, and the request is
  // completed only once the task is closed on its page.
  await po.goto(`${base}/admin/systems`);
  await accessible(po, "systems");
  await po.fill("#code", "ecd");
  await po.fill("#system-name", "Elektronisch cliëntdossier");
  await po.selectOption("#owner", { label: "Fenna Gerritsen" });
  await po.click("button:text-is('Systeem toevoegen')");
  check(await po.isVisible("text=kies ten minste één soort verzoek"), "a system without kinds is refused beside the field");
  check((await po.inputValue("#system-name")) === "Elektronisch cliëntdossier", "what was typed is kept");
  await accessible(po, "systems with a refused form");
  await po.check("input[name=kinds][value=erasure]");
  await po.click("button:text-is('Systeem toevoegen')");
  await po.waitForURL(`${base}/admin/systems/ECD?opgeslagen=1`);
  await accessible(po, "a system");
  const api = async (path, data) => {
    const response = await fetch(`${base}${path}`, {
      method: data ? "POST" : "GET",
      headers: { authorization: `Bearer ${officer}`, "content-type": "application/json" },
      body: data ? JSON.stringify(data) : undefined,
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const mira = (await api("/api/v1/users")).items.find((u) => u.name === "Mira Jansen");
  const erasure = (await api("/api/v1/requests", {
    kind: "erasure", scope: "data", channel: "letter", received_on: today, team: "AMW",
    requester: { name: "Karel Visser", relation: "self" }, subject: { age_band: "adult" },
    description: "Het verslag van het huisbezoek verwijderen",
  })).id;
  await api(`/api/v1/requests/${erasure}/actions/assign`, { assignee: mira.id });
  await api(`/api/v1/requests/${erasure}/actions/start_assessment`, { identity_verified_by: "known_client" });
  await api(`/api/v1/requests/${erasure}/actions/decide`, {
    outcome: "granted", grounds: [], explanation: "Wij verwijderen het verslag.", communicated_on: today,
  });
  await po.goto(`${base}/tasks`);
  check((await po.textContent("main")).includes("Elektronisch cliëntdossier"), "the task is among Mijn taken");
  await accessible(po, "my tasks");
  await po.goto(`${base}/requests/${erasure}`);
  await po.fill("#complete-summary", "Het verslag is verwijderd");
  await po.fill("#complete-recipients", "Huisarts");
  await po.click("#actie-complete + form button");
  check((await po.textContent(".summary")).includes("nog open in: ECD"), "completion waits for the open task");
  await accessible(po, "request with an open task");
  await po.fill("#note-ECD", "Verslag van 3 maart gewist");
  await po.click("#taken button[value=done]");
  await po.waitForURL(`${base}/requests/${erasure}#taken`);
  check((await po.textContent("#taken")).includes("Uitgevoerd"), "the task is done");
  await accessible(po, "request with its task done");
  await shot(po, "tasks");
  await po.fill("#complete-summary", "Het verslag is verwijderd");
  await po.fill("#complete-recipients", "Huisarts");
  await po.click("#actie-complete + form button");
  await po.waitForURL(`${base}/requests/${erasure}#correspondentie`);
  check((await po.textContent(".status")).includes("Afgerond"), "completed once every task is closed");

} catch (error) {
  failures.push(String(error?.stack ?? error));
  console.error(error);
} finally {
  await browser.close();
  server.kill("SIGTERM");
}

if (failures.length) {
  console.error(`\n${failures.length} failure(s):\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
console.log("\nthe walk passed");
// The provider's output pipe would keep Node waiting: stop (and end it) now.
process.exit(0);
