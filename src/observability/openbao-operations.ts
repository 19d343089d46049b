// The one table from the OpenBao HTTP helper's `operation` strings to the reference's
// `operation` label values. Paths, key and mount names never become labels.

import { normaliseLabelValue } from "./labels.ts";

const operationLabels: Readonly<Record<string, string>> = {
  "auth.login": "jwt_login",
  "auth.approle_login": "approle_login",
  "auth.renew_self": "token_renew_self",
  "transit.read_key": "transit_metadata_read",
  "transit.read_config_keys": "transit_disable_upsert_read",
  "transit.encrypt": "transit_encrypt",
  "transit.decrypt": "transit_decrypt",
};

/** The label for an HTTP-helper operation; an unlisted one (a code constant, never data) is normalised. */
export function operationLabel(operation: string): string {
  return operationLabels[operation] ?? normaliseLabelValue(operation);
}

/** Operations listed in the table, for tests and docs. */
export const knownOperations: readonly string[] = Object.keys(operationLabels);
