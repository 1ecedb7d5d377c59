pk_unit_test(test_cbom ${CMAKE_CURRENT_LIST_DIR}/test_cbom.c)
set_tests_properties(test_cbom PROPERTIES ENVIRONMENT "PK_SHARED=${PK_SHARED_DATA}")
