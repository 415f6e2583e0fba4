/** Bundles renderer/index.tsx (app.js + app.css) and copies index.html into `outDir`, which must exist. */
export function bundleRenderer(outDir: string): Promise<void>;
