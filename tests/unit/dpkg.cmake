# The dpkg analyzer (lib/analyzers/dpkg/): written status/status.d/control/
# .list fixtures, this machine's status database against dpkg-query, a .deb
# built with dpkg-deb and scanned by the CLI, hostile inputs.
pk_unit_test(test_dpkg ${CMAKE_SOURCE_DIR}/tests/unit/test_dpkg.c)
