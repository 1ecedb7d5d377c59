# Authenticode verification in the PE analyzer. test_pe_sig builds its
# fixtures with mingw-w64, openssl and osslsigncode at test time and skips
# without them.
pk_unit_test(test_pe_sig ${CMAKE_CURRENT_LIST_DIR}/test_pe_sig.c)
