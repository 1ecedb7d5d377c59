# Version ordering (lib/version/): each scheme against its specification's
# examples, dpkg and rpm against the real tools on this machine, and OSV range
# evaluation on events taken from real advisories.
pk_unit_test(test_version ${CMAKE_SOURCE_DIR}/tests/unit/test_version.c)
