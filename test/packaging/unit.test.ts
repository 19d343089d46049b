// The systemd unit in packaging/: the directives the issue and deploy-ops §1 require, the
// MemoryDenyWriteExecute= setting that docs/decisions/systemd-hardening.md decided, and
// `systemd-analyze security --offline=true` at 2.0 or better (parsed from its output).
// `systemd-analyze verify` needs the binary at /usr/bin: the dpkg -i test runs it.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../scripts/package-meta.ts";
import { sh } from "./artifacts.ts";
import { parseUnit } from "./sandbox.ts";

const unitFile = join(repoRoot, "packaging/systemd/bao-kms-provider.service");
const unit = parseUnit(readFileSync(unitFile, "utf8"));
const one = (key: string) => {
  const v = unit.get(key);
  if (v === undefined || v.length !== 1) throw new Error(`${key}: expected exactly one line, got ${JSON.stringify(v)}`);
  return v[0]!;
};

describe("systemd unit", () => {
  test("identity: its own user and group, the socket group as the only supplementary group", () => {
    expect(one("Service.User")).toBe("openbao-kms");
    expect(one("Service.Group")).toBe("openbao-kms");
    expect(one("Service.SupplementaryGroups")).toBe("openbao-kms-socket");
    expect(one("Service.ExecStart")).toBe("/usr/bin/bao-kms-provider serve --config /etc/openbao-kms/config.toml");
    expect(one("Service.Type")).toBe("exec");
    expect(unit.has("Service.DynamicUser")).toBe(false);
    // RuntimeDirectory= would recreate /run/openbao-kms with the primary group, not the socket group.
    expect(unit.has("Service.RuntimeDirectory")).toBe(false);
  });

  test("ordering and conditions: before kubelet, only with a config and the socket directory", () => {
    expect(one("Unit.Before").split(/\s+/)).toContain("kubelet.service");
    expect(unit.get("Unit.ConditionPathExists")).toEqual(["/etc/openbao-kms/config.toml"]);
    expect(unit.get("Unit.ConditionPathIsDirectory")).toEqual(["/run/openbao-kms"]);
    expect(one("Install.WantedBy")).toBe("multi-user.target");
  });

  test("restarts, with the start limits in [Unit] (not [Service], where systemd ignores them)", () => {
    expect(one("Service.Restart")).toBe("always");
    expect(one("Service.RestartSec")).toMatch(/^[1-9][0-9]*s$/);
    expect(Number(one("Unit.StartLimitIntervalSec"))).toBeGreaterThan(0);
    expect(Number(one("Unit.StartLimitBurst"))).toBeGreaterThan(0);
    // RestartSec=5s allows 12 restarts a minute; the burst must let those through.
    expect(Number(one("Unit.StartLimitBurst"))).toBeGreaterThan(Number(one("Unit.StartLimitIntervalSec")) / parseInt(one("Service.RestartSec")));
    expect(unit.has("Service.StartLimitIntervalSec") || unit.has("Service.StartLimitBurst")).toBe(false);
  });

  test("hardening: read-only system but the socket and state dirs, no capabilities, no new privileges, address families, syscall filter, umask", () => {
    expect(one("Service.ProtectSystem")).toBe("strict");
    expect(one("Service.ReadWritePaths")).toBe("/run/openbao-kms /var/lib/openbao-kms/state");
    expect(one("Service.CapabilityBoundingSet")).toBe("");
    expect(one("Service.AmbientCapabilities")).toBe("");
    expect(one("Service.NoNewPrivileges")).toBe("yes");
    expect(one("Service.RestrictAddressFamilies")).toBe("AF_UNIX AF_INET AF_INET6");
    expect(unit.get("Service.SystemCallFilter")?.[0]).toBe("@system-service");
    expect(one("Service.SystemCallArchitectures")).toBe("native");
    expect(one("Service.UMask")).toBe("0027");
    // The token (and, when on, the seed cache) must not land in a core file.
    expect(one("Service.LimitCORE")).toBe("0");
    for (const key of ["ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables", "ProtectKernelModules", "ProtectControlGroups", "RestrictSUIDSGID", "RestrictRealtime", "LockPersonality"]) {
      expect(`${key}=${one(`Service.${key}`)}`).toBe(`${key}=yes`);
    }
  });

  test("MemoryDenyWriteExecute= is what docs/decisions/systemd-hardening.md decided", () => {
    const doc = readFileSync(join(repoRoot, "docs/decisions/systemd-hardening.md"), "utf8");
    const decided = /^\*\*Decision:\*\* `MemoryDenyWriteExecute=(yes|no)`/m.exec(doc)?.[1];
    expect(decided).toBeDefined();
    expect(one("Service.MemoryDenyWriteExecute")).toBe(decided!);
  });

  test("systemd-analyze security --offline=true: exposure 2.0 or lower", async () => {
    const r = await sh(["systemd-analyze", "security", "--offline=true", "--no-pager", unitFile]);
    const m = /Overall exposure level for bao-kms-provider\.service: (\d+\.\d+) /.exec(r.stdout);
    expect(m).not.toBeNull();
    const score = Number(m![1]);
    console.error(`[packaging] systemd-analyze security --offline=true: ${score}`);
    expect(score).toBeLessThanOrEqual(2.0);
    expect(r.code).toBe(0);
  });
});
