// What /usr/bin/time -v says of a child: the figures the benchmarks report beside each other.
export interface TimeV {
  /** Wall clock seconds (time -v gives h:mm:ss or m:ss). */
  wall: number;
  /** User + system seconds. */
  cpu: number;
  /** Peak resident set, KiB. */
  rssKb: number;
}

export function parseTimeV(stderr: string): TimeV {
  const wallText = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(stderr)?.[1] ?? "0";
  const wall = wallText
    .split(":")
    .map(Number)
    .reduce((acc, v) => acc * 60 + v, 0);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0);
  const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? 0) + Number(/System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? 0);
  return { wall, cpu, rssKb };
}
