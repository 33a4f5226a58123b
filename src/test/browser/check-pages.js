#!/usr/bin/env node
// Opens pages that show converted models in TensorSpace (the plugin's index.html preview, or the
// example web app) in Debian's headless Chromium and reports, per page, as JSON on stdout:
// page/console errors, whether the TensorSpace model loaded, whether a prediction filled every
// TensorSpace layer, how many colours a screenshot of the canvas has and which share of its pixels
// differ from the background (the most frequent colour), the time from navigation until the model
// is ready, and the mean time between animation frames over one second after that.
//
// Input (JSON on stdin): {
//   "chromium": "/usr/bin/chromium", "concurrency": 4, "timeoutMs": 30000,
//   "pages": [{ "id": "...", "url": "http://127.0.0.1:port/...", "screenshot": "/path.png" (optional),
//               "predict": "expression run in the page after load (optional)",
//               "probe": "expression whose value is reported as result.probe (optional)",
//               "frames": true (optional: measure frame time),
//               "timeoutMs": 120000 (optional: this page's own timeout),
//               "replace": { "from": "/file", "to": "/file" } (optional: copies a model file over
//               the one a tensorspace:view page shows, waits for the page to reload and reports its
//               state again as "afterReplace") }]
// }
// The page must set window.tensorspacePreview = { state: "loading" | "ready" | "error", model, error }.
'use strict';

const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// Runs in the page: the preview's state and which TensorSpace layers have a value.
function inspect() {
  const p = window.tensorspacePreview;
  if (p.state !== 'ready') return { state: p.state, error: p.error || null };
  const model = p.model;
  const unfilled = [];
  const layers = model.layers || [];
  for (const layer of layers) {
    const value = layer.neuralValue !== undefined ? layer.neuralValue
      : (layer.actualLayer ? layer.actualLayer.neuralValue : undefined);
    if (value === undefined || value === null || value.length === 0) {
      unfilled.push(layer.name || layer.layerType || '?');
    }
  }
  return { state: p.state, loaded: model.isInitialized === true && model.resource !== undefined,
    layers: layers.length, unfilled, prediction: p.prediction === undefined ? null : p.prediction };
}

async function checkPage(context, job, defaultTimeoutMs) {
  const timeoutMs = job.timeoutMs || defaultTimeoutMs;
  const result = { id: job.id, url: job.url, errors: [], loaded: false, filled: false, layers: 0,
    unfilled: [], colours: 0, coverage: 0, state: null, error: null, ms: 0, readyMs: 0,
    frameMs: null, probe: null };
  const started = Date.now();
  const page = await context.newPage();
  page.on('pageerror', (e) => result.errors.push('pageerror: ' + (e && e.stack ? e.stack : e)));
  page.on('console', (m) => {
    if (m.type() === 'error') result.errors.push('console.error: ' + m.text());
  });
  page.on('requestfailed', (r) => result.errors.push('request failed: ' + r.url() + ' ' +
    (r.failure() ? r.failure().errorText : '')));
  page.on('response', (r) => {
    if (r.status() >= 400) result.errors.push('HTTP ' + r.status() + ': ' + r.url());
  });
  try {
    await page.setViewportSize({ width: 800, height: 500 });
    await page.goto(job.url, { waitUntil: 'load', timeout: timeoutMs });
    await page.waitForFunction(
      () => window.tensorspacePreview && window.tensorspacePreview.state !== 'loading',
      null, { timeout: timeoutMs, polling: 100 });
    if (job.predict) {
      await page.evaluate(job.predict);
    }
    const state = await page.evaluate(inspect);
    result.readyMs = Date.now() - started;
    result.state = state.state;
    result.error = state.error || null;
    if (state.state === 'ready') {
      result.loaded = state.loaded;
      result.layers = state.layers;
      result.unfilled = state.unfilled;
      result.filled = state.layers > 0 && state.unfilled.length === 0;
      result.prediction = state.prediction;
      if (job.probe) {
        result.probe = await page.evaluate(job.probe);
      }
      if (job.frames) {
        result.frameMs = await page.evaluate(() => new Promise((resolve) => {
          let frames = 0;
          const start = performance.now();
          function tick(now) {
            frames++;
            if (now - start < 1000) requestAnimationFrame(tick);
            else resolve((now - start) / frames);
          }
          requestAnimationFrame(tick);
        }));
      }
      // let TensorSpace's render loop draw the prediction, then count the screenshot's colours
      await page.waitForTimeout(job.settleMs === undefined ? 300 : job.settleMs);
      const canvas = await page.$('canvas');
      // a clip, not an element screenshot: that waits for the element to be "stable", which a
      // canvas redrawn every frame on a busy machine may never be within the timeout
      const box = canvas ? await canvas.boundingBox() : null;
      // the page's own timeout: a busy machine may take long to draw a deep model's frame
      const png = await page.screenshot(box ? { clip: box, timeout: timeoutMs } : { timeout: timeoutMs });
      if (job.screenshot) {
        fs.mkdirSync(path.dirname(job.screenshot), { recursive: true });
        fs.writeFileSync(job.screenshot,
          job.fullPage ? await page.screenshot({ timeout: timeoutMs }) : png);
      }
      Object.assign(result, await page.evaluate(async (b64) => {
        const img = new Image();
        img.src = 'data:image/png;base64,' + b64;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const ctx = c.getContext('2d');
        ctx.drawImage(img, 0, 0);
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        const counts = new Map();
        for (let i = 0; i < data.length; i += 4) {
          const colour = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
          counts.set(colour, (counts.get(colour) || 0) + 1);
        }
        let background = 0;
        for (const n of counts.values()) background = Math.max(background, n);
        const pixels = data.length / 4;
        return { colours: Math.min(counts.size, 1000), coverage: (pixels - background) / pixels };
      }, png.toString('base64')));
    }
    if (job.replace && result.state === 'ready') {
      // the view goal's page: saving another model over the shown one must reload the page with it
      const reloaded = page.waitForEvent('load', { timeout: timeoutMs });
      fs.copyFileSync(job.replace.from, job.replace.to);
      await reloaded;
      await page.waitForFunction(
        () => window.tensorspacePreview && window.tensorspacePreview.state !== 'loading',
        null, { timeout: timeoutMs, polling: 100 });
      result.afterReplace = await page.evaluate(inspect);
    }
  } catch (e) {
    result.error = String(e && e.message ? e.message : e);
  } finally {
    result.ms = Date.now() - started;
    await page.close().catch(() => {});
  }
  return result;
}

async function main() {
  const job = await readStdin();
  const userDataDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'tsp-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: job.chromium || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
  });
  const timeoutMs = job.timeoutMs || 30000;
  const queue = job.pages.slice();
  const results = [];
  const workers = [];
  for (let w = 0; w < Math.max(1, job.concurrency || 1); w++) {
    workers.push((async () => {
      while (queue.length > 0) {
        const page = queue.shift();
        results.push(await checkPage(context, page, timeoutMs));
      }
    })());
  }
  try {
    await Promise.all(workers);
  } finally {
    await context.close().catch(() => {});
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  const order = new Map(job.pages.map((p, i) => [p.id, i]));
  results.sort((a, b) => order.get(a.id) - order.get(b.id));
  process.stdout.write(JSON.stringify({ results }, null, 1) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
