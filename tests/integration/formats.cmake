# Integration tests: python3 scripts that build fixtures at test time with the
# system's own tools (cc, zip, tar, 7z, cpio, ar, dpkg-deb, rpmbuild,
# genisoimage, bsdtar, gcab, mksquashfs, wixl/msibuild, mingw-w64), run the
# parakh binary on them and check the JSON report. A case whose tool is
# missing prints SKIP with the reason; a known product bug prints KNOWN_BUG.
# Run: ctest --test-dir build -L integration --output-on-failure
set(PK_IT_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR};PK_SHARED=${PK_SHARED_DATA}")
if(PK_SANITIZE)
  # ASan/UBSan builds: smaller fixtures (see pkit.py)
  string(APPEND PK_IT_ENV ";PK_SANITIZED=1")
endif()

foreach(t formats inputs embedded determinism schema inventory vulns)
  add_test(NAME integration_${t}
           COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/${t}.py)
  set_tests_properties(integration_${t} PROPERTIES
    LABELS integration
    TIMEOUT 300
    ENVIRONMENT "${PK_IT_ENV}")
endforeach()
