#!/usr/bin/env bash
# Writes a Scalars object whose spec holds COUNT generated values k0, k1, … for the yaml-scalars
# scenario to send through kubectl and billet alike, from SEED (the same object every time):
#
#   gen_scalars.sh yaml SEED COUNT   plain YAML scalars made of pieces readers disagree on: signs,
#                                    base prefixes, digits, underscores, dots, exponents, times,
#                                    YAML 1.1 words (infinities and NaN left out: both refuse them)
#   gen_scalars.sh json SEED COUNT   JSON numbers: integers past int64, fractions, exponents near
#                                    the ends of a float64's range
set -euo pipefail
mode=${1:?usage: gen_scalars.sh yaml|json SEED COUNT}
RANDOM=${2:?seed}
count=${3:?count}
name=generated-$mode-$2

if [ "$mode" = yaml ]; then
  signs=("" "" "+" "-")
  prefixes=("" "" "" "0" "0x" "0X" "0o" "0b" "." "00")
  bodies=("1" "12" "007" "1_000" "9223372036854775807" "9223372036854775808" "18446744073709551615"
    "18446744073709551616" "99999999999999999999" "123456789012345678901" "0" "5" "8" "9" "1f" "ff"
    "101" "2_" "_1" "1__2" "3.14" "1e3" "1E-7" "2.5e+300" "1e400" "1e-400" "4.9e-324" "1.0" "7."
    "6e" "1e" "123456789.5" "0.1" "1000000.0" "1e21" "1e20" "0.000001" "12:30" "1:2:3" "190:20:30"
    "2024-01-02" "1.2.3" "10.0.0.1" "1,000" "1/2" "0x_1" "1_0.5" "1_e3" "9.9e99999" "1e+" "0.0"
    "00.5")
  words=("yes" "Yes" "YES" "yEs" "no" "NO" "on" "On" "oN" "off" "OFF" "y" "Y" "n" "N" "true" "True"
    "TRUE" "tRUE" "false" "False" "null" "Null" "NULL" "nULL" "~" "=" "<<" "+" "." "_" "0_" "-_1"
    "+.5" "-.5" "+." "-.")
  printf 'apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: %s, namespace: default}\nspec:\n' "$name"
  for ((i = 0; i < count; i++)); do
    if ((RANDOM % 4 == 0)); then
      token=${words[RANDOM % ${#words[@]}]}
    else
      token=${signs[RANDOM % 4]}${prefixes[RANDOM % ${#prefixes[@]}]}${bodies[RANDOM % ${#bodies[@]}]}
      ((RANDOM % 5 == 0)) && token+=${bodies[RANDOM % ${#bodies[@]}]}
    fi
    case "${token,,}" in *inf* | *nan*) token=x ;; esac
    printf '  k%d: %s\n' "$i" "$token"
  done
else
  ints=("0" "1" "7" "10" "123456789" "9007199254740993" "9223372036854775807" "9223372036854775808"
    "18446744073709551616" "12345678901234567890" "99999999999999999999" "100000000000000000000000")
  fractions=("" "" "" ".0" ".5" ".50" ".000001" ".1" ".25" ".333333333333333333333" ".0000000001"
    ".9999999999999999999")
  exponents=("" "" "" "e0" "e3" "E-3" "e+2" "e-7" "e20" "e21" "e-6" "e-5" "e280" "e-300" "e-320"
    "e-330" "e22" "E+18" "e-310")
  printf '{"apiVersion":"billet.test/v1","kind":"Scalars","metadata":{"name":"%s","namespace":"default"},"spec":{' "$name"
  for ((i = 0; i < count; i++)); do
    sign=""
    ((RANDOM % 3 == 0)) && sign="-"
    ((i > 0)) && printf ','
    printf '"k%d":%s%s%s%s' "$i" "$sign" "${ints[RANDOM % ${#ints[@]}]}" \
      "${fractions[RANDOM % ${#fractions[@]}]}" "${exponents[RANDOM % ${#exponents[@]}]}"
  done
  printf '}}\n'
fi
