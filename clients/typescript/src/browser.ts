/**
 * Browser bundle entry (esbuild, IIFE): everything in the SDK, socket.io-client and
 * openapi-fetch included, on `window.Valkran`:
 * `new Valkran.LiveClient()`, `new Valkran.ValkranClient()` (both default to the page's origin).
 */
export * from './index';
