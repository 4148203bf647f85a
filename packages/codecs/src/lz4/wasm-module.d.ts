// A `.wasm` import, as workerd and wrangler resolve it: the compiled module, as the default export.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
