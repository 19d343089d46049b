// Why did OpenBao refuse an encrypt? With the provider's update-only policy an encrypt on a missing
// Transit key is a `create` and gets 403 (docs/openbao-compat.md §Encrypt on a missing key), the
// same status as a real denial. A key read with the refused token tells them apart. This module
// bounds what that read costs (docs/decisions/acl-emulation.md):
// - one read at a time per refused token, shared by every caller holding it (single flight);
// - its answer is remembered for `answerTtlMs` (5 s, the recovery throttle's first step): a key
//   answer (missing / present) for every token, a failed read only for the token that failed;
// - no read at all when the caller says it may not (recovery throttled): the remembered answer, if
//   any, is still used;
// - at most `maxFlights` reads in flight (distinct refused tokens), and `maxFailedTokens` failures
//   remembered.

import { TransitError } from "../kms/errors.ts";
import { raceSignal } from "../platform/race-signal.ts";

/** "missing": the read answered a bare 404; "present": it succeeded; "unknown": anything else or no read. */
export type KeyPresence = "missing" | "present" | "unknown";

/** How long an answer is remembered, ms (the first step of the recovery throttle, token-source.ts). */
export const keyPresenceTtlMs = 5_000;
const maxFlights = 8;
const maxFailedTokens = 8;

export interface KeyPresenceMemo {
  /** The key's presence as seen with `token`; reads only when nothing fresh is known and `mayRead`. */
  check(token: string, mayRead: boolean, signal?: AbortSignal): Promise<KeyPresence>;
}

/**
 * `read(token)` reads the key with that token and resolves when it exists; it rejects with the
 * read's failure otherwise. Only a 404 whose `errors` list was empty (OpenBao's nil response for a
 * key that does not exist) means "missing": a 404 with a text is "namespace not found", which a
 * revoked token would also meet, and says nothing about the key.
 */
export function createKeyPresenceMemo(read: (token: string) => Promise<unknown>, nowMs: () => number = () => performance.now(), answerTtlMs = keyPresenceTtlMs): KeyPresenceMemo {
  let known: { presence: "missing" | "present"; atMs: number } | undefined;
  const failedAt = new Map<string, number>();
  const flights = new Map<string, Promise<KeyPresence>>();

  const fresh = (atMs: number) => nowMs() - atMs < answerTtlMs;

  function start(token: string): Promise<KeyPresence> {
    const flight = (async (): Promise<KeyPresence> => {
      try {
        await read(token);
        known = { presence: "present", atMs: nowMs() };
        return "present";
      } catch (e) {
        if (e instanceof TransitError && e.kind === "not_found" && e.status === 404 && e.emptyErrors === true) {
          known = { presence: "missing", atMs: nowMs() };
          return "missing";
        }
        if (failedAt.size >= maxFailedTokens) failedAt.delete(failedAt.keys().next().value!);
        failedAt.set(token, nowMs());
        return "unknown";
      }
    })().finally(() => flights.delete(token));
    flights.set(token, flight);
    return flight;
  }

  return {
    check(token, mayRead, signal) {
      if (known !== undefined && fresh(known.atMs)) return Promise.resolve(known.presence);
      const failed = failedAt.get(token);
      if (failed !== undefined && fresh(failed)) return Promise.resolve("unknown");
      const inFlight = flights.get(token);
      if (inFlight !== undefined) return raceSignal(inFlight, signal);
      if (!mayRead || flights.size >= maxFlights) return Promise.resolve("unknown");
      return raceSignal(start(token), signal);
    },
  };
}
