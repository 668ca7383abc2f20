#!/bin/sh
# Install the Debian packages kokous needs, but only what is missing:
# pkg-config modules and commands are probed first, so a prepared machine
# (or a non-root developer with everything installed) is left alone.
set -eu
here=$(dirname "$0")
missing=""
while read -r probe pkg; do
    case "$probe" in ''|'#'*) continue ;; esac
    case "$probe" in
        pc:*) pkg-config --exists "${probe#pc:}" 2>/dev/null && continue ;;
        cmd:*) command -v "${probe#cmd:}" >/dev/null 2>&1 && continue ;;
        file:*) [ -e "${probe#file:}" ] && continue ;;
    esac
    missing="$missing $pkg"
done < "$here/debian-packages.txt"
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null || true
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
