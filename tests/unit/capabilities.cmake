# The capabilities analyzer (lib/analyzers/capabilities/, rules/capabilities.json):
# the rule file and refused rule files; programs compiled at test time with cc
# and mingw-w64 (skipped without it), a systemd unit, a crontab, and this
# machine's shells and SSH tools. PK_CAP_SWEEP=1 adds a report over /usr/bin.
pk_unit_test(test_capabilities ${CMAKE_CURRENT_LIST_DIR}/test_capabilities.c)
