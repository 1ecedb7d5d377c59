pk_unit_test(test_csaf_mandatory ${CMAKE_CURRENT_LIST_DIR}/test_csaf_mandatory.c)
