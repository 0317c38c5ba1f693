#!/usr/bin/env bash
# Runs each lesson's Lua original against Copas 4.11 and saves its output as <lesson>.lua.out, the output
# the TypeScript version must print (spec/examples/teaching.spec.ts compares them).
# Usage: COPAS_LUA_LIB=/path/to/copas-4.11/lib bash examples/teaching/run-lua.sh
set -euo pipefail
cd "$(dirname "$0")"
lib="${COPAS_LUA_LIB:-/work/lua-ref/lib}"
export LUA_PATH="$lib/?.lua;$lib/?/init.lua;;"
for f in *.lua; do
  lua5.3 "$f" > "${f%.lua}.lua.out"
  echo "${f%.lua}: $(wc -l < "${f%.lua}.lua.out") lines"
done
