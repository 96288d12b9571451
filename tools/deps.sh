#!/usr/bin/env bash
# Installs the Debian packages amprenta needs to build, test and run its demo,
# and only those that are missing.  Safe to run again; quiet when all is there.
set -euo pipefail

PGVER=${PGVER:-15}
packages=(
	make gcc libc6-dev perl
	"postgresql-$PGVER" "postgresql-server-dev-$PGVER"
	libcurl4-openssl-dev libjson-c-dev libcsv-dev
	libipc-run-perl python3
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1; then
	sudo=(sudo)
else
	echo "deps: missing packages (${missing[*]}) and no root or sudo to install them" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
