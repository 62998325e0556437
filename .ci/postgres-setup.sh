#!/usr/bin/env bash
# CI: the storage tests start their own throwaway PostgreSQL cluster and need the server
# binaries (initdb, pg_ctl). Install Debian's postgresql package when they are missing.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y postgresql
