// e2e.mjs BASE_URL TOKEN [SCREENSHOT.png] - the clinic page in Debian's headless
// Chromium, driven by playwright-core (no browser download): enter a case by
// clicking findings, watch the differential and evidence, a red-flag banner,
// next questions, then save an encounter and chart three follow-ups.
// Prints "browser: N passed, N failed"; exit 1 on failure.
import { chromium } from "playwright-core";

const [base, token, shot] = process.argv.slice(2);
let passed = 0, failed = 0;
function check(cond, what) {
  if (cond) passed++;
  else { failed++; console.log("FAIL: " + what); }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"], // playwright gives it a new empty profile
  timeout: 60000,
});
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.setDefaultTimeout(20000);
  page.on("console", (m) => { if (m.type() === "error" && !/status of 40[14]/.test(m.text())) errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  const offsite = [];
  page.on("request", (r) => { if (!r.url().startsWith(base)) offsite.push(r.url()); });

  await page.goto(base + "/");
  await page.waitForSelector("body[data-ready='1']");
  check(await page.isVisible("[data-testid=disclaimer]"), "disclaimer visible");
  check((await page.textContent("[data-testid=disclaimer]")).includes("not a diagnosis"), "disclaimer text");
  for (const g of ["history", "symptoms", "examination", "imaging"])
    check(await page.locator(`details[data-group=${g}] .finding`).count() > 3, "findings group " + g);
  check(await page.isHidden("[data-testid=redflags]"), "no red-flag banner at start");
  // the pain map and checklists come first and share their findings with the groups below
  check(await page.locator("details[data-group=checklists] [data-checklist=pain_sites] .finding").count() >= 10,
        "pain map lists the pain sites");
  await page.click("[data-testid=cl-yes-sx_pain_groin]");
  check(await page.$eval("details[data-group=symptoms] [data-finding=sx_pain_groin]", (r) => r.classList.contains("yes")),
        "a site ticked on the pain map is set in its own group too");
  const sentMap = page.waitForRequest((r) => r.url().endsWith("/v1/assess") && (r.postData() || "").includes("sx_pain_groin"));
  check(JSON.parse((await sentMap).postData()).findings.sx_pain_groin === true, "pain-map answer sent with the case");
  await page.click("[data-testid=cl-yes-sx_pain_groin]"); // back to unknown
  check(await page.$eval("details[data-group=symptoms] [data-finding=sx_pain_groin]", (r) => !r.classList.contains("yes")),
        "unticking on the pain map clears it everywhere");

  // the UPMC golfer: 49-year-old woman with L5 signs
  await page.fill("[data-testid=age]", "49");
  await page.selectOption("[data-testid=sex]", "female");
  for (const f of ["sx_pain_buttock", "ex_weakness_ehl", "ex_sensory_dorsal_first_webspace", "ex_slump"])
    await page.click(`[data-testid=yes-${f}]`);
  await page.click("[data-testid=no-sx_pain_below_knee]");
  await page.waitForFunction(() => {
    const li = document.querySelector("#differential li");
    return li && li.dataset.condition === "lumbosacral_radiculopathy" && parseFloat(li.querySelector(".p").textContent) > 50;
  });
  check(true, "differential updates: radiculopathy leads");
  const width = await page.$eval("#differential li .bar", (b) => parseFloat(b.style.width));
  check(width > 50, "probability bar drawn (" + width + "%)");
  check((await page.locator("#differential li").count()) >= 10, "differential lists conditions");
  await page.click("#differential li summary");
  const ev = await page.textContent("#differential li .evidence");
  check(ev.includes("ex_weakness_ehl") && ev.includes("kb/profiles/"), "evidence table with source rows");
  const alone = await page.textContent("[data-testid=alone-lumbosacral_radiculopathy]");
  check(/On its own: prior \d+%.*likelihood ratios [\d.e+]+ = \d+(\.\d)?%/.test(alone), "Bayes arithmetic for the condition alone shown: " + alone);

  // a measurement goes into the case
  await page.click("details[data-group=measurements] > summary");
  const sent = page.waitForRequest((r) => r.url().endsWith("/v1/assess") && (r.postData() || "").includes("img_ischiofemoral_space_mm"));
  await page.fill("[data-testid=m-img_ischiofemoral_space_mm]", "12");
  await page.press("[data-testid=m-img_ischiofemoral_space_mm]", "Tab");
  check(JSON.parse((await sent).postData()).measurements.img_ischiofemoral_space_mm === 12, "measurement sent with the case");
  await page.click("details[data-group=measurements] > summary");

  // a red flag as a banner
  await page.fill("[data-testid=filter]", "saddle");
  check(await page.isHidden("[data-finding=sx_pain_buttock]"), "filter hides other findings");
  await page.click("[data-testid=yes-sx_saddle_anesthesia]");
  await page.waitForSelector("[data-testid=redflags]:not([hidden])");
  check((await page.textContent("[data-testid=redflags]")).includes("RED FLAG"), "red-flag banner shown");
  check(/emergency|urgent/.test(await page.textContent("[data-testid=urgency]")), "urgency shown");
  await page.click("[data-testid=yes-sx_saddle_anesthesia]"); // click again: back to unknown
  await page.waitForSelector("[data-testid=redflags][hidden]", { state: "attached" });
  check(true, "red flag clears when the finding is unset");
  await page.fill("[data-testid=filter]", "");

  // next best questions (when the server has /v1/next)
  if ((await page.request.post(base + "/v1/next", { data: { format: "gluteal-case/1", patient: { age: 40, sex: "male" }, findings: {} } })).status() === 200) {
    await page.waitForSelector("#next-panel:not([hidden]) #next li");
    check(await page.locator("#next li").count() > 0, "next questions listed");
  }

  // localisation, plan, handout panels (when the server has them)
  for (const [name, sel, text] of [["localize", "#localize", "L5"], ["plan", "#plan", "MRI"]])
    if ((await page.request.post(base + "/v1/" + name, { data: { format: "gluteal-case/1", patient: { age: 40, sex: "male" }, findings: {} } })).status() === 200) {
      await page.waitForSelector(`#${name}-panel:not([hidden])`);
      await page.waitForFunction(([s, t]) => document.querySelector(s).textContent.includes(t), [sel, text]);
      check(true, name + " panel");
    }
  if ((await page.request.post(base + "/v1/handout", { data: { format: "gluteal-case/1", patient: { age: 40, sex: "male" }, findings: {} } })).status() === 200) {
    await page.waitForSelector("#handout-panel:not([hidden]) iframe");
    const frame = page.frameLocator("[data-testid=handout-frame]");
    check((await frame.locator("body").textContent()).length > 200, "handout shown");
  }

  // encounters: 401 stays out, a token lets in
  await page.fill("[data-testid=token]", "glt_wrong");
  await page.click("[data-testid=use-token]");
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("not valid"));
  check(await page.isHidden("#enc-ui"), "wrong token: no encounters shown");
  await page.fill("[data-testid=token]", token);
  await page.click("[data-testid=use-token]");
  await page.waitForSelector("#enc-ui:not([hidden])");
  await page.fill("[data-testid=patient-ref]", "E2E-1");
  await page.click("[data-testid=save]");
  await page.waitForSelector("[data-testid=encounter]:not([hidden])");
  check((await page.textContent("#status")).includes("saved"), "encounter saved");
  const pains = [8, 5, 2];
  for (let i = 0; i < pains.length; i++) {
    await page.fill("[data-testid=fu-pain]", String(pains[i]));
    await page.fill("[data-testid=fu-date]", `2026-0${i + 1}-15`);
    await page.fill("[data-testid=fu-treatments]", `prolotherapy ${i + 1}`);
    await page.click("[data-testid=fu-add]");
    await page.waitForFunction((n) => document.querySelectorAll("[data-testid=pain-chart] circle").length === n, i + 1);
  }
  const ys = await page.$$eval("[data-testid=pain-chart] circle", (cs) => cs.map((c) => Number(c.getAttribute("cy"))));
  check(ys.length === 3 && ys[0] < ys[1] && ys[1] < ys[2], "pain chart falls over time: " + ys.join(","));
  check((await page.textContent("[data-testid=encounters]")).includes("E2E-1"), "encounter listed");
  if (shot) await page.screenshot({ path: shot });

  await page.goto(base + "/about");
  check((await page.textContent("body")).includes("Latest validation"), "/about page");
  check(offsite.length === 0, "no request leaves the server: " + offsite.join(" "));
  check(errors.length === 0, "no console errors: " + errors.join(" | "));
} catch (e) {
  check(false, "browser flow: " + (e && e.message ? e.message.split("\n").slice(0, 8).join(" / ") : e));
} finally {
  await browser.close();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
