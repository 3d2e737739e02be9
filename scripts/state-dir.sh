#!/usr/bin/env bash
# Make ./NAME (.venv, .cache) a link to a folder outside the project and print that folder.
#
# Why: on every render Quarto walks every folder of a website project, hidden ones included
# (it expands its own exclusion glob **/*.quarto_ipynb), and a .venv and a .cache inside
# hold some 35,000 files: that walk cost 3.4 s before the pre-render step and 7 s before the
# first page (BENCHMARKS.md). Through a link Quarto does not walk them; .venv/bin/python
# and the other paths keep working. The folder is $CVDATA_STATE, else
# ~/.cache/cvdata/<project>-<checksum of its path>, one per checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/state-dir.sh .venv|.cache}
if [ -d "$name" ] && [ ! -L "$name" ]; then
  # Made by an older checkout: keep it (it works), but say what it costs.
  echo "setup: $name/ is a folder inside the project, which slows every render by seconds;" \
    "'rm -rf $name && make setup' moves it out" >&2
  echo "$PWD/$name"
  exit 0
fi
base=${CVDATA_STATE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/cvdata/$(basename "$PWD")-$(printf %s "$PWD" | cksum | cut -d' ' -f1)}
mkdir -p "$base/${name#.}"
ln -sfn "$base/${name#.}" "$name"
echo "$base/${name#.}"
