// Screenshots and axe-core checks of each page type in headless Chromium (not part of CI).
// Setup (outside the repo): mkdir /tmp/pw && cd /tmp/pw && npm install playwright-core axe-core
// Run: referat --db var/referat.db serve --port 8765 &  then
//      NODE_PATH=/tmp/pw/node_modules node tests/browser/shots.mjs http://127.0.0.1:8765 /tmp/shots
import { createRequire } from "module";
const require = createRequire(process.env.NODE_PATH + "/");
const { chromium } = require("playwright-core");
const axeSource = require("fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const base = process.argv[2] || "http://127.0.0.1:8765";
const out = process.argv[3] || "/tmp/shots";
require("fs").mkdirSync(out, { recursive: true });
const pages = JSON.parse(process.env.PAGES || '[["front","/"],["search","/soeg?q=budget"],["meeting","/moede/4"],["item","/moede/4/punkt/2"],["committee","/kommune/Aarhus/udvalg/Teknisk%20Udvalg"],["error","/moede/999999"]]');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
let failed = 0;
for (const [name, path] of pages) {
  await page.goto(base + path);
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: false });
  await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate(async () => await axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }));
  failed += r.violations.length;
  console.log(`${name} ${path}: ${r.violations.length} violations, ${r.passes.length} passes`);
  for (const v of r.violations) console.log(`  ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
}
// keyboard: the first Tab lands on the skip link
await page.goto(base + "/");
await page.keyboard.press("Tab");
console.log("first tab:", await page.evaluate(() => document.activeElement.textContent));
await browser.close();
process.exit(failed ? 1 : 0);
