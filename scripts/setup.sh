#!/usr/bin/env bash
# One command on a fresh machine: install what is missing, build, and run the
# default study (a Marchenko-Pastur check, under a minute on 2 cores).
set -eu
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
./build/rmtmc spectrum --out results/default
echo
echo "results: results/default/result.json (schema: docs/schema.md) and CSV tables"
