#!/usr/bin/env bash
# Installs what the real-PostgreSQL test tier needs: Debian's PostgreSQL 15 (server and headers)
# and PgBouncer when missing, and pgvector 0.8.6 built from ../shared/vendor when the installed one differs.
# Needs root or password-less sudo. Exits non-zero, saying why, when it cannot.
set -euo pipefail
cd "$(dirname "$0")/../.."

PGVECTOR_VERSION=0.8.6
PGVECTOR_TARBALL=${PGVECTOR_TARBALL:-../shared/vendor/pgvector-$PGVECTOR_VERSION.tar.gz}
PG_MAJOR=15

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null && sudo -n true 2>/dev/null || { echo "pg:install needs root or password-less sudo" >&2; exit 1; }
  sudo=(sudo -n)
fi

packages=()
[ -x "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ] || packages+=("postgresql-$PG_MAJOR")
[ -x "/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" ] || packages+=("postgresql-server-dev-$PG_MAJOR")
if [ ${#packages[@]} -gt 0 ] || [ ! -x /usr/sbin/pgbouncer ]; then
  "${sudo[@]}" apt-get update
fi
if [ ${#packages[@]} -gt 0 ]; then
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}"
fi
# Optional: the PgBouncer test skips, saying why, without it.
if [ ! -x /usr/sbin/pgbouncer ]; then
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y pgbouncer || echo "WARNING: could not install pgbouncer; its test will be skipped." >&2
fi

sharedir=$("/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" --sharedir)
if grep -qs "default_version = '$PGVECTOR_VERSION'" "$sharedir/extension/vector.control"; then
  echo "pgvector $PGVECTOR_VERSION is installed"
  exit 0
fi
if [ ! -f "$PGVECTOR_TARBALL" ]; then
  echo "pgvector source $PGVECTOR_TARBALL is missing (../shared/vendor beside the checkout)" >&2
  exit 1
fi
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
tar xzf "$PGVECTOR_TARBALL" -C "$build"
# OPTFLAGS="": no -march=native, so the build runs on any x86-64 machine.
make -s -C "$build/pgvector-$PGVECTOR_VERSION" PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" OPTFLAGS="" >/dev/null
"${sudo[@]}" make -s -C "$build/pgvector-$PGVECTOR_VERSION" PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" install >/dev/null
echo "pgvector $PGVECTOR_VERSION built and installed"
