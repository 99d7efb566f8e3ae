// What a run must undo if it is killed by SIGINT, SIGTERM or SIGHUP, and the rule that keeps signals working:
// JavaScript signal handlers are installed only while there is something on disk to remove, and only while the
// main thread is free to run them. A handler replaces the default action (die at once); if a plugin then spins
// on the main thread, the handler never runs and the signal is lost. So a run with nothing to clean up (spools
// and the report's side file are nameless temp files) installs no handler at all and dies of the signal
// instantly whatever it is doing, and a run that needs one (--output-dir: the lock and `.partial` files) runs its
// targets in worker threads, leaving the main thread idle to answer.

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** How long the handler waits for worker threads to stop before it removes files and dies anyway. */
const STOP_WAIT_MS = 2000;

export class SignalCleanup {
  private readonly steps = new Set<() => void>();
  private stopper: (() => Promise<void>) | null = null;
  private installed = false;
  private dying = false;

  private readonly onSignal = (sig: NodeJS.Signals): void => {
    if (this.dying) {
      this.die(sig); // a second Ctrl-C: no more waiting
      return;
    }
    this.dying = true;
    const stop = this.stopper ? Promise.race([this.stopper().catch(() => {}), delay(STOP_WAIT_MS)]) : Promise.resolve();
    void stop.then(() => this.die(sig));
  };

  /** Run `step` if the run is killed (best effort, synchronous: it removes files). */
  add(step: () => void): () => void {
    this.steps.add(step);
    return () => this.steps.delete(step);
  }

  /** Stop whatever could still write files (worker threads) before the steps run. */
  setStopper(stop: (() => Promise<void>) | null): void {
    this.stopper = stop;
  }

  install(): void {
    if (this.installed) return;
    this.installed = true;
    for (const s of SIGNALS) process.on(s, this.onSignal);
  }

  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    for (const s of SIGNALS) process.off(s, this.onSignal);
  }

  private die(sig: NodeJS.Signals): void {
    for (const step of this.steps) {
      try {
        step();
      } catch {
        /* best effort: the process is going */
      }
    }
    this.steps.clear();
    this.uninstall(); // the default action again, so the process dies of the signal (exit status 128 + n)
    process.kill(process.pid, sig);
  }
}

/**
 * Run synchronous `work` (the report's final write and rename) with a signal that arrives meanwhile held back
 * until it is done, so a half-written `FILE.partial` is never left behind. Being synchronous, `work` cannot be
 * interrupted by a JavaScript handler anyway: the handler only has to exist, so that the default action does
 * not kill the process in the middle. It stays a moment longer, for the event loop to deliver a signal that
 * came during `work`; that signal is then raised again and the process dies of it, as it would have.
 */
export async function holdingSignals<T>(work: () => T): Promise<T> {
  let caught: NodeJS.Signals | null = null;
  const hold = (sig: NodeJS.Signals): void => {
    caught ??= sig;
  };
  for (const s of SIGNALS) process.on(s, hold);
  try {
    return work();
  } finally {
    await delay(20);
    for (const s of SIGNALS) process.off(s, hold);
    if (caught && process.listenerCount(caught) === 0) process.kill(process.pid, caught);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
