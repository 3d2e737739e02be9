#!/usr/bin/env bash
# Print the path of a Quarto (1.8 or newer) to render with, installing one where we can.
#
# In order: $QUARTO when set; a `quarto` on PATH; the one this script installed before
# (.cache/quarto); on the project's own machines, ../shared/quarto/install.sh into
# .cache/quarto (the real Quarto, installed from the package registries); `pip install
# quarto-cli` into .venv (works where its download of the Quarto binary is reachable).
# Otherwise it says how to install Quarto and exits 1: nothing else ever renders.
set -euo pipefail
cd "$(dirname "$0")/.."
MIN=1.8
CACHE=.cache/quarto
log() { echo "quarto: $*" >&2; }

new_enough() { # a quarto command whose version is at least $MIN
  local v
  v=$("$1" --version 2>/dev/null | head -n 1) || return 1
  [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$MIN" "$v" | sort -V | head -n 1)" = "$MIN" ]
}

found() { # print the absolute path of a working, new enough quarto and stop
  local q
  q=$(command -v "$1" 2>/dev/null) || return 1
  new_enough "$q" || { log "$q is $("$q" --version 2>/dev/null || echo '?'), older than $MIN"; return 1; }
  echo "$q"
  exit 0
}

[ -n "${QUARTO:-}" ] && { found "$QUARTO" || { log "QUARTO=$QUARTO is not Quarto $MIN+"; exit 1; }; }
found quarto || true
found "$PWD/$CACHE/bin/quarto" || true
if [ -x ../shared/quarto/install.sh ]; then
  # .cache is a link out of the project, which Quarto would otherwise walk on every render.
  [ -e .cache ] || scripts/state-dir.sh .cache >/dev/null
  log "installing Quarto from ../shared/quarto into $CACHE"
  # PIP_QUIET=2: pip's warnings about this machine's pip configuration are not ours.
  PIP_QUIET=2 ../shared/quarto/install.sh "$PWD/$CACHE" >&2
  found "$PWD/$CACHE/bin/quarto" || true
fi
found "$PWD/.venv/bin/quarto" || true
if [ -x .venv/bin/pip ]; then
  log "trying: pip install quarto-cli (downloads the Quarto binary)"
  if timeout 600 .venv/bin/pip install -q "quarto-cli>=1.8" >&2; then
    found "$PWD/.venv/bin/quarto" || true
  fi
fi
log "Quarto $MIN or newer is needed and none could be found or installed."
log "Install it from https://quarto.org/docs/get-started/ (or 'pip install quarto-cli'"
log "where its download works), or set QUARTO=/path/to/quarto; then run make again."
exit 1
