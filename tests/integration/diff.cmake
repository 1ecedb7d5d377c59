# parakh diff (docs/diff.md): tests/integration/diff.py.
# diff_debian: two real versions of curl and libssl3, fetched once with
# apt-get download into PK_DIFF_CACHE (or ~/.cache); exit 77 (skipped) when a
# version has left the apt indexes or cannot be fetched.
# diff_zip: two zips built at test time, each change known exactly.
set(PK_DIFF_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR};PK_SHARED=${PK_SHARED_DATA}")
foreach(mode debian zip)
  add_test(NAME integration_diff_${mode}
           COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/diff.py ${mode})
  set_tests_properties(integration_diff_${mode} PROPERTIES
    LABELS integration
    TIMEOUT 900
    SKIP_RETURN_CODE 77
    ENVIRONMENT "${PK_DIFF_ENV}")
endforeach()
