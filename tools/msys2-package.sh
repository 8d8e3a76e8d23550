#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tools/msys2-package.sh — SystemHealer for a Windows without MSYS2
#
# Run it from the "MSYS2 UCRT64" shell after tools/msys2-build.sh (which
# calls it at the end). It installs the build (build-msys2/, or BUILD_DIR)
# into dist-msys2/systemhealer-VERSION-windows-x86_64/ together with what the
# programs load at run time, and zips that folder:
#
#   bin/           systemhealer.exe, systemhealer-cli.exe and every DLL they and
#                  the image loaders load (found with ldd, from the UCRT64 prefix)
#   lib/gdk-pixbuf-2.0/2.10.0/   the image loaders and their loaders.cache,
#                  with paths relative to the folder, so it can move
#   share/glib-2.0/schemas/      the app's and GTK's settings schemas, compiled
#   share/icons/   the app icon (hicolor) and the Adwaita icon theme, with caches
#   share/locale/  the zh_CN catalogues of the app, GTK, libadwaita and GLib
#   share/licenses/, COPYING.txt  the licence; README.txt  how to start it
#
# GLib and GTK look for share/ and lib/ next to the bin/ folder of their DLLs,
# so the folder runs from anywhere: unzip it and start bin\systemhealer.exe.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
build="${BUILD_DIR:-build-msys2}"
prefix="${MINGW_PREFIX:-/ucrt64}"
app_id=io.github.systemhealer.SystemHealer

if [ ! -f "$build/build.ninja" ]; then
  echo "No build in $build: run tools/msys2-build.sh first." >&2
  exit 2
fi
version="$(meson introspect --projectinfo "$build" | python -c 'import json, sys; print(json.load(sys.stdin)["version"])')"
name="systemhealer-$version-windows-x86_64"
dist="$here/dist-msys2"
stage="$dist/$name"
rm -rf "$stage" "$dist/$name.zip"
mkdir -p "$stage"

# 1. The programs, the schema, icons, translations, guide and licence, as
#    meson installs them, moved from the install prefix to the folder's top.
destdir="$(mktemp -d)"
trap 'rm -rf "$destdir"' EXIT
meson install -C "$build" --no-rebuild --destdir "$destdir" >/dev/null
top="$(dirname "$(dirname "$(find "$destdir" -path '*/bin/systemhealer.exe' | head -n 1)")")"
cp -a "$top/." "$stage/"

# 2. The image loaders (GTK draws SVG icons through them) and the tool that
#    lists them.
loaders=lib/gdk-pixbuf-2.0/2.10.0
mkdir -p "$stage/$loaders/loaders"
cp "$prefix/$loaders/loaders/"*.dll "$stage/$loaders/loaders/"
cp "$prefix/bin/gdk-pixbuf-query-loaders.exe" "$stage/bin/"

# 3. Every DLL the programs and the loaders load, transitively (ldd lists the
#    whole tree), except Windows' own.
ldd "$stage/bin/"*.exe "$stage/$loaders/loaders/"*.dll \
  | awk -v p="$prefix/" 'index($3, p) == 1 { print $3 }' | sort -u \
  | while read -r dll; do
      [ -e "$stage/bin/$(basename "$dll")" ] || cp "$dll" "$stage/bin/"
    done

# The loaders' cache, made by the folder's own gdk-pixbuf, which writes the
# paths relative to the folder (gdk-pixbuf is relocatable on Windows): no
# C:/msys64 in it, so the folder can move.
GDK_PIXBUF_MODULEDIR="$stage/$loaders/loaders" "$stage/bin/gdk-pixbuf-query-loaders.exe" \
  | python -c 'import re, sys
# A loader named by its full path ("D:/.../lib/gdk-pixbuf-2.0/...", or with
# escaped backslashes) is cut down to the part under the folder.
for line in sys.stdin:
    sys.stdout.write(re.sub(r"^\"[^\"]*?(?<![a-z])(lib(?:/|\\\\)gdk-pixbuf-2\.0[^\"]*)\"", "\"\\1\"", line))' \
  > "$stage/$loaders/loaders.cache"
if grep -q -i -e '[a-z]:[/\\]' "$stage/$loaders/loaders.cache"; then
  echo "$loaders/loaders.cache names absolute paths: the folder could not move" >&2
  exit 1
fi

# 4. GTK's own settings schemas (file chooser, colour chooser) beside the
#    app's, compiled: without them GTK aborts when a dialog opens.
cp "$prefix/share/glib-2.0/schemas/"org.gtk.gtk4.*.gschema.xml "$stage/share/glib-2.0/schemas/"
glib-compile-schemas "$stage/share/glib-2.0/schemas"

# 5. Icons: the Adwaita theme the app's symbolic icons come from (without its
#    cursors: Windows draws its own) and hicolor's index, then their caches.
mkdir -p "$stage/share/icons"
cp -a "$prefix/share/icons/Adwaita" "$stage/share/icons/"
rm -rf "$stage/share/icons/Adwaita/cursors"
cp "$prefix/share/icons/hicolor/index.theme" "$stage/share/icons/hicolor/"
gtk4-update-icon-cache -q -t -f "$stage/share/icons/Adwaita"
gtk4-update-icon-cache -q -t -f "$stage/share/icons/hicolor"

# 6. The Chinese catalogues of the libraries, so their dialogs speak Chinese too.
while read -r lang; do
  case "$lang" in ''|'#'*) continue ;; esac
  for domain in gtk40 libadwaita glib20; do
    mo="$prefix/share/locale/$lang/LC_MESSAGES/$domain.mo"
    if [ -f "$mo" ]; then cp "$mo" "$stage/share/locale/$lang/LC_MESSAGES/"; fi
  done
done < po/LINGUAS

# 7. The licence where a Windows user looks for it, and how to start.
cp COPYING "$stage/COPYING.txt"
cat > "$stage/README.txt" <<README
SystemHealer $version for Windows (64-bit)

Start bin\\systemhealer.exe (the application) or, in a command prompt,
bin\\systemhealer-cli.exe --help (the command-line tool). The folder can be
moved anywhere; nothing is installed.

SystemHealer is free software under the GNU General Public License,
version 3 or later: see COPYING.txt. The libraries in bin\\ are under
their own free licences. https://github.com/systemhealer/systemhealer
README
sed -i 's/$/\r/' "$stage/README.txt" "$stage/COPYING.txt"

# 8. What a user needs is there, or the package is not made.
required=(
  bin/systemhealer.exe
  bin/systemhealer-cli.exe
  'bin/libgtk-4-*.dll'
  'bin/libadwaita-1-*.dll'
  'bin/libgsl-*.dll'
  'bin/libjson-glib-1.0-*.dll'
  'bin/libopenblas*.dll'
  'lib/gdk-pixbuf-2.0/2.10.0/loaders/libpixbufloader-svg.dll'
  lib/gdk-pixbuf-2.0/2.10.0/loaders.cache
  share/glib-2.0/schemas/gschemas.compiled
  share/icons/hicolor/index.theme
  share/icons/hicolor/scalable/apps/$app_id.svg
  share/icons/Adwaita/index.theme
  share/locale/zh_CN/LC_MESSAGES/systemhealer.mo
  share/licenses/$app_id/COPYING
  COPYING.txt
)
missing=0
for f in "${required[@]}"; do
  # shellcheck disable=SC2206  # the globs are meant to expand
  found=("$stage"/$f)
  if [ ! -s "${found[0]}" ]; then echo "missing from the package: $f" >&2; missing=1; fi
done
# Every DLL an .exe or a loader needs is in bin/: with only bin/ and Windows'
# own folders on PATH, ldd finds them all, none in the UCRT64 prefix.
if PATH="$stage/bin:/usr/bin:/c/Windows/System32:/c/Windows" /usr/bin/ldd \
     "$stage/bin/"*.exe "$stage/$loaders/loaders/"*.dll | grep -e 'not found' -e "=> $prefix/"; then
  echo "the programs still load DLLs from $prefix: they would not start without MSYS2" >&2
  missing=1
fi
[ "$missing" = 0 ]
# The CLI runs from the folder, with PATH reduced to Windows' own.
PATH="/c/Windows/System32:/c/Windows" "$stage/bin/systemhealer-cli.exe" --version

(cd "$dist" && python -m zipfile -c "$name.zip" "$name")
echo "Package: dist-msys2/$name.zip ($(du -sh "$stage" | cut -f1) unpacked)"
