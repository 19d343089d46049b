// The process environment is the operator's, but a few variables would silently change where
// our requests go. Bun's fetch honours the *_PROXY family: a stray HTTPS_PROXY on a control-plane
// host would send every OpenBao request, token header included, through a third party. We talk
// to exactly one configured address, so these are removed before the first request.
// (BUN_CONFIG_VERBOSE_FETCH, which would print request headers, is read by Bun at start-up and
// cannot be removed here; src/openbao/http.ts turns it off per request with `verbose: false`.)

/** Variables removed from the environment at start, whatever their case. */
export const ignoredProxyVariables = ["http_proxy", "https_proxy", "all_proxy", "no_proxy"] as const;

/** Removes every proxy variable (any case) from `env`; returns the names removed, values never. */
export function scrubProcessEnvironment(env: Record<string, string | undefined>): string[] {
  const removed: string[] = [];
  for (const name of Object.keys(env)) {
    if ((ignoredProxyVariables as readonly string[]).includes(name.toLowerCase())) {
      delete env[name];
      removed.push(name);
    }
  }
  return removed;
}
