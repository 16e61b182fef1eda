#!/usr/bin/env bash
# setup_apt_sources.sh — scripts/apt_sources.sh (setup.sh's deb-src twin) on made-up /etc/apt trees:
# the deb822 layout, the classic sources.list, a mixed one with a third-party repository, an empty
# twin left by an older setup, a machine that already has deb-src, and one with no Debian entry at all
# (refused with a sentence, nothing left behind).
# usage: bash setup_apt_sources.sh <source-dir>
set -uo pipefail
src="$1"
# shellcheck source=../../scripts/apt_sources.sh
source "$src/scripts/apt_sources.sh"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
tree() { rm -rf "$tmp/root" && mkdir -p "$tmp/root/etc/apt/sources.list.d"; }
d=$tmp/root/etc/apt/sources.list.d

# deb822 (Debian bookworm's default): the twin keeps URIs/Suites/Components/Signed-By, Types deb-src.
tree
cat >"$d/debian.sources" <<'S'
Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
S
cat >"$d/nodesource.sources" <<'S'
Types: deb
URIs: https://deb.nodesource.com/node_20.x
Suites: nodistro
Components: main
S
apt_has_deb_src "$tmp/root" && fail "deb822: deb-src reported before any was written"
out=$(apt_write_deb_src "$tmp/root") || fail "deb822: apt_write_deb_src failed"
[ "$out" = "$d/debian-src.sources" ] || fail "deb822: wrote '$out'"
[ ! -e "$d/debian-src.list" ] || fail "deb822: a classic twin appeared"
[ "$(grep -c '^Types: deb-src$' "$d/debian-src.sources")" = 2 ] || fail "deb822: expected 2 deb-src stanzas: $(cat "$d/debian-src.sources")"
grep -q '^Suites: bookworm-security$' "$d/debian-src.sources" || fail "deb822: the security stanza is missing"
grep -q 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' "$d/debian-src.sources" || fail "deb822: Signed-By lost"
grep -q nodesource "$d/debian-src.sources" && fail "deb822: a third-party repository was twinned"
apt_has_deb_src "$tmp/root" || fail "deb822: the twin is not recognised as deb-src"

# Classic sources.list (one-line entries, options in brackets, comments): a .list twin.
tree
cat >"$tmp/root/etc/apt/sources.list" <<'S'
# deb cdrom:[Debian GNU/Linux 12]/ bookworm main
deb http://deb.debian.org/debian bookworm main contrib
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://security.debian.org/debian-security bookworm-security main
# deb-src http://deb.debian.org/debian bookworm main
deb https://packages.cloud.google.com/apt cloud-sdk main
S
apt_has_deb_src "$tmp/root" && fail "classic: a commented deb-src line counted"
out=$(apt_write_deb_src "$tmp/root") || fail "classic: apt_write_deb_src failed"
[ "$out" = "$d/debian-src.list" ] || fail "classic: wrote '$out'"
want='deb-src http://deb.debian.org/debian bookworm main contrib
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://security.debian.org/debian-security bookworm-security main'
[ "$(cat "$d/debian-src.list")" = "$want" ] || fail "classic twin: $(cat "$d/debian-src.list")"
[ ! -e "$d/debian-src.sources" ] || fail "classic: a deb822 twin appeared"
apt_has_deb_src "$tmp/root" || fail "classic: the twin is not recognised as deb-src"

# An empty twin from an older setup: not taken for deb-src, replaced.
tree
printf 'deb http://deb.debian.org/debian bookworm main\n' >"$tmp/root/etc/apt/sources.list"
: >"$d/debian-src.sources"
apt_has_deb_src "$tmp/root" && fail "an empty debian-src.sources counted as deb-src"
apt_write_deb_src "$tmp/root" >/dev/null || fail "empty twin: apt_write_deb_src failed"
[ ! -e "$d/debian-src.sources" ] || fail "the empty debian-src.sources was left behind"
grep -q '^deb-src http://deb.debian.org/debian bookworm main$' "$d/debian-src.list" || fail "empty twin: no .list twin"

# Already there (deb822 "Types: deb deb-src"): recognised, so setup.sh writes nothing.
tree
printf 'Types: deb deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n' >"$d/debian.sources"
apt_has_deb_src "$tmp/root" || fail "'Types: deb deb-src' not recognised"

# Nothing to twin: refused with a sentence, no file written.
tree
printf 'deb https://deb.nodesource.com/node_20.x nodistro main\n' >"$d/nodesource.list"
msg=$(apt_write_deb_src "$tmp/root" 2>&1 >/dev/null) && fail "no Debian entry: accepted"
[[ "$msg" == *"no Debian 'deb' entry found"* ]] || fail "no Debian entry: message '$msg'"
[ -z "$(ls "$d" | grep debian-src)" ] || fail "no Debian entry: left $(ls "$d")"
echo "PASS: deb822, classic, mixed, empty leftover, already present, nothing to twin"
