pk_unit_test(test_core ${CMAKE_SOURCE_DIR}/tests/unit/test_core.c)
pk_unit_test(test_match ${CMAKE_SOURCE_DIR}/tests/unit/test_match.c)
pk_script_test(docs_check ${CMAKE_SOURCE_DIR}/tests/unit/docs_check.sh unit)
