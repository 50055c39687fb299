#!/usr/bin/env bash
# Fails when the build changed or created files that git does not ignore: API.md, projen-generated files,
# snapshots, eslint --fix results. Run after `npx projen build` (the `ci` task does).
set -euo pipefail
changes=$(git status --porcelain)
if [ -n "$changes" ]; then
  echo "$changes"
  git --no-pager diff --stat
  echo "Generated files are out of date: run 'npx projen build' and commit the result." >&2
  exit 1
fi
echo "Generated files are current."
