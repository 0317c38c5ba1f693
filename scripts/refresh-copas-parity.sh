#!/usr/bin/env bash
# Regenerates the saved Lua outputs of spec/copas-parity/lua/*.lua by running each script under Copas.
#
#   scripts/refresh-copas-parity.sh [name ...]        (default: every script in spec/copas-parity/lua)
#
# Needs lua5.3 with LuaSocket, LuaSec, coxpcall and binaryheap (Debian: apt-get install lua5.3 lua-socket
# lua-sec lua-coxpcall lua-binaryheap) and a Copas 4.11 checkout with its timer wheel:
#   git clone --branch v4.11.0 https://github.com/lunarmodules/copas
#   git clone https://github.com/Tieske/timerwheel.lua        (its src/timerwheel/ next to copas)
# COPAS_DIR is the checkout (the scripts run from there: tls-sni.lua reads tests/certs/); COPAS_LUA_PATH, if
# set, replaces the default search path. On the project's machine both default to /work/lua-ref.
# Each script's stdout goes to NAME.out followed by a line `exit: CODE`; its stderr, if any, to NAME.err.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="$here/spec/copas-parity/lua"
COPAS_DIR="${COPAS_DIR:-/work/lua-ref}"
TIMERWHEEL_DIR="${TIMERWHEEL_DIR:-$COPAS_DIR}"
export LUA_PATH="${COPAS_LUA_PATH:-$COPAS_DIR/lib/?.lua;$COPAS_DIR/lib/?/init.lua;$COPAS_DIR/src/?.lua;$COPAS_DIR/src/?/init.lua;$TIMERWHEEL_DIR/src/?.lua;$TIMERWHEEL_DIR/src/?/init.lua;;}"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$dir"/*.lua; do names+=("$(basename "$f" .lua)"); done
fi
# tls-sni.lua reads its certificates from PARITY_CERTS (Copas' own use keys today's OpenSSL refuses)
export PARITY_CERTS="${PARITY_CERTS:-$(mktemp -d)}"
"$here/spec/copas-parity/make-certs.sh" "$PARITY_CERTS"
cd "$COPAS_DIR"
for name in "${names[@]}"; do
  rc=0
  timeout 120 lua5.3 "$dir/$name.lua" >"$dir/$name.out" 2>"$dir/$name.err" || rc=$?
  echo "exit: $rc" >>"$dir/$name.out"
  [ -s "$dir/$name.err" ] || rm -f "$dir/$name.err"
  echo "$name: exit $rc"
done
