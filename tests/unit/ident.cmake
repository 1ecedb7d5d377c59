# Package identifiers (lib/ident/): purl against cases from the purl-spec test
# suite, CPE 2.3 formatted-string binding (NISTIR 7695 6.2).
pk_unit_test(test_ident ${CMAKE_SOURCE_DIR}/tests/unit/test_ident.c)
