#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tools/msys2-build.sh — build and test SystemHealer on Windows with MSYS2 (UCRT64)
#
# Run it from an "MSYS2 UCRT64" shell, in the project folder:
#
#   tools/msys2-build.sh            install what is missing, build, run the tests,
#                                   make the package for Windows users
#   tools/msys2-build.sh --no-deps  the same without calling pacman (CI installs first)
#
# The build goes to build-msys2/ (set BUILD_DIR to change it), the package to
# dist-msys2/ (tools/msys2-package.sh: a folder and a .zip that run on a
# Windows without MSYS2; start bin\systemhealer.exe in it). The GUI tests
# need a virtual X server and are left to Linux; everything else runs: the
# engine, the command-line tool (in English and Chinese) and the packaging
# checks, some of which skip when their validator has no Windows package.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
build="${BUILD_DIR:-build-msys2}"

if [ "${MSYSTEM:-}" != "UCRT64" ]; then
  echo "Run this from the MSYS2 UCRT64 shell (MSYSTEM is '${MSYSTEM:-unset}')." >&2
  exit 2
fi

prefix="${MINGW_PACKAGE_PREFIX:-mingw-w64-ucrt-x86_64}"
# What the build needs: compiler, build tools and the libraries.
packages=(
  gcc meson ninja pkgconf python gettext-tools
  gtk4 libadwaita gsl json-glib openblas
  # What the package ships besides the libraries: the SVG image loader and
  # the icon themes.
  librsvg adwaita-icon-theme hicolor-icon-theme
)
# What the packaging tests use when it exists; they skip without it.
optional=(desktop-file-utils appstream libxml2 shared-mime-info itstool)

if [ "${1:-}" != "--no-deps" ]; then
  pacman -S --needed --noconfirm "${packages[@]/#/$prefix-}"
  for p in "${optional[@]}"; do
    pacman -S --needed --noconfirm "$prefix-$p" || echo "($prefix-$p is not available: its check will be skipped)"
  done
fi

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=debugoptimized -Dblas=openblas
fi
meson compile -C "$build"

# Everything but the GUI suite (Xvfb does not exist on Windows).
meson test -C "$build" --print-errorlogs --no-suite gui

# The command-line tool end to end, as a user would run it.
cli="$build/src/cli/systemhealer-cli.exe"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$cli" simulate -o "$work/train.csv" --samples 600 --seed 1
"$cli" simulate -o "$work/new.csv" --samples 200 --seed 2
"$cli" train "$work/train.csv" -o "$work/model.json" --quiet --ensemble 1 --epochs 50
"$cli" evaluate "$work/model.json" "$work/new.csv"
"$cli" predict "$work/model.json" "$work/new.csv" -o "$work/results.csv"
head -n 3 "$work/results.csv"
echo "MSYS2 build and tests: OK"

# The folder and .zip a Windows user unpacks and runs.
tools/msys2-package.sh
