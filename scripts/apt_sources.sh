# apt_sources.sh — the deb-src twin of a machine's Debian `deb` entries, so that `apt-get source`
# works (TOOLCHAIN.md), for either apt layout: deb822 stanzas (/etc/apt/sources.list.d/*.sources,
# bookworm's default) or classic one-line entries (/etc/apt/sources.list, sources.list.d/*.list).
# Sourced by scripts/setup.sh. Each function takes the root folder: / on a machine, a made-up tree
# in tests/scripts/setup_apt_sources.sh.

# apt_has_deb_src ROOT: true when an entry with deb-src already exists (in either layout).
apt_has_deb_src() {
  local apt=$1/etc/apt
  grep -qsE '^[[:space:]]*Types:(.*[[:space:]])?deb-src([[:space:]]|$)' "$apt"/sources.list.d/*.sources && return 0
  grep -qsE '^[[:space:]]*deb-src[[:space:]]' "$apt"/sources.list "$apt"/sources.list.d/*.list && return 0
  return 1
}

# Only Debian's own archives are twinned (their URIs name debian): a third-party repository (Node,
# a cloud SDK) usually publishes no sources, and a deb-src entry for it would fail `apt-get update`.

# apt_deb822_twin FILE...: the Debian stanzas whose Types include deb, with Types: deb-src (stdout).
apt_deb822_twin() {
  awk '
    function flush() {
      if (deb && debian) printf "%s%s", (n++ ? "\n" : ""), stanza
      stanza = ""; deb = 0; debian = 0
    }
    FNR == 1 { flush() }
    /^[[:space:]]*$/ { flush(); next }
    /^[[:space:]]*#/ { next }
    /^Types:/ { t = $0; sub(/^Types:/, " ", t); if (t ~ /[[:space:]]deb([[:space:]]|$)/) deb = 1; stanza = stanza "Types: deb-src\n"; next }
    /^URIs:/ { if (tolower($0) ~ /debian/) debian = 1 }
    { stanza = stanza $0 "\n" }
    END { flush() }
  ' "$@"
}

# apt_classic_twin FILE...: every Debian "deb ..." line as "deb-src ..." (stdout).
apt_classic_twin() {
  sed -nE '/^[[:space:]]*deb[[:space:]].*[Dd]ebian/s/^[[:space:]]*deb([[:space:]])/deb-src\1/p' "$@"
}

# apt_write_deb_src ROOT [SUDO]: writes sources.list.d/debian-src.sources (from deb822 entries) and/or
# debian-src.list (from classic ones) under ROOT, through a temporary file, so no empty or partial twin
# is ever left behind (an empty one from an older setup is removed). Prints the files written; returns
# 1 with a sentence on stderr when the machine has no deb entry to twin.
apt_write_deb_src() {
  local root=$1 sudo=${2:-} apt=$1/etc/apt
  local dir=$apt/sources.list.d
  local twin_sources=$dir/debian-src.sources twin_list=$dir/debian-src.list
  local sources=() lists=() f tmp wrote=0
  for f in "$dir"/*.sources; do [ -f "$f" ] && [ "$f" != "$twin_sources" ] && sources+=("$f"); done
  [ -f "$apt/sources.list" ] && lists+=("$apt/sources.list")
  for f in "$dir"/*.list; do [ -f "$f" ] && [ "$f" != "$twin_list" ] && lists+=("$f"); done
  for f in "$twin_sources" "$twin_list"; do [ -f "$f" ] && [ ! -s "$f" ] && $sudo rm -f "$f"; done
  tmp=$(mktemp) || return 1
  if [ ${#sources[@]} -gt 0 ] && apt_deb822_twin "${sources[@]}" >"$tmp" && [ -s "$tmp" ]; then
    $sudo mkdir -p "$dir" && $sudo install -m 644 "$tmp" "$twin_sources" || { rm -f "$tmp"; return 1; }
    echo "$twin_sources"; wrote=1
  fi
  if [ ${#lists[@]} -gt 0 ] && apt_classic_twin "${lists[@]}" >"$tmp" && [ -s "$tmp" ]; then
    $sudo mkdir -p "$dir" && $sudo install -m 644 "$tmp" "$twin_list" || { rm -f "$tmp"; return 1; }
    echo "$twin_list"; wrote=1
  fi
  rm -f "$tmp"
  if [ $wrote = 0 ]; then
    echo "no Debian 'deb' entry found in $dir/*.sources, $apt/sources.list or $dir/*.list to make deb-src entries from" >&2
    return 1
  fi
}
