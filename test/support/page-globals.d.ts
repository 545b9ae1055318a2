/// <reference lib="dom" />
// Code that Playwright runs inside the page (page.evaluate) is type-checked with the DOM and the
// page's one global, exactly as the renderer declares it.
import type { ProvisionerApi } from '../../preload/contract';

declare global {
  interface Window {
    readonly provisioner?: ProvisionerApi;
  }
}
