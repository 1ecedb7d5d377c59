# The PE analyzer's version-resource component (lib/analyzers/pe/pe_comp.c):
# an executable and a DLL built with mingw-w64 and windres at test time
# (skipped without them).
pk_unit_test(test_pe_comp ${CMAKE_CURRENT_LIST_DIR}/test_pe_comp.c)
