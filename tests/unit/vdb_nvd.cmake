# The NVD importers (lib/vulndb/imp_nvd.c: 1.1 feeds, API 2.0 responses) and
# CVSS base scores (lib/vulndb/cvss.c) on the shared NVD samples; needs xz(1)
# to unpack the 2022-08-31 1.1 sample.
pk_unit_test(test_vdb_nvd ${CMAKE_CURRENT_LIST_DIR}/test_vdb_nvd.c)
