#!/usr/bin/env bash
# Runs a command as root (for `make install`): directly when already root,
# through sudo otherwise.
set -euo pipefail
if [ "$(id -u)" -eq 0 ]; then
	exec "$@"
elif command -v sudo >/dev/null 2>&1; then
	exec sudo "$@"
fi
echo "as-root: '$*' needs root and sudo is not available" >&2
exit 1
