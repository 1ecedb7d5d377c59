# parakhd's request handler (lib/server/): every route, the role table,
# malformed requests storing nothing, a certificate's life with its proofs,
# and group commit with one refused record.
pk_unit_test(test_regsrv ${CMAKE_CURRENT_LIST_DIR}/test_regsrv.c)
