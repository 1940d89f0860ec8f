#!/bin/sh
# sweep.sh -- a labrat experiment in POSIX shell.  Parameters arrive as
# arguments (or as $LABRAT_PARAM_<name> in the environment); results leave
# as name=value lines on standard output.  Numbers stay numbers.
#
#   labrat run -p 'n=1..20' -p 'word={alpha, beta, "gamma delta"}' -- \
#       ./examples/sweep.sh {n} {word}
set -eu
n=${1:-$LABRAT_PARAM_n}
word=${2:-$LABRAT_PARAM_word}

case $n in
''|*[!0-9]*) echo "sweep.sh: n must be a whole number, not '$n'" >&2; exit 2 ;;
esac

echo "computing for n=$n and word=$word"   # ignored: not a result line
echo "square=$((n * n))"
echo "length=${#word}"
echo "upper=$(printf '%s' "$word" | tr '[:lower:]' '[:upper:]')"
