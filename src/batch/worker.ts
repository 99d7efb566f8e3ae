// A batch worker thread: loads the same registry as the parent, then runs the targets it is sent one at a time.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { withExternalPlugins } from "../plugin/external.js";
import type { Registry } from "../plugin/registry.js";
import { Timestamp } from "../records/timestamp.js";
import { Logger } from "../util/log.js";
import { runTargetJob, type JobEnv } from "./job.js";
import type { FromWorker, ToWorker, WorkerSetup } from "./protocol.js";
import { RenderSpoolWriter } from "./render.js";
import { SpoolWriter } from "./spool.js";

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
  return (await import("../../plugins/index.js")).defaultRegistry;
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
  fnArgs: setup.fnArgs,
  limit: setup.limit,
  generated: setup.generated ? Timestamp.parse(setup.generated) : undefined,
  log,
  maxIssues: setup.maxIssues,
  onRecords: (n) => post({ type: "records", n }),
  onFunctionDone: (job, fn) => post({ type: "fn-done", job, fn }),
};

port.on("message", (msg: ToWorker) => {
  void (async () => {
    const job = msg.job;
    if (setup.output.kind === "dir") {
      const report = await runTargetJob(job, { ...base, output: { kind: "dir", cfg: setup.output.cfg } });
      post({ type: "done", report, spool: null });
      return;
    }
    const file = path.join(setup.output.dir, `${job.index}.spool`);
    const spool = setup.output.render ? new RenderSpoolWriter(file, setup.output.render) : new SpoolWriter(file);
    let report;
    try {
      report = await runTargetJob(job, { ...base, output: { kind: "sink", sink: spool } });
    } finally {
      await spool.close();
    }
    post({ type: "done", report, spool: spool.count ? spool.file : null });
  })();
});

post({ type: "ready" });
