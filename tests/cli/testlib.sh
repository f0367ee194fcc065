# Shared by the shell end-to-end tests: a scratch directory $T, `check NAME CONDITION...` that
# counts passes and failures, and `finish` that prints "N passed, M failed" and sets the exit code.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0
failed=0

check() {  # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $name"
  fi
}

finish() {
  echo "$passed passed, $failed failed"
  [ $failed -eq 0 ]
}
