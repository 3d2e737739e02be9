#!/usr/bin/env bash
# Debian packages the render and the tests need: Chromium (kaleido's static export and the
# browser tests), fonts (Latin and the CV's Chinese patent title; Lato and Linux Libertine,
# the PDF's text faces: Typst finds them in the system's fonts), poppler (PDF text and
# page images), and Node.js with npm where npm is missing (the tests fetch the official JSON
# Resume schema with it). Installs only what is missing; uses sudo when not root.
set -euo pipefail
pkgs=(chromium fonts-liberation fonts-lato fonts-linuxlibertine fonts-noto-cjk fonts-noto-color-emoji
  poppler-utils python3-venv)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere (e.g. a nodejs package that bundles npm): ask for the
# command, not the package.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "setup: please install: ${missing[*]} (Debian/Ubuntu package names)" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
