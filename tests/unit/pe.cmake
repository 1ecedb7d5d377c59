# The PE and Mach-O analyzers. test_pe builds its fixtures with mingw-w64,
# openssl and osslsigncode at test time and skips those cases without them.
pk_unit_test(test_pe ${CMAKE_CURRENT_LIST_DIR}/test_pe.c)
pk_unit_test(test_macho ${CMAKE_CURRENT_LIST_DIR}/test_macho.c)
