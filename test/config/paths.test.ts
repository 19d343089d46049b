// Problem paths: dotted snake_case, arrays as [n], odd keys quoted so a report line stays one line.
import { expect, test } from "bun:test";
import { formatPath } from "../../src/config/paths.ts";

test.each([
  [["openbao", "timeout"], "openbao.timeout"],
  [["a", "b", 0], "a.b[0]"],
  [["a", 2, "c"], "a[2].c"],
  [["has space"], '"has space"'],
  [["server", 'q"uote'], 'server."q\\"uote"'],
  [["line\nbreak"], '"line\\u000abreak"'],
  [["sep\u2028"], '"sep\\u2028"'],
  [[], ""],
] as Array<[Array<string | number>, string]>)("%p → %s", (keys, path) => {
  expect(formatPath(keys)).toBe(path);
});
