#!/usr/bin/env bash
# Install the system tools the test suite drives: headless Chromium (HTML report screenshots),
# Graphviz (`dot`), and Node.js with npm (Mermaid's own parser, the asl-validator comparison).
# Idempotent: does nothing when all are already on PATH.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

# Root needs no sudo (containers); everyone else does.
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
