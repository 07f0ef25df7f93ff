#!/usr/bin/env bash
# devdeps.sh: OpenBLAS and LAPACKE for a machine that lacks their Debian
# development packages and reaches no package registry (the lent GPU
# machine), brought as .deb files and unpacked into a private prefix, never
# into /.  docs/device.md has the whole procedure.
#
#   bash scripts/devdeps.sh fetch           here: apt-get download the packages
#                                           into .devdeps/ (git-ignored; ~13 MB)
#   bash scripts/devdeps.sh unpack PREFIX   there: extract each .deb into
#                                           PREFIX/root, link what CMake and
#                                           the loader need into PREFIX/lib and
#                                           PREFIX/include, check that every
#                                           library resolves
#   bash scripts/devdeps.sh cmake-args PREFIX   the CMake arguments for PREFIX
#   bash scripts/devdeps.sh verify          here: the proof that a build uses
#                                           PREFIX alone (needs root and
#                                           unshare): in a private mount
#                                           namespace the system's BLAS, LAPACK(E),
#                                           OpenBLAS and Fortran runtime are
#                                           hidden, .devdeps is unpacked into
#                                           /tmp/rmtmc-prefix, rmtmc is
#                                           configured, built and tested against
#                                           it, and ldd shows the prefix
#
# Use with a build: cmake ... $(bash scripts/devdeps.sh cmake-args PREFIX),
# and LD_LIBRARY_PATH=PREFIX/lib for the build and every program run (the
# libraries' own dependencies, e.g. liblapacke -> liblapack.so.3, are found
# through it).
set -euo pipefail
cd "$(dirname "$0")/.."

# OpenBLAS (pthread flavour: BLAS, CBLAS and LAPACK in one library), LAPACKE
# and what they load that a bare machine may lack.  Not libc, libgcc or
# libgomp: those come with the compiler, and a copy here could shadow a
# newer one there.
PKGS="libopenblas0-pthread libopenblas-pthread-dev liblapacke liblapacke-dev libtmglib3 libgfortran5 libquadmath0"
DIR=.devdeps

die() { echo "devdeps: $*" >&2; exit 1; }

arch_triplet() {
  if command -v dpkg-architecture >/dev/null 2>&1; then dpkg-architecture -qDEB_HOST_MULTIARCH
  else echo "$(uname -m)-linux-gnu"; fi
}

fetch() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: fetch runs on a Debian machine"
  mkdir -p "$DIR"
  rm -f "$DIR"/*.deb
  # shellcheck disable=SC2086
  if ! (cd "$DIR" && apt-get download $PKGS); then
    echo "devdeps: apt-get download failed; updating the package lists once" >&2
    apt-get update -qq
    # shellcheck disable=SC2086
    (cd "$DIR" && apt-get download $PKGS) || die "apt-get download failed (see above)"
  fi
  {
    echo "# .devdeps: fetched $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(. /etc/os-release && echo "$PRETTY_NAME") ($(arch_triplet))"
    echo "# glibc here: $(ldd --version 2>/dev/null | head -1)"
    for f in "$DIR"/*.deb; do
      printf '%s %s %s\n' "$(dpkg-deb -f "$f" Package)" "$(dpkg-deb -f "$f" Version)" "$(sha256sum "$f" | cut -c1-16)"
    done
  } >"$DIR/MANIFEST"
  cat "$DIR/MANIFEST"
  du -sh "$DIR"
}

# Extract one .deb into $2 (dpkg-deb when present, else ar + tar).
extract() {
  if command -v dpkg-deb >/dev/null 2>&1; then
    dpkg-deb -x "$1" "$2"
  else
    local m z
    m=$(ar t "$1" | grep '^data\.tar') || die "$1: no data.tar member"
    case "$m" in
      *.xz) z=-J ;; *.gz) z=-z ;; *.zst) z=--zstd ;; *.bz2) z=-j ;; *) z= ;;
    esac
    # shellcheck disable=SC2086
    ar p "$1" "$m" | tar -x $z -C "$2" -f - || die "cannot extract $1 (no dpkg-deb; ar + tar failed)"
  fi
}

unpack() {
  local p=${1:?usage: devdeps.sh unpack PREFIX}
  case "$p" in /*) ;; *) p="$PWD/$p" ;; esac
  [ "$p" = "/" ] && die "refusing to unpack into /"
  ls "$DIR"/*.deb >/dev/null 2>&1 || die "no .deb files in $DIR: run 'bash scripts/devdeps.sh fetch' on a machine with apt, then carry $DIR"
  rm -rf "$p"
  mkdir -p "$p/root" "$p/lib" "$p/include"
  for f in "$DIR"/*.deb; do extract "$f" "$p/root"; done
  local t l
  t=$(arch_triplet)
  l="$p/root/usr/lib/$t"
  [ -d "$l" ] || l=$(find "$p/root/usr/lib" -maxdepth 1 -type d -name '*-linux-gnu' | head -1)
  [ -n "$l" ] && [ -d "$l" ] || die "no usr/lib/<triplet> in the packages"
  t=$(basename "$l")
  # libraries: absolute links, so the packages' relative ones do not matter;
  # openblas-pthread last, so its libblas.so.3 and liblapack.so.3 win
  for f in "$l"/*.so* "$l"/openblas-pthread/*.so*; do
    [ -e "$f" ] && ln -sfn "$(readlink -f "$f")" "$p/lib/$(basename "$f")"
  done
  for f in "$p/root/usr/include"/*.h "$p/root/usr/include/$t/openblas-pthread"/*.h; do
    [ -e "$f" ] && ln -sfn "$(readlink -f "$f")" "$p/include/$(basename "$f")"
  done
  for need in lib/libopenblas.so lib/liblapacke.so include/lapacke.h include/cblas.h; do
    [ -e "$p/$need" ] || die "$p/$need missing after unpacking $DIR"
  done
  local missing
  missing=$(LD_LIBRARY_PATH="$p/lib" ldd "$p/lib/liblapacke.so" "$p/lib/libopenblas.so" 2>&1 | grep 'not found' || true)
  [ -z "$missing" ] || die "libraries of the prefix do not resolve: $missing"
  echo "devdeps: unpacked $(ls "$DIR"/*.deb | wc -l) packages into $p (libraries in $p/lib, headers in $p/include)"
}

cmake_args() {
  local p=${1:?usage: devdeps.sh cmake-args PREFIX}
  case "$p" in /*) ;; *) p="$PWD/$p" ;; esac
  echo "-DCMAKE_PREFIX_PATH=$p -DBLAS_openblas_LIBRARY=$p/lib/libopenblas.so -DLAPACK_openblas_LIBRARY=$p/lib/libopenblas.so" \
       "-DLAPACKE_INCLUDE_DIR=$p/include -DLAPACKE_LIBRARY=$p/lib/liblapacke.so -DCBLAS_INCLUDE_DIR=$p/include"
}

# ---- verify: a clean-room build against the prefix ----

# Entries of the system's BLAS/LAPACK stack, hidden during verify.
hidden() {
  case "$1" in
    openblas* | libopenblas* | libblas* | liblapack* | libtmglib* | libgfortran* | libquadmath* | libcblas* | \
      blas | lapack | lapack*.h | lapacke*.h | cblas*.h | f77blas.h) return 0 ;;
  esac
  return 1
}

# A copy of directory $1 made of links into its original (bound at $2), less
# the hidden entries; sub-directories named in $4.. become farms too.
farm() {
  local src=$1 orig=$2 dst=$3
  shift 3
  mkdir -p "$dst"
  local e name
  for e in "$orig"/* "$orig"/.[!.]*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    name=$(basename "$e")
    hidden "$name" && continue
    if [ -d "$e" ] && [[ " $* " == *" $name "* ]]; then
      farm "$src/$name" "$e" "$dst/$name"
    else
      ln -s "$e" "$dst/$name"
    fi
  done
}

verify_inner() {
  local w=$1 p=/tmp/rmtmc-prefix t
  t=$(arch_triplet)
  echo "== hiding the system's BLAS, LAPACK(E), OpenBLAS and Fortran runtime (private mount namespace)"
  for d in "/usr/lib/$t" /usr/include; do
    local tag
    tag=$(echo "$d" | tr / _)
    mkdir -p "$w/orig$tag"
    mount --bind "$d" "$w/orig$tag"
    farm "$d" "$w/orig$tag" "$w/farm$tag" "$t"
    mount --bind "$w/farm$tag" "$d"
  done
  local leak
  leak=$(ls -d /usr/lib/"$t"/libopenblas* /usr/lib/"$t"/liblapack* /usr/lib/"$t"/libblas* \
            /usr/lib/"$t"/openblas-pthread /usr/include/lapacke.h /usr/include/"$t"/cblas.h 2>/dev/null || true)
  [ -z "$leak" ] || die "still visible after hiding: $leak"
  echo "   hidden: no libopenblas*, liblapack*, libblas*, lapacke.h, cblas.h under /usr"
  echo "== unpacking $DIR into $p"
  unpack "$p"
  echo "== configure and build against $p only (CUDA backend too, as on the device)"
  export LD_LIBRARY_PATH="$p/lib"
  export PATH="/usr/local/cuda/bin:$PATH"
  # shellcheck disable=SC2046
  cmake -S . -B "$w/build" -DCMAKE_BUILD_TYPE=Release $(cmake_args "$p") >"$w/configure.log" 2>&1 ||
    { tail -30 "$w/configure.log"; die "configure failed"; }
  grep -E "rmtmc .*backends|CUDA backend" "$w/configure.log" | sed 's/^/   /'
  local c v
  for c in BLAS_openblas_LIBRARY LAPACKE_LIBRARY LAPACKE_INCLUDE_DIR CBLAS_INCLUDE_DIR; do
    v=$(grep -E "^$c:[A-Z]+=" "$w/build/CMakeCache.txt" | head -1 | cut -d= -f2- || true)
    echo "   $c = $v"
    case "$v" in *"$p"*) ;; *) die "$c = '$v' is not in $p" ;; esac
  done
  # what rmtmc actually links: every BLAS/LAPACK library on its link line
  v=$(cat "$w/build/CMakeFiles/rmtmc.dir/link.txt" "$w/build/CMakeFiles/rmtmc.dir/linkLibs.rsp" 2>/dev/null |
      grep -oE '[^ "]*/lib(openblas|blas|cblas|lapack|lapacke|tmglib)[^/ "]*\.so[^ "]*' | sort -u | tr '\n' ' ' || true)
  [ -n "$v" ] || die "no BLAS/LAPACK library on rmtmc's link line"
  echo "   rmtmc links: $v"
  for c in $v; do case "$c" in "$p"/*) ;; *) die "rmtmc links $c, outside $p" ;; esac; done
  cmake --build "$w/build" -j "$(nproc)" >"$w/build.log" 2>&1 || { tail -30 "$w/build.log"; die "build failed"; }
  echo "   built"
  echo "== ldd build/rmtmc with LD_LIBRARY_PATH=$p/lib"
  local pat='lib(openblas|blas|cblas|lapack|lapacke|tmglib|gfortran|quadmath)[^/ ]*\.so'
  ldd "$w/build/rmtmc" | grep -E "$pat" | sed 's/^/   /'
  if ldd "$w/build/rmtmc" | grep -E "$pat" | grep -qv "=> $p"; then
    die "a BLAS/LAPACK library resolves outside $p"
  fi
  echo "== without LD_LIBRARY_PATH the libraries are not found (nothing else supplies them)"
  if env -u LD_LIBRARY_PATH "$w/build/rmtmc" --version >/dev/null 2>&1; then
    die "rmtmc started without the prefix: the system's libraries were not hidden"
  fi
  (env -u LD_LIBRARY_PATH "$w/build/rmtmc" --version 2>&1 || true) | head -1 | sed 's/^/   /'
  echo "== the CPU test suite against the prefix (gpu tests skip here)"
  local rc=0
  ctest --test-dir "$w/build" -j 2 >"$w/ctest.log" 2>&1 || rc=$?
  grep -E "tests passed|tests failed|Skipped|Failed|Timeout" "$w/ctest.log" | sed 's/^/   /'
  [ $rc -eq 0 ] || die "tests failed against the prefix"
  "$w/build/rmtmc" --version | sed 's/^/   /'
  echo "devdeps verify: OK (configured, built, linked and tested against $p alone)"
}

verify() {
  [ "$(id -u)" -eq 0 ] || die "verify needs root (mount namespaces)"
  command -v unshare >/dev/null 2>&1 || die "verify needs unshare (util-linux)"
  ls "$DIR"/*.deb >/dev/null 2>&1 || fetch
  local w
  w=$(mktemp -d /tmp/rmtmc-devdeps-verify.XXXXXX)
  local rc=0
  unshare -m --propagation private bash "$0" _verify_inner "$w" || rc=$?
  rm -rf "$w" /tmp/rmtmc-prefix
  return $rc
}

case "${1:-}" in
  fetch) fetch ;;
  unpack) unpack "${2:-}" ;;
  cmake-args) cmake_args "${2:-}" ;;
  verify) verify ;;
  _verify_inner) verify_inner "$2" ;;
  *) sed -n '2,30p' "$0"; exit 2 ;;
esac
