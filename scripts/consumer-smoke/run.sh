#!/usr/bin/env bash
# Consumer smoke test: pack every published package, install the tarballs with npm into a fresh
# project outside the workspace (no workspace links), then import and require each adapter,
# serve one allowed request and one preflight over HTTP, and type-check a strict TS consumer.
# Expects `pnpm build` to have run.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/scripts/published-packages.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tarballs" "$work/app"

for name in "${PUBLISHED_PACKAGES[@]}"; do
  (cd "$root/packages/$name" && pnpm pack --pack-destination "$work/tarballs" >/dev/null)
done
ls "$work/tarballs"
if grep -q 'workspace:' <(for t in "$work"/tarballs/*.tgz; do tar -xOzf "$t" package/package.json; done); then
  echo "a packed package.json still has a workspace: range" >&2
  exit 1
fi

cp "$root"/scripts/consumer-smoke/{exercise.cjs,check.mjs,check.cjs,consumer.ts,tsconfig.json} "$work/app/"
cp "$root"/scripts/consumer-smoke/{doctor.mjs,doctor.cjs,doctor-consumer.ts} "$work/app/"
cd "$work/app"
echo '{ "name": "cors-consumer", "private": true, "version": "1.0.0" }' > package.json
# Framework versions match the ones the packages are tested with.
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz \
  express@5.3.0 @types/express@5.0.6 koa@3.3.0 @types/koa@3.0.3 hono@4.13.19 @hono/node-server@2.1.9 fastify@5.11.3 \
  @nestjs/common@11.2.10 @nestjs/core@11.2.10 @nestjs/platform-express@11.2.10 \
  reflect-metadata@0.2.2 rxjs@7.8.2 typescript@5.9.3 @types/node@20.19.25

node check.mjs
node check.cjs
node doctor.mjs
node doctor.cjs
npx tsc -p tsconfig.json
echo "consumer smoke test passed"
