# The endpoint knowledge (lib/vulndb/imp_ipcountry.c, imp_mmdb.c,
# imp_trackers.c, geo_db.c, geo_lookup.c) and the post-scan join (lib/geo/):
# CSV and .mmdb ranges built at test time (mkmmdb.pl, Debian's
# libmaxmind-db-writer-perl), the real tracker lists from shared/data, lookups
# at range boundaries, the join on a real scan's endpoint facts.
pk_unit_test(test_geo_kb ${CMAKE_CURRENT_LIST_DIR}/test_geo_kb.c)
