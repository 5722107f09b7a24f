# Sourced by ./phosor, ./mvnw and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Looks at $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/* (newest first). POSIX sh.
phosor_java_major() {
  # Prints the feature release of the given java binary ("17.0.15" -> 17, "1.8.0" -> 8).
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9.]*\).*/\1/p' | head -n 1 |
    awk -F. '{ if ($1 == 1) print $2; else print $1 }'
}

phosor_find_jdk() {
  _phosor_restore_f=0
  case $- in *f*) _phosor_restore_f=1; set +f ;; esac
  _phosor_candidates=""
  [ -n "${JAVA_HOME-}" ] && _phosor_candidates="$JAVA_HOME/bin/java"
  _phosor_path_java=$(command -v java 2>/dev/null || true)
  [ -n "$_phosor_path_java" ] && _phosor_candidates="$_phosor_candidates $_phosor_path_java"
  for _d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    _phosor_candidates="$_phosor_candidates ${_d%/}/bin/java"
  done
  [ "$_phosor_restore_f" = 1 ] && set -f
  for _c in $_phosor_candidates; do
    [ -x "$_c" ] || continue
    _real=$(readlink -f "$_c")
    _home=$(dirname "$(dirname "$_real")")
    [ -x "$_home/bin/javac" ] || continue
    _major=$(phosor_java_major "$_real")
    if [ -n "$_major" ] && [ "$_major" -ge 21 ] 2>/dev/null; then
      JAVA_HOME=$_home
      export JAVA_HOME
      return 0
    fi
  done
  echo "phosor: no JDK 21 or newer found (looked at JAVA_HOME=${JAVA_HOME-<unset>}, 'java' on PATH, /usr/lib/jvm)." >&2
  echo "phosor: install one (for example Temurin 21 or Debian's openjdk-21-jdk) or set JAVA_HOME to it." >&2
  return 1
}
