#!/usr/bin/env node
// Opens an HTML report of `tlsdoctor diagnose --format html` in headless Chromium and
// prints, as one JSON object, what the page shows and did: the connection count, the
// rows drawn, a connection opened with the keyboard alone (its findings, its ladder's
// arrows, its display filter), the console errors, the requests attempted, the
// Content-Security-Policy violations, the element names in the DOM, axe-core's
// violations, and how long the page took to be ready. The Rust test
// (crates/tlsdoctor/tests/html_report.rs) judges it against the CLI's JSON report.
//
// usage: node inspect-report.js REPORT.html [--viewport 1280x800] [--screenshot OUT.png]
//        [--screenshot-detail OUT.png] [--screenshot-chains OUT.png] [--open-index N] [--no-axe] [--no-keyboard] [--full-page]
//        [--filter-outcome OUTCOME] [--search TEXT]
"use strict";

const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");

function parseArgs(argv) {
  const args = { report: null, viewport: "1280x800", screenshot: null, axe: true, keyboard: true, fullPage: false, openIndex: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--viewport") args.viewport = argv[++i];
    else if (a === "--screenshot") args.screenshot = argv[++i];
    else if (a === "--screenshot-detail") args.screenshotDetail = argv[++i];
    else if (a === "--screenshot-chains") args.screenshotChains = argv[++i];
    else if (a === "--open-index") args.openIndex = Number(argv[++i]);
    else if (a === "--filter-outcome") args.filterOutcome = argv[++i];
    else if (a === "--search") args.search = argv[++i];
    else if (a === "--no-axe") args.axe = false;
    else if (a === "--no-keyboard") args.keyboard = false;
    else if (a === "--full-page") args.fullPage = true;
    else args.report = a;
  }
  if (!args.report) throw new Error("usage: inspect-report.js REPORT.html [options]");
  return args;
}

function chromium() {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  const found = candidates.find((c) => c && fs.existsSync(c));
  if (!found) throw new Error("no Chromium found (set CHROMIUM)");
  return found;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const [width, height] = args.viewport.split("x").map(Number);
  const url = "file://" + path.resolve(args.report);
  const browser = await puppeteer.launch({
    executablePath: chromium(),
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions"],
  });
  const out = { console_errors: [], page_errors: [], requests: [], csp_violations: [], alerts: [] };
  try {
    const page = await browser.newPage();
    await page.setViewport({ width, height });
    page.on("console", (m) => { if (m.type() === "error") out.console_errors.push(m.text()); });
    page.on("pageerror", (e) => out.page_errors.push(String(e)));
    page.on("dialog", async (d) => { out.alerts.push(d.message()); await d.dismiss(); });
    page.on("request", (r) => { if (r.url() !== url) out.requests.push(r.url()); });
    // Before the page's own script: note every CSP violation it reports.
    await page.evaluateOnNewDocument(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        window.__violations.push(e.violatedDirective + " " + e.blockedURI);
      });
    });
    const started = Date.now();
    await page.goto(url, { waitUntil: "load", timeout: 300000 });
    await page.waitForFunction(() => document.body.dataset.ready === "true", { timeout: 300000 });
    out.open_ms = Date.now() - started;
    Object.assign(out, await page.evaluate(() => ({
      connections: Number(document.body.dataset.connections),
      rows_drawn: document.querySelectorAll("#rows tr.row").length,
      totals: document.getElementById("totals").textContent,
      shown: document.getElementById("shown").textContent,
    })));

    if (args.keyboard) {
      // Tab from the top of the page to the first connection's button, then Enter.
      let reached = null;
      for (let i = 0; i < 150 && !reached; i++) {
        await page.keyboard.press("Tab");
        reached = await page.evaluate(() => {
          const a = document.activeElement;
          return a && a.classList.contains("open") ? a.getAttribute("data-index") : null;
        });
        out.tabs = i + 1;
      }
      out.keyboard_reached = reached;
      if (reached !== null) {
        if (args.openIndex !== null && args.openIndex !== Number(reached)) {
          // Another connection than the first: its button, by index, with the keyboard.
          await page.evaluate((i) => {
            const b = document.querySelector('button.open[data-index="' + i + '"]');
            if (b) b.focus();
          }, args.openIndex);
        }
        await page.keyboard.press("Enter");
        await page.waitForFunction(() => document.body.dataset.open !== undefined, { timeout: 10000 });
        Object.assign(out, await page.evaluate(() => ({
          opened: Number(document.body.dataset.open),
          detail_visible: !document.getElementById("detail").hidden,
          focus_on_detail: document.activeElement === document.getElementById("detail-title"),
          finding_codes: Array.from(document.querySelectorAll("#detail .finding")).map((f) => f.getAttribute("data-code")),
          arrows: Array.from(document.querySelectorAll("#detail svg.ladder g.arrow")).map((g) => ({
            frame: Number(g.getAttribute("data-frame")),
            from: g.getAttribute("data-from"),
            failing: g.classList.contains("failing"),
            encrypted: g.classList.contains("encrypted"),
          })),
          display_filter: (document.getElementById("display-filter") || {}).value,
          chains: Array.from(document.querySelectorAll("#detail table.chain")).map((t) => ({
            role: t.getAttribute("data-role"),
            certificates: Array.from(t.querySelectorAll("tbody tr.cert")).map((r) => ({
              subject: r.querySelector(".subject").textContent,
              issuer: r.querySelector(".issuer").textContent,
              not_after: r.querySelector(".not-after").textContent,
              key: r.querySelector(".key").textContent,
              signature: r.getAttribute("data-signature"),
            })),
          })),
          data: Array.from(document.querySelectorAll("#detail figure.data")).map((f) => ({
            side: f.getAttribute("data-side"),
            text: f.querySelector("pre").textContent,
          })),
          detail_text: document.getElementById("detail").innerText,
        })));
        if (args.screenshotDetail) await page.screenshot({ path: args.screenshotDetail });
        if (args.screenshotChains) {
          // The connection's certificate section at the top of the screen.
          await page.evaluate(() => {
            const chain = document.querySelector("#detail table.chain");
            if (chain) chain.closest("section").scrollIntoView({ block: "start" });
          });
          await page.screenshot({ path: args.screenshotChains });
        }
      }
    }

    // The table scrolled half-way: other rows drawn, as many.
    out.scrolled = await page.evaluate(async () => {
      const scroller = document.getElementById("scroller");
      scroller.scrollTop = scroller.scrollHeight / 2;
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      const rows = document.querySelectorAll("#rows tr.row");
      return { rows: rows.length, first_id: rows.length ? Number(rows[0].dataset.id) : null };
    });
    if (args.filterOutcome) {
      await page.select("#f-outcome", args.filterOutcome);
      out.filtered = await page.evaluate(() => ({
        shown: Number(document.body.dataset.shown),
        outcomes: Array.from(new Set(Array.from(document.querySelectorAll("#rows tr.row .badge")).map((b) => b.textContent))),
      }));
    }
    if (args.search) {
      await page.select("#f-outcome", "");
      await page.evaluate(() => { delete document.body.dataset.shown; });
      // The text at once, as pasted: the search applies once typing pauses.
      await page.$eval("#f-search", (field, text) => {
        field.value = text;
        field.dispatchEvent(new Event("input"));
      }, args.search);
      await page.waitForFunction(() => document.body.dataset.shown !== undefined, { timeout: 10000 });
      out.searched = await page.evaluate(() => Number(document.body.dataset.shown));
    }

    // Measured once the page settled: two frames drawn after the last change.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    Object.assign(out, await page.evaluate(() => ({
      csp_violations: window.__violations,
      tags: Array.from(new Set(Array.from(document.querySelectorAll("*")).map((e) => e.localName))).sort(),
      scripts: document.scripts.length,
      event_attributes: Array.from(document.querySelectorAll("*")).flatMap((e) =>
        Array.from(e.attributes).filter((a) => a.name.startsWith("on")).map((a) => e.localName + "[" + a.name + "]")),
      body_text: document.body.innerText,
      horizontal_overflow: document.documentElement.scrollWidth > window.innerWidth,
      // What sticks out past the right edge, to name it when the page is too wide.
      overflowing: Array.from(document.querySelectorAll("body *"))
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter((e) => {
          // Inside a scroller, sticking out is scrolling, not overflow.
          for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== "visible") return false;
          }
          return true;
        })
        .slice(0, 8)
        .map((e) => e.localName + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined ? "." + e.className : "")
          + " " + Math.round(e.getBoundingClientRect().right)),
    })));

    if (args.axe) {
      // DevTools evaluation is not subject to the page's CSP: axe runs in the page as is.
      const source = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
      await page.evaluate(source);
      const result = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ["violations"] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help,
          targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
      });
      out.axe_violations = result;
    }

    if (args.screenshot) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: args.screenshot, fullPage: args.fullPage });
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
}

main().catch((e) => {
  process.stderr.write("inspect-report: " + (e && e.stack || e) + "\n");
  process.exit(2);
});
