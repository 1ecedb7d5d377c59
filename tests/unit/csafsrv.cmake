# parakhd's CSAF provider (lib/server/srv_csaf*.c, lib/registry/store_csaf*.c)
# through the request handler on SQLite: publish, the tree, revisions, SBOMs,
# in-use lists, hostile documents; then the TLP × role table and the
# provider/aggregator metadata against the CSAF schemas (python3-jsonschema).
pk_unit_test(test_csafsrv ${CMAKE_CURRENT_LIST_DIR}/test_csafsrv.c)
pk_unit_test(test_csafsrv_tlp ${CMAKE_CURRENT_LIST_DIR}/test_csafsrv_tlp.c)
