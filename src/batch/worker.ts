// A batch worker thread: loads the same registry as the parent, then runs the targets it is sent one at a time,
// telling the parent as it goes what it would need to report the target if this thread died.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { withExternalPlugins } from "../plugin/external.js";
import type { Registry } from "../plugin/registry.js";
import { SinkFailure } from "../plugin/runner.js";
import { Timestamp } from "../records/timestamp.js";
import { Logger } from "../util/log.js";
import { BatchWriteError } from "./failure.js";
import { runTargetJob, type JobEnv } from "./job.js";
import type { FromWorker, ToWorker, WorkerSetup } from "./protocol.js";
import { RenderSpoolWriter } from "./render.js";
import { SpoolFile, SpoolWriter } from "./spool.js";

const setup = workerData as WorkerSetup;
const port = parentPort!;
const post = (m: FromWorker): void => port.postMessage(m);

async function loadRegistry(): Promise<Registry> {
  if (setup.registryModule) {
    const url = /^[a-z]+:/i.test(setup.registryModule) ? setup.registryModule : pathToFileURL(path.resolve(setup.registryModule)).href;
    const mod = (await import(url)) as { registry?: Registry; defaultRegistry?: Registry; default?: Registry };
    const r = mod.registry ?? mod.defaultRegistry ?? mod.default;
    if (!r) throw new Error(`${setup.registryModule} exports no registry`);
    return r;
  }
  return (await import("../../plugins/lazy.js")).lazyRegistry;
}

// The parent reported any external plugin that failed to load; the worker loads the same set silently.
const registry = await withExternalPlugins(await loadRegistry(), setup.pluginPaths ?? []);
const groups = registry.resolve(setup.functions, setup.excluded).groups;
const log = new Logger((line) => post({ type: "log", line }), setup.level);
const base: Omit<JobEnv, "output"> = {
  registry,
  groups,
  loader: setup.loader,
  maxInflate: setup.maxInflate,
  direct: setup.direct,
  fnArgs: setup.fnArgs,
  limit: setup.limit,
  generated: setup.generated ? Timestamp.parse(setup.generated) : undefined,
  log,
  maxIssues: setup.maxIssues,
  onRecords: (n) => post({ type: "records", n }),
  onOpened: (info) => post({ type: "opened", info }),
  onFunctionStart: (name) => post({ type: "fn-start", name }),
  onFunctionDone: (job, fn) => post({ type: "fn-done", job, fn }),
};

async function run(msg: ToWorker): Promise<void> {
  const { job } = msg;
  if (setup.output.kind === "dir") {
    const report = await runTargetJob(job, { ...base, output: { kind: "dir", cfg: setup.output.cfg } });
    post({ type: "done", report });
    return;
  }
  const file = new SpoolFile(msg.spoolFd!, (bytes, records) => post({ type: "flushed", bytes, records }));
  const spool = setup.output.render ? new RenderSpoolWriter(file, setup.output.render) : new SpoolWriter(file);
  const report = await runTargetJob(job, { ...base, flush: () => spool.flush(), output: { kind: "sink", sink: spool } });
  await spool.close();
  post({ type: "done", report });
}

port.on("message", (msg: ToWorker) => {
  run(msg).catch((e: unknown) => {
    const err = e instanceof SinkFailure ? e.error : e;
    if (err instanceof BatchWriteError) post({ type: "fatal", message: err.message });
    else throw e; // a defect: this thread dies and the parent reports the target as "worker failed"
  });
});

post({ type: "ready" });
