# The binsig analyzer (lib/analyzers/binsig/, rules/binsig/): each rule's own
# test lines through the real matcher, parser errors, libraries statically
# linked into programs built at test time, random data, the block boundary.
pk_unit_test(test_binsig ${CMAKE_SOURCE_DIR}/tests/unit/test_binsig.c)
