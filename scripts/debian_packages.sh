# debian_packages.sh — which Debian packages of a list are not installed yet. Sourced by
# scripts/setup.sh and bench/install_peers.sh.

# debian_missing PKG...: prints the missing ones, one per line. Node and npm: the machine image ships
# them, so Debian's nodejs and npm are asked for only when the commands are absent.
debian_missing() {
  local p all=("$@")
  command -v node >/dev/null 2>&1 || all+=(nodejs)
  command -v npm >/dev/null 2>&1 || all+=(npm)
  for p in "${all[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
