import packageJson from '../../../package.json';

/** Name and version come from package.json, inlined at build time so the packed app needs no file lookup. */
export const PRODUCT = {
  name: packageJson.name,
  version: packageJson.version,
  productName: 'Panorama USB',
} as const;
