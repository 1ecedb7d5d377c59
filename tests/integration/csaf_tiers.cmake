# Advisories across the CERT tiers (issue 11, docs/csaf.md;
# tests/integration/csaf_tiers.py): a national, a sectoral and an
# organisation's parakhd on 127.0.0.1 passing CSAF documents down with
# byte-identical, signature-checked copies; TLP access per role; a vendor
# advisory matched against certified products' SBOMs.
set(PK_CSAF_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_PARAKHD=$<TARGET_FILE_DIR:parakh-cli>/parakhd;PK_SRC=${CMAKE_SOURCE_DIR};PK_SHARED=${CMAKE_SOURCE_DIR}/../shared/data")
if(PK_SANITIZE)
  string(APPEND PK_CSAF_ENV ";PK_SANITIZED=1")
endif()
foreach(t roundtrip tlp affected)
  add_test(NAME integration_csaf_${t}
           COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/csaf_tiers.py ${t})
  set_tests_properties(integration_csaf_${t} PROPERTIES
    LABELS integration
    TIMEOUT 900
    ENVIRONMENT "${PK_CSAF_ENV}")
endforeach()
