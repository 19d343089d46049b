// Types for the packaging files the install command embeds with `with { type: "text" }`.
declare module "*.service" {
  const text: string;
  export default text;
}
declare module "*.conf" {
  const text: string;
  export default text;
}
declare module "*.1" {
  const text: string;
  export default text;
}
