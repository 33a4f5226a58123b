#!/usr/bin/env node
/*
 * Test-only "real client" check: loads converted models in real TensorFlow.js (pure-JS CPU backend)
 * and compares their outputs with reference activations.
 *
 *   node check-model.js <jobs.json> <results.json>
 *
 * jobs.json: [{ "id", "tfjs": "1"|"4", "modelDir": "/abs/dir", "modelJson": "model.json",
 *               "kind": "layers"|"graph", "reference": "/abs/reference.json",
 *               "outputs": ["names in the order the model exposes them"],
 *               "referenceOutputs": [optional: reference names for those outputs, default = outputs],
 *               "timeoutMs": optional per-job limit }]
 * results.json: [{ "id", "ok", "error", "millis", "outputs": [{ "name", "modelName", "shape",
 *               "expectedShape", "maxAbsDiff", "mismatches", "ok" }], "log": [...] }] in job order.
 *
 * Exit code 0 whenever results.json was written (failed jobs included: the Java side decides);
 * non-zero only if this script itself crashes.
 *
 * Design notes (why it looks like this):
 * - Models are served by a tiny loopback HTTP server and loaded through tfjs's own http loader, so weight
 *   paths are resolved relative to model.json exactly as in a browser. Node 20's global fetch is passed
 *   explicitly as fetchFunc, so tfjs 1.7.4 never falls back to its bundled node-fetch.
 * - Each tfjs version runs in its own worker thread: two tfjs copies must never share one global
 *   (both register themselves on the global object), and a worker can be terminated when a job hangs
 *   (tfjs has synchronous infinite loops on some malformed configs, tfjs#7271) — the HTTP server stays in
 *   the main thread so it keeps answering while a worker is busy.
 * - tfjs prints banners/warnings through console.*; the worker captures them per job (result "log"),
 *   so stdout stays clean.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const PACKAGES = { '1': 'tfjs1', '4': 'tfjs4' };  // npm aliases in package.json
const DEFAULT_JOB_TIMEOUT_MS = Number(process.env.TFJS_CHECK_JOB_TIMEOUT_MS || 120000);
const RTOL = 1e-4;

if (isMainThread) {
  main().then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`check-model.js crashed: ${e && e.stack || e}\n`); process.exitCode = 2; });
} else {
  workerMain();
}

// ---------------------------------------------------------------- main thread

async function main() {
  const [jobsFile, resultsFile] = process.argv.slice(2);
  if (!jobsFile || !resultsFile) {
    process.stderr.write('usage: node check-model.js <jobs.json> <results.json>\n');
    return 64;
  }
  const jobs = JSON.parse(fs.readFileSync(jobsFile, 'utf8'));
  if (!Array.isArray(jobs)) throw new Error(`${jobsFile}: expected a JSON array of jobs`);

  const server = await startServer();
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  const results = new Array(jobs.length);
  try {
    // group by tfjs version, keeping job order inside a group; one worker (= one tfjs) per version
    const groups = new Map();
    jobs.forEach((job, index) => {
      const v = String(job && job.tfjs);
      if (!groups.has(v)) groups.set(v, []);
      groups.get(v).push({ index, job });
    });
    for (const [version, entries] of groups) {
      if (!PACKAGES[version]) {
        for (const { index, job } of entries) {
          results[index] = failed(job, `unknown tfjs version '${version}' (expected "1" or "4")`);
        }
        continue;
      }
      await runVersion(version, entries, baseUrl, results);
    }
  } finally {
    server.close();
  }

  fs.mkdirSync(path.dirname(path.resolve(resultsFile)), { recursive: true });
  fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
  const nOk = results.filter((r) => r.ok).length;
  process.stderr.write(`check-model.js: ${nOk}/${results.length} job(s) ok\n`);
  for (const r of results) if (!r.ok) process.stderr.write(`  FAIL ${r.id}: ${String(r.error).slice(0, 300)}\n`);
  return 0;
}

/** Runs the jobs of one tfjs version in a worker, one at a time; a hung or crashed worker is replaced. */
async function runVersion(version, entries, baseUrl, results) {
  let worker = null;
  for (const { index, job } of entries) {
    if (!worker) {
      // stdout: true = the worker's stdout is piped to us (and discarded) instead of mixed into ours
      worker = new Worker(__filename, { workerData: { version }, stdout: true });
      worker.stdout.resume();
    }
    const timeoutMs = Number(job && job.timeoutMs) > 0 ? Number(job.timeoutMs) : DEFAULT_JOB_TIMEOUT_MS;
    const started = Date.now();
    const outcome = await new Promise((resolve) => {
      const done = (value) => {
        clearTimeout(timer);
        worker.off('message', onMessage); worker.off('error', onError); worker.off('exit', onExit);
        resolve(value);
      };
      const onMessage = (result) => done({ result });
      const onError = (e) => done({ fatal: `tfjs ${version} worker crashed: ${e && e.message || e}` });
      const onExit = (code) => done({ fatal: `tfjs ${version} worker exited unexpectedly (code ${code})` });
      const timer = setTimeout(() => done({ fatal: `timed out after ${timeoutMs} ms (tfjs hung)` }), timeoutMs);
      worker.on('message', onMessage); worker.on('error', onError); worker.on('exit', onExit);
      worker.postMessage({ job, baseUrl });
    });
    if (outcome.fatal) {
      results[index] = failed(job, outcome.fatal);
      results[index].millis = Date.now() - started;
      await worker.terminate().catch(() => {});
      worker = null;
    } else {
      results[index] = outcome.result;
    }
  }
  if (worker) await worker.terminate().catch(() => {});
}

function failed(job, error) {
  return { id: job && job.id != null ? String(job.id) : null, ok: false, error, outputs: [] };
}

/** Loopback file server: URL path = absolute file path (percent-encoded per segment). */
function startServer() {
  const server = http.createServer((req, res) => {
    let file;
    try {
      const pathname = new URL(req.url, 'http://x').pathname;
      file = path.resolve('/', ...pathname.split('/').filter(Boolean).map(decodeURIComponent));
    } catch (e) {
      res.writeHead(400).end();
      return;
    }
    const served = resolveServedFile(file);
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405).end(); return; }
    if (!served) { res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${file}\n`); return; }
    const body = fs.readFileSync(served);
    res.writeHead(200, {
      'Content-Type': served.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      'Content-Length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  // never close idle keep-alive sockets: a worker whose event loop a long execute() blocked (InceptionV3,
  // ~75 s) has not seen the close yet, reuses the dead socket for the next model and gets "fetch failed"
  server.keepAliveTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * The file itself, or — for fixture-corpus models — the copy named by a shared-files.json in the case
 * directory (or above): {"<path relative to that dir>": "<format>/<case>/<file>" relative to the corpus root}.
 */
function resolveServedFile(file) {
  if (isFile(file)) return file;
  let dir = path.dirname(file);
  for (let up = 0; up < 4 && dir !== path.dirname(dir); up++, dir = path.dirname(dir)) {
    const shared = path.join(dir, 'shared-files.json');
    if (!isFile(shared)) continue;
    try {
      const map = JSON.parse(fs.readFileSync(shared, 'utf8'));
      const rel = path.relative(dir, file).split(path.sep).join('/');
      if (typeof map[rel] === 'string') {
        const target = path.resolve(dir, '..', '..', map[rel]);  // <root>/<format>/<case>/shared-files.json
        if (isFile(target)) return target;
      }
    } catch (e) { /* unreadable map: treat as not found */ }
  }
  return null;
}

function isFile(p) {
  try { return fs.statSync(p).isFile(); } catch (e) { return false; }
}

// ---------------------------------------------------------------- worker (one tfjs version)

function workerMain() {
  const logs = [];
  const capture = (level) => (...args) => {
    const line = args.map((a) => (typeof a === 'string' ? a : safeString(a))).join(' ');
    // the "use tfjs-node for speed" banners are pure noise here
    if (/looks like you are running TensorFlow\.js in Node\.js/i.test(line)) return;
    if (/^\s*(={5,}|\*{5,})?\s*$/.test(line)) return;
    logs.push(`${level}: ${line}`.slice(0, 2000));
  };
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) console[level] = capture(level);

  const tf = require(PACKAGES[workerData.version]);
  const ready = tf.setBackend('cpu').then(() => tf.ready());
  // Node 20's global fetch; wrapped so tfjs calling it as a method of its loader cannot matter
  const fetchFunc = (url, init) => globalThis.fetch(url, init);

  // jobs arrive one at a time (the main thread waits for each result)
  parentPort.on('message', async ({ job, baseUrl }) => {
    const started = Date.now();
    let result;
    try {
      await ready;
      result = await runJob(tf, job, baseUrl, fetchFunc);
    } catch (e) {
      result = failed(job, errorText(e));
    }
    result.millis = Date.now() - started;
    result.tfjsVersion = tf.version_core || (tf.version && tf.version['tfjs-core']) || null;
    const log = logs.splice(0, logs.length);
    if (log.length) result.log = log.slice(0, 50);
    parentPort.postMessage(result);
  });
}

async function runJob(tf, job, baseUrl, fetchFunc) {
  const result = { id: String(job.id), ok: false, error: null, outputs: [] };
  for (const key of ['modelDir', 'modelJson', 'kind', 'reference']) {
    if (typeof job[key] !== 'string' || !job[key]) throw new Error(`job field '${key}' missing`);
  }
  if (!Array.isArray(job.outputs)) throw new Error("job field 'outputs' must be an array");
  const refNames = Array.isArray(job.referenceOutputs) ? job.referenceOutputs : job.outputs;
  if (refNames.length !== job.outputs.length) throw new Error('referenceOutputs and outputs differ in length');

  const reference = JSON.parse(fs.readFileSync(job.reference, 'utf8'));
  const modelFile = path.resolve(job.modelDir, job.modelJson);
  const url = baseUrl + modelFile.split(path.sep).filter(Boolean).map((s) => '/' + encodeURIComponent(s)).join('');
  const handler = tf.io.http(url, { fetchFunc });

  const owned = [];  // tensors to dispose
  let model = null;
  try {
    if (job.kind === 'layers') model = await tf.loadLayersModel(handler);
    else if (job.kind === 'graph') model = await tf.loadGraphModel(handler);
    else throw new Error(`unknown kind '${job.kind}' (expected layers or graph)`);

    let actual;
    if (job.kind === 'layers') {
      const inputs = orderInputs(reference.inputs || [], model.inputNames || model.inputs.map((t) => t.name))
        .map((ri) => makeTensor(tf, ri, ri.dtype));
      owned.push(...inputs);
      actual = model.predict(inputs.length === 1 ? inputs[0] : inputs);
    } else {
      const infos = model.inputs || [];
      const ordered = orderInputs(reference.inputs || [], infos.map((t) => t.name));
      const feed = {};
      ordered.forEach((ri, i) => {
        const info = infos[i];
        const t = makeTensor(tf, ri, info && info.dtype === 'int32' ? 'int32' : ri.dtype);
        owned.push(t);
        feed[info ? info.name : ri.name] = t;
      });
      actual = model.execute(feed, job.outputs);
    }
    actual = Array.isArray(actual) ? actual : [actual];  // a single output comes back as a bare tensor
    owned.push(...actual);

    const modelNames = job.kind === 'layers' ? (model.outputNames || []) : job.outputs;
    if (actual.length !== job.outputs.length) {
      throw new Error(`model has ${actual.length} output(s) [${modelNames.join(', ')}] but the job expects `
        + `${job.outputs.length} [${job.outputs.join(', ')}]`);
    }

    const atol = Math.max(10 * (Number(reference.tolerance) || 0), 1e-5);
    // "relative": true (activations ~1e14, e.g. the ONNX caffe2 "light" models): |a-e| / max(1, |e|) is compared
    relativeDiffs = reference.relative === true;
    const problems = [];
    for (let i = 0; i < actual.length; i++) {
      const name = refNames[i];
      const expected = (reference.outputs || []).find((o) => (o.layer != null ? o.layer : o.name) === name);
      const out = expected ? compare(actual[i], expected, atol, await actual[i].data())
        : compareDropped(actual[i], name, reference.dropped_outputs);
      result.outputs.push({ name, modelName: modelNames[i] != null ? modelNames[i] : null, ...out.entry });
      if (!out.entry.ok) problems.push(`${name}: ${out.problem}`);
    }
    result.ok = problems.length === 0;
    if (!result.ok) result.error = `output check failed (atol ${atol}, rtol ${RTOL}): ${problems.join('; ')}`;
    return result;
  } finally {
    for (const t of owned) { try { t.dispose(); } catch (e) { /* already disposed */ } }
    if (model && typeof model.dispose === 'function') { try { model.dispose(); } catch (e) { /* ignore */ } }
  }
}

/** Reference inputs in the model's input order: by name where all names match, else by position. */
function orderInputs(refInputs, modelInputNames) {
  const strip = (n) => String(n).replace(/:0$/, '');
  if (modelInputNames.length !== refInputs.length) {
    throw new Error(`model has ${modelInputNames.length} input(s) [${modelInputNames.join(', ')}] but the reference `
      + `has ${refInputs.length} [${refInputs.map((r) => r.name).join(', ')}]`);
  }
  const byName = modelInputNames.map((n) => refInputs.find((r) => strip(r.name) === strip(n)));
  return byName.every((r) => r) ? byName : refInputs;
}

function makeTensor(tf, refInput, dtype) {
  const isInt = /^(u?int\d*|bool)$/.test(String(dtype));
  return tf.tensor(refInput.data, refInput.shape, isInt ? 'int32' : 'float32');
}

/**
 * An output the reference left out to stay small ("dropped_outputs": ["<layer> [1, 28, 28, 128]"]):
 * only its shape can be checked.
 */
function compareDropped(tensor, name, dropped) {
  const entry = { shape: tensor.shape.slice(), expectedShape: null, maxAbsDiff: null, mismatches: null, ok: false };
  const hit = (dropped || []).map(String).find((d) => d.startsWith(name + ' ['));
  if (!hit) return { entry, problem: 'no reference output with that name' };
  entry.expectedShape = JSON.parse(hit.slice(name.length + 1).replace(/\bnull\b|None/g, 'null'));
  entry.skipped = 'dropped from the reference: shape checked only';
  entry.ok = sameShape(entry.shape, entry.expectedShape);
  return { entry, problem: entry.ok ? null : `shape ${fmt(entry.shape)} vs expected ${fmt(entry.expectedShape)}` };
}

let relativeDiffs = false;

/** The difference compared: absolute, or scaled by max(1, |expected|) for a "relative" reference. */
function diff(actual, expected) {
  const d = Math.abs(actual - expected);
  return relativeDiffs ? d / Math.max(1, Math.abs(expected)) : d;
}

function compare(tensor, expected, atol, data) {
  const entry = { shape: tensor.shape.slice(), expectedShape: null, maxAbsDiff: null, mismatches: null, ok: false };
  entry.expectedShape = expected.shape;
  const shapeOk = sameShape(entry.shape, expected.shape);
  if (!Array.isArray(expected.data) && Array.isArray(expected.sample_indices)) {
    return compareSample(entry, shapeOk, expected, atol, data);
  }
  if (!Array.isArray(expected.data) && expected.stats) {
    return compareStats(entry, shapeOk, expected, atol, data);
  }
  if (data.length !== expected.data.length) {
    return { entry, problem: `shape ${fmt(entry.shape)} vs expected ${fmt(expected.shape)}` };
  }
  let maxAbs = 0;
  let bad = 0;
  let nonFinite = 0;
  for (let k = 0; k < data.length; k++) {
    const e = expected.data[k];
    const d = diff(data[k], e);
    if (!Number.isFinite(d)) nonFinite++;
    else if (d > maxAbs) maxAbs = d;
    if (!(d <= atol + RTOL * Math.abs(e))) bad++;  // NaN counts as a mismatch
  }
  entry.maxAbsDiff = nonFinite ? null : maxAbs;
  entry.mismatches = bad;
  entry.ok = shapeOk && bad === 0;
  let problem = null;
  if (!shapeOk) problem = `shape ${fmt(entry.shape)} vs expected ${fmt(expected.shape)}`;
  else if (bad) {
    problem = `${bad} of ${data.length} values off, max |diff| ${nonFinite ? `non-finite (${nonFinite} NaN/Inf)` : maxAbs}`;
  }
  return { entry, problem };
}

/**
 * A reference that kept only a sample of a large tensor ("sample_indices": positions in the model's tensor,
 * "sample": the values there): those positions are compared.
 */
function compareSample(entry, shapeOk, expected, atol, data) {
  entry.sampled = expected.sample_indices.length;
  if (!shapeOk) return { entry, problem: `shape ${fmt(entry.shape)} vs expected ${fmt(expected.shape)}` };
  let maxAbs = 0;
  let bad = 0;
  expected.sample_indices.forEach((index, k) => {
    const e = expected.sample[k];
    const d = diff(data[index], e);
    if (Number.isFinite(d) && d > maxAbs) maxAbs = d;
    if (!(d <= atol + RTOL * Math.abs(e))) bad++;
  });
  entry.maxAbsDiff = maxAbs;
  entry.mismatches = bad;
  entry.ok = bad === 0;
  return { entry, problem: bad ? `${bad} of ${expected.sample.length} sampled values off, max |diff| ${maxAbs}` : null };
}

/** A reference that kept only statistics ("stats": min, max, mean) of a tensor: those are compared. */
function compareStats(entry, shapeOk, expected, atol, data) {
  entry.statsOnly = true;
  if (!shapeOk) return { entry, problem: `shape ${fmt(entry.shape)} vs expected ${fmt(expected.shape)}` };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let k = 0; k < data.length; k++) {
    min = Math.min(min, data[k]);
    max = Math.max(max, data[k]);
    sum += data[k];
  }
  const actual = { min, max, mean: data.length ? sum / data.length : 0 };
  let maxAbs = 0;
  const off = [];
  for (const key of ['min', 'max', 'mean']) {
    const e = Number(expected.stats[key]);
    const d = diff(actual[key], e);
    if (d > maxAbs) maxAbs = d;
    if (!(d <= atol + RTOL * Math.abs(e))) off.push(`${key} ${actual[key]} vs ${e}`);
  }
  entry.maxAbsDiff = maxAbs;
  entry.mismatches = off.length;
  entry.ok = off.length === 0;
  return { entry, problem: off.length ? `statistics off: ${off.join(', ')}` : null };
}

function sameShape(a, b) {
  return Array.isArray(b) && a.length === b.length && a.every((d, k) => d === b[k]);
}

function fmt(shape) { return `[${shape.join(',')}]`; }

function errorText(e) {
  let text;
  if (e == null) text = 'unknown error';
  else if (e instanceof Error) text = e.message ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e.name);
  else text = typeof e === 'string' ? e : safeString(e);
  // tfjs quotes whole configs in some messages; keep the start and the end (where the reason usually is)
  return text.length <= 1500 ? text : `${text.slice(0, 1000)} ...[${text.length - 1400} chars]... ${text.slice(-400)}`;
}

function safeString(v) {
  try { return typeof v === 'object' ? JSON.stringify(v) : String(v); } catch (e) { return String(v); }
}
