# The cryptographic policy (lib/cryptopol/, rules/crypto-policy.tsv): exact
# verdicts by algorithm, usage, size and date; every row reachable; the crypto
# analyzer's names covered; malformed tables refused with line and reason.
pk_unit_test(test_cryptopol ${CMAKE_CURRENT_LIST_DIR}/test_cryptopol.c)
