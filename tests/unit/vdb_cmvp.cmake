# NIST CMVP module lists and certificate details (lib/vulndb/imp_cmvp.c) and
# the lookups pk_cmvp_get/pk_cmvp_find (lib/vulndb/cmvp.c) on the real files
# in shared/data/crypto-policy/nist-cmvp.
pk_unit_test(test_vdb_cmvp ${CMAKE_CURRENT_LIST_DIR}/test_vdb_cmvp.c)
