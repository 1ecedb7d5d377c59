# The registry client's verifier (lib/regclient/) without a server: logs,
# checkpoints, lookup answers and mirrors made here; every state, every
# proof corruption, forks, and corrupt mirrors.
pk_unit_test(test_regclient ${CMAKE_CURRENT_LIST_DIR}/test_regclient.c)
# Transport and export against an in-process libmicrohttpd server on
# 127.0.0.1 (an ephemeral port).
if(NOT TARGET PkgConfig::PK_RC_MHD)
  pkg_check_modules(PK_RC_MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
endif()
pk_unit_test(test_regclient_http ${CMAKE_CURRENT_LIST_DIR}/test_regclient_http.c)
target_link_libraries(test_regclient_http PRIVATE PkgConfig::PK_RC_MHD)
