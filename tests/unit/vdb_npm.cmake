# npm (node-semver) ranges and the Node.js Security WG advisories
# (lib/vulndb/npmrange.c, imp_nswg.c) on the real files in shared/data.
pk_unit_test(test_vdb_npm ${CMAKE_CURRENT_LIST_DIR}/test_vdb_npm.c)
