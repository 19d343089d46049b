// Fault-injection state: seal, ACL deny, latency, rate limiting, dropped and hanging requests,
// and a pause (every request hangs, as in a stopped process).
// Prefixes are URL paths ("/v1/transit/"); a prefix without "/v1/" gets it added.

/** "transit/encrypt" → "/v1/transit/encrypt"; "/v1/x" stays; "" or "/" matches everything. */
export function normalizePrefix(prefix: string): string {
  if (prefix === "" || prefix === "/") return "/";
  if (prefix.startsWith("/v1/") || prefix === "/v1") return prefix;
  return "/v1/" + prefix.replace(/^\/+/, "");
}

class PrefixSet {
  private readonly prefixes = new Set<string>();
  set(on: boolean, prefix: string | undefined): void {
    if (on) this.prefixes.add(normalizePrefix(prefix ?? "/"));
    else if (prefix === undefined) this.prefixes.clear();
    else this.prefixes.delete(normalizePrefix(prefix));
  }
  matches(path: string): boolean {
    for (const p of this.prefixes) if (path.startsWith(p)) return true;
    return false;
  }
  clear(): void {
    this.prefixes.clear();
  }
}

interface Waiter {
  path: string;
  release: () => void;
}

export class Faults {
  /** `denyFrom`: whose deny list applies (a standby uses its cluster's, which models shared ACL policy). */
  constructor(private readonly denyFrom?: Faults) {}
  sealed = false;
  /** true: every request hangs, sys/health included, and none is dropped (cluster.ts pause). */
  paused = false;
  /** true: the node answers every request 503 (a proxy in front of a broken node). */
  unavailable = false;
  /** false: the node was never initialized (sys/health 501); it is then sealed too. */
  initialized = true;
  private readonly denied = new PrefixSet();
  private readonly dropping = new PrefixSet();
  private readonly hanging = new PrefixSet();
  private readonly latency = new Map<string, number>();
  private rateLimited: string | null = null;
  private readonly waiters = new Set<Waiter>();

  /** false also seals the node; true leaves it sealed (it still needs an unseal). */
  setInitialized(v: boolean): void {
    this.initialized = v;
    if (!v) this.sealed = true;
  }

  deny(prefix: string, on: boolean): void {
    this.denied.set(on, prefix);
  }
  isDenied(path: string): boolean {
    return this.denyFrom === undefined ? this.denied.matches(path) : this.denyFrom.isDenied(path);
  }

  /** ms ≤ 0 removes the delay for that prefix. Without a prefix the delay applies to every path. */
  setLatency(ms: number, prefix?: string): void {
    const p = normalizePrefix(prefix ?? "/");
    if (ms > 0) this.latency.set(p, ms);
    else this.latency.delete(p);
  }
  /** The largest delay among the matching prefixes (0 when none). */
  latencyFor(path: string): number {
    let ms = 0;
    for (const [p, v] of this.latency) if (path.startsWith(p)) ms = Math.max(ms, v);
    return ms;
  }

  setRateLimit(prefix: string | null): void {
    this.rateLimited = prefix === null ? null : normalizePrefix(prefix);
  }
  isRateLimited(path: string): boolean {
    return this.rateLimited !== null && path.startsWith(this.rateLimited);
  }

  setDrop(on: boolean, prefix?: string): void {
    this.dropping.set(on, prefix);
  }
  shouldDrop(path: string): boolean {
    return !this.paused && this.dropping.matches(path);
  }

  setHang(on: boolean, prefix?: string): void {
    this.hanging.set(on, prefix);
    if (!on) this.releaseUnhung();
  }
  setPaused(on: boolean): void {
    this.paused = on;
    if (!on) this.releaseUnhung();
  }
  shouldHang(path: string): boolean {
    return this.paused || this.hanging.matches(path);
  }
  /** Resolves once `path` is no longer hung (or `releaseAll` runs). */
  waitWhileHung(path: string): Promise<void> {
    return new Promise((resolve) => this.waiters.add({ path, release: resolve }));
  }
  /** Releases every waiting request (used on stop). */
  releaseAll(): void {
    for (const w of this.waiters) this.release(w);
  }

  /** Clears every fault except the seal state. */
  clear(): void {
    this.denied.clear();
    this.dropping.clear();
    this.latency.clear();
    this.rateLimited = null;
    this.unavailable = false;
    this.hanging.clear();
    this.releaseAll();
  }

  private releaseUnhung(): void {
    for (const w of this.waiters) if (!this.shouldHang(w.path)) this.release(w);
  }
  private release(w: Waiter): void {
    this.waiters.delete(w);
    w.release();
  }
}
