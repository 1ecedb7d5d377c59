# The apk analyzer (lib/analyzers/apk/): a written lib/apk/db/installed and
# .PKGINFO, an .apk built with tar+gzip scanned by the CLI, hostile inputs.
pk_unit_test(test_apk ${CMAKE_SOURCE_DIR}/tests/unit/test_apk.c)
