#!/usr/bin/env bash
# The docs are part of the contract: errors.md lists exactly the status enum,
# every analyzer has its page, and every rule id the code (or a rule file) can emit is
# documented (and no documented id is dead).
set -u
cd "${PK_SRC:?}" || exit 1
fail=0

enum=$(grep -oE '^\s+PK_(OK|E_[A-Z_0-9]+)\s*=' include/parakh/status.h | grep -oE 'PK_[A-Z_0-9]+' | sort)
doc=$(grep -oE '^\| [0-9]+ \| `PK_[A-Z_0-9]+`' docs/errors.md | grep -oE 'PK_[A-Z_0-9]+' | sort)
if [ "$enum" != "$doc" ]; then
  echo "docs/errors.md does not list exactly the pk_status enum:"
  diff <(echo "$enum") <(echo "$doc")
  fail=1
fi

for a in $(grep -oE '^PK_ANALYZER\([a-z0-9_]+\)' lib/analyzers/analyzer_list.h | sed 's/PK_ANALYZER(\(.*\))/\1/'); do
  if [ ! -f "docs/analyzers/$a.md" ]; then
    echo "analyzer $a has no docs/analyzers/$a.md"
    fail=1
  fi
done

code_ids=$(grep -rhoE '"PK-[A-Z]+-[0-9]{4}"' lib rules | tr -d '"' | sort -u)
doc_ids=$(grep -rhoE 'PK-[A-Z]+-[0-9]{4}' docs | sort -u)
missing=$(comm -23 <(echo "$code_ids") <(echo "$doc_ids"))
dead=$(comm -13 <(echo "$code_ids") <(echo "$doc_ids"))
if [ -n "$missing" ]; then
  echo "rule ids emitted by lib/ but not documented in docs/:"; echo "$missing"; fail=1
fi
if [ -n "$dead" ]; then
  echo "rule ids documented in docs/ but never emitted by lib/:"; echo "$dead"; fail=1
fi

if [ $fail -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $fail
