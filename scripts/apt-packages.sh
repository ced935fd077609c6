# Sourced by the install scripts: Debian package helpers.

# Appends to the array named by $1 each of the following packages that is not installed.
apt_missing() {
  local -n _out="$1"
  shift
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      _out+=("$p")
    fi
  done
}

# Installs the given packages from Debian's archive (quietly, without recommends), with sudo
# when not root. $1 names the caller in the progress line.
apt_install() {
  local who="$1"
  shift
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "$who: installing $*"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
