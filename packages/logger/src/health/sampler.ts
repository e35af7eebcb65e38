import { type IntervalHistogram, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { HealthMessage, HealthSample } from '@pulselog/shared';

/** Time between two health samples, milliseconds. */
export const HEALTH_INTERVAL_MS = 1000;
/**
 * Resolution of the event-loop delay monitor, milliseconds: the timer it
 * runs on the loop fires this often, so a delay is seen to within it. Twenty
 * is 50 wake-ups a second, a few microseconds each.
 */
const LOOP_RESOLUTION_MS = 20;

const round = (value: number, digits: number) => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

/**
 * Samples the process's health on the thread that creates it (the logging
 * thread: event-loop delay, GC time and handles are that thread's own), once
 * a second on an unref'ed timer, and hands each sample to `emit`. What a
 * sample costs is a few system calls and reading two counters: well under a
 * millisecond a second.
 */
export class HealthSampler {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly gcObserver: PerformanceObserver;
  private gcMs = 0;
  private gcCount = 0;
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly emit: (sample: HealthSample) => void) {
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        this.gcMs += entry.duration;
        this.gcCount++;
      }
    });
  }

  /** Starts sampling: the first sample comes a second from now. */
  start(): void {
    if (this.timer !== undefined) return;
    this.loop.enable();
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.lastCpu = process.cpuUsage();
    this.lastAt = performance.now();
    this.timer = setInterval(() => this.emit(this.sample()), HEALTH_INTERVAL_MS);
    // Sampling must never keep a finished program alive.
    this.timer.unref();
  }

  /** Stops sampling; no sample is emitted after this returns. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.loop.disable();
    this.gcObserver.disconnect();
  }

  /** Takes a sample of the time since the previous one and starts the next period. */
  sample(): HealthSample {
    const now = performance.now();
    const elapsedUs = Math.max(1, (now - this.lastAt) * 1000);
    const cpu = process.cpuUsage(this.lastCpu);
    const memory = process.memoryUsage();
    // The histogram holds nanoseconds; with no tick recorded yet its percentiles are 0 and its min huge.
    const ms = (ns: number) => (this.loop.count > 0 ? round(ns / 1e6, 2) : 0);
    const sample: HealthSample = {
      at: Date.now(),
      cpu: { user: round((cpu.user / elapsedUs) * 100, 1), system: round((cpu.system / elapsedUs) * 100, 1) },
      rss: memory.rss,
      heap: { used: memory.heapUsed, total: memory.heapTotal },
      loop: { p50: ms(this.loop.percentile(50)), p99: ms(this.loop.percentile(99)), max: ms(this.loop.max) },
      gc: { ms: round(this.gcMs, 2), count: this.gcCount },
      handles: process.getActiveResourcesInfo().length,
    };
    this.loop.reset();
    this.gcMs = 0;
    this.gcCount = 0;
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    return sample;
  }
}

/** A health sample as its session-file line: the `health` message that carries it to tabs. */
export function healthLine(sample: HealthSample): string {
  const message: HealthMessage = { type: 'health', samples: [sample] };
  return `${JSON.stringify(message)}\n`;
}
