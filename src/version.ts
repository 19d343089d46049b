// Build identity. scripts/build.ts injects these with `bun build --define`; running from
// source falls back to "dev" values so nothing pretends to be a release.

declare const BAO_KMS_BUILD_VERSION: string | undefined;
declare const BAO_KMS_BUILD_COMMIT: string | undefined;
declare const BAO_KMS_BUILD_DATE: string | undefined;

export const buildInfo = {
  version: typeof BAO_KMS_BUILD_VERSION === "string" ? BAO_KMS_BUILD_VERSION : "0.0.0-dev",
  commit: typeof BAO_KMS_BUILD_COMMIT === "string" ? BAO_KMS_BUILD_COMMIT : "unknown",
  buildDate: typeof BAO_KMS_BUILD_DATE === "string" ? BAO_KMS_BUILD_DATE : "unknown",
  bunVersion: Bun.version,
} as const;
