# Sourced by examples/demo.sh and tests/run-all.sh: install missing Debian/Ubuntu
# packages, using sudo when not root. Nothing happens when all are present.

need_packages() {
    missing=""
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "installing:$missing"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

# The compiler runtime clang needs for -fsanitize=fuzzer/address: a versionless
# package on recent releases, the versioned one otherwise.
need_clang_runtime() {
    need_packages clang
    if apt-cache show libclang-rt-dev >/dev/null 2>&1; then
        need_packages libclang-rt-dev
    else
        major=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
        need_packages "libclang-rt-$major-dev"
    fi
}

# Cross toolchains and emulators for tests/cross/run.sh (issue 9).
need_cross_packages() {
    need_packages gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm qemu-user \
        gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf gcc-s390x-linux-gnu \
        g++-s390x-linux-gnu python3
}
