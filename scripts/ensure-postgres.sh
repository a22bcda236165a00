#!/usr/bin/env bash
# Makes sure the local PostgreSQL server (127.0.0.1:5432) is running when it is installed; prints its state.
# Used by CI; tests skip the PostgreSQL suite (saying so) when no server is reachable.
set -u
if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "PostgreSQL: reachable on 127.0.0.1:5432"
  exit 0
fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  for _ in $(seq 1 20); do
    pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && { echo "PostgreSQL: started ($version)"; exit 0; }
    sleep 0.5
  done
fi
echo "PostgreSQL: not available (the PostgreSQL suite will be skipped)"
exit 1
