# CSAF pulling and OpenPGP (lib/csafsync/): keys are made at test time with
# gpg --batch in a temporary directory; no gpg-agent is left running.
pk_unit_test(test_csafsync_gpg ${CMAKE_CURRENT_LIST_DIR}/test_csafsync_gpg.c)
# The puller on a bundle built at test time from $PK_SHARED's CSAF examples.
pk_unit_test(test_csafsync ${CMAKE_CURRENT_LIST_DIR}/test_csafsync.c)
# The same tree served by an in-process libmicrohttpd server on 127.0.0.1.
if(NOT TARGET PkgConfig::PK_CSY_MHD)
  pkg_check_modules(PK_CSY_MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
endif()
pk_unit_test(test_csafsync_http ${CMAKE_CURRENT_LIST_DIR}/test_csafsync_http.c)
target_link_libraries(test_csafsync_http PRIVATE PkgConfig::PK_CSY_MHD)
