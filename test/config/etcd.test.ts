// The [etcd] section: defaults when absent, and a fixed message for each mistake.
import { describe, expect, test } from "bun:test";
import { parseConfigText } from "../../src/config/load.ts";
import { etcdEndpoint } from "../../src/config/etcd-schema.ts";
import { failingText, fixtureText, pathsAndMessages } from "./fixture.ts";

const minimal = await fixtureText("minimal.toml");

test("absent: no endpoints, kube-apiserver's default prefix, 10s, 500 per page", async () => {
  const c = await parseConfigText(minimal);
  expect(c.etcd).toEqual({ endpoints: [], caFile: "", certFile: "", keyFile: "", prefix: "/registry", requestTimeoutMs: 10_000, pageSize: 500 });
});

describe("mistakes", () => {
  const cases: Array<[string, string, string]> = [
    ['endpoints = "https://a:2379"', "etcd.endpoints", "must be an array of URLs, got a string"],
    ['endpoints = ["https://a:2379", "a:2379"]', "etcd.endpoints", "entry 2 must start with https:// (or http:// for a local etcd without TLS)"],
    ['endpoints = ["https://a"]', "etcd.endpoints", "entry 1 must name a port, e.g. :2379"],
    ['endpoints = ["https://a:2379/v3"]', "etcd.endpoints", "entry 1 must be scheme://host:port with nothing after it"],
    [`endpoints = [${Array.from({ length: 17 }, (_, i) => `"https://e${i}:2379"`).join(", ")}]`, "etcd.endpoints", "must list at most 16 endpoints"],
    ['ca_file = "ca.crt"', "etcd.ca_file", "must be an absolute path"],
    ['prefix = "registry"', "etcd.prefix", 'must start with "/" and not end with one, e.g. "/registry"'],
    ['prefix = "/registry/"', "etcd.prefix", 'must start with "/" and not end with one, e.g. "/registry"'],
    ['request_timeout = "10ms"', "etcd.request_timeout", "must be at least 100ms"],
    ["page_size = 0", "etcd.page_size", "must be between 1 and 10000"],
    ['surprise = "x"', "etcd.surprise", "unknown key"],
  ];
  test.each(cases)("%s", async (line, path, message) => {
    const e = await failingText(`${minimal}\n[etcd]\n${line}\n`);
    expect(pathsAndMessages(e)).toContainEqual({ path, message });
  });
});

test("endpoint rule accepts IP, name and IPv6 endpoints", () => {
  for (const ok of ["https://127.0.0.1:2379", "https://etcd-0.etcd:2379", "http://[::1]:2379"]) expect(etcdEndpoint(ok)).toBeUndefined();
});
