// The openbao_kms_* metric set of the reference (deploy-ops-observability §6.2), copied here as a
// fixture: every family's name, type and label names. `metricFamilies` reads the same facts back
// from a scrape, so a test can compare the two exactly.

export type MetricType = "counter" | "gauge" | "histogram";

export const referenceMetricSet: Readonly<Record<string, { type: MetricType; labels: readonly string[] }>> = {
  openbao_kms_grpc_requests_total: { type: "counter", labels: ["method", "status"] },
  openbao_kms_grpc_duration_seconds: { type: "histogram", labels: ["method"] },
  openbao_kms_grpc_in_flight: { type: "gauge", labels: ["method"] },
  openbao_kms_grpc_concurrency_rejections_total: { type: "counter", labels: ["method"] },
  openbao_kms_openbao_requests_total: { type: "counter", labels: ["operation", "status"] },
  openbao_kms_openbao_duration_seconds: { type: "histogram", labels: ["operation"] },
  openbao_kms_auth_login_total: { type: "counter", labels: ["status"] },
  openbao_kms_auth_renewal_total: { type: "counter", labels: ["status"] },
  openbao_kms_auth_method_info: { type: "gauge", labels: ["method"] },
  openbao_kms_certificate_source_info: { type: "gauge", labels: ["source"] },
  openbao_kms_token_ttl_seconds: { type: "gauge", labels: [] },
  openbao_kms_certificate_ttl_seconds: { type: "gauge", labels: [] },
  openbao_kms_status_key_id_hash: { type: "gauge", labels: ["hash"] },
  openbao_kms_key_version: { type: "gauge", labels: [] },
  openbao_kms_status_cache_age_seconds: { type: "gauge", labels: [] },
  openbao_kms_transit_metadata_observation_total: { type: "counter", labels: ["status"] },
  openbao_kms_rotation_state: { type: "gauge", labels: ["state"] },
  openbao_kms_rotation_persistence_degraded: { type: "gauge", labels: [] },
  openbao_kms_aad_validation_errors_total: { type: "counter", labels: ["reason"] },
  openbao_kms_decrypt_key_id_errors_total: { type: "counter", labels: ["reason"] },
  openbao_kms_circuit_breaker_state: { type: "gauge", labels: [] },
  // Our addition (issue 12), not in the Go set: retained versions archived by min_decryption_version.
  openbao_kms_key_versions_archived: { type: "gauge", labels: [] },
  // Our addition (issue 12 review), not in the Go set: a due promotion deferred by the candidate's round trip.
  openbao_kms_key_promotion_deferred: { type: "gauge", labels: [] },
  openbao_kms_panic_recoveries_total: { type: "counter", labels: ["method"] },
  openbao_kms_socket_restarts_total: { type: "counter", labels: [] },
  openbao_kms_build_info: { type: "gauge", labels: ["version", "commit", "build_date", "dirty"] },
  // Our additions (issue 17, the monitoring mixin), not in the Go set:
  openbao_kms_status_healthy: { type: "gauge", labels: [] },
  openbao_kms_status_unhealthy_reasons: { type: "gauge", labels: ["reason"] },
};

export interface ScrapedFamily {
  type: string;
  /** Label names seen on the family's samples (histogram `le` left out), in order of first use. */
  labels: string[];
  samples: number;
}

/** Families of a text-format scrape: `# TYPE` lines plus the label names their samples carry. */
export function metricFamilies(text: string): Map<string, ScrapedFamily> {
  const out = new Map<string, ScrapedFamily>();
  const familyOf = (sample: string) => {
    if (out.has(sample)) return out.get(sample);
    for (const suffix of ["_bucket", "_sum", "_count"]) {
      const f = sample.endsWith(suffix) ? out.get(sample.slice(0, -suffix.length)) : undefined;
      if (f?.type === "histogram") return f;
    }
    return undefined;
  };
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      out.set(type[1]!, { type: type[2]!, labels: [], samples: 0 });
      continue;
    }
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    const family = m ? familyOf(m[1]!) : undefined;
    if (!m || family === undefined) throw new Error(`sample without a TYPE line: ${line}`);
    family.samples++;
    for (const pair of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) {
      const name = pair[1]!;
      if (name !== "le" && !family.labels.includes(name)) family.labels.push(name);
    }
  }
  return out;
}

/** Differences between a scrape's openbao_kms_* families and the reference set (empty = exact). */
export function metricSetDifferences(text: string): string[] {
  const got = metricFamilies(text);
  const problems: string[] = [];
  for (const [name, want] of Object.entries(referenceMetricSet)) {
    const f = got.get(name);
    if (f === undefined) problems.push(`${name}: missing`);
    else if (f.type !== want.type) problems.push(`${name}: type ${f.type}, want ${want.type}`);
    else if (f.samples === 0) problems.push(`${name}: no samples`);
    else if (f.labels.join(",") !== want.labels.join(",")) problems.push(`${name}: labels [${f.labels}], want [${want.labels}]`);
  }
  for (const name of got.keys()) {
    if (name.startsWith("openbao_kms_") && !(name in referenceMetricSet)) problems.push(`${name}: not in the reference set`);
  }
  return problems;
}
