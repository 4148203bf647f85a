/** A .wasm import as workerd and wrangler provide it: the module, compiled at deploy time. */
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
