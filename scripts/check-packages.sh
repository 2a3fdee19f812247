#!/usr/bin/env bash
# publint and @arethetypeswrong/cli on every published package (built first by `pnpm build`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/published-packages.sh

for name in "${PUBLISHED_PACKAGES[@]}"; do
  echo "== @cors/$name"
  pnpm exec publint --strict "packages/$name"
  pnpm exec attw --pack "packages/$name" --format table-flipped
done
