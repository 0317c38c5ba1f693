#!/usr/bin/env bash
# Makes the certificates tls-sni.lua expects (Copas' tests/certs layout) in directory $1: a root CA "rootA",
# a server and a client certificate signed by it. Copas' own files use keys today's OpenSSL refuses to load.
set -euo pipefail
d="$1"; mkdir -p "$d"; cd "$d"
q() { openssl "$@" >/dev/null 2>&1; }
q req -x509 -newkey rsa:2048 -nodes -keyout rootAkey.pem -out rootA.pem -days 2 -subj "/CN=Root A"
for who in serverA clientA; do
  q req -newkey rsa:2048 -nodes -keyout "${who}key.pem" -out "$who.csr" -subj "/CN=$who"
  printf 'subjectAltName=DNS:localhost,DNS:myhost.com\n' >"$who.ext"
  q x509 -req -in "$who.csr" -CA rootA.pem -CAkey rootAkey.pem -CAcreateserial -out "$who.pem" -days 2 -extfile "$who.ext"
done
