# The HTML and PDF reports of parakh assess in headless Chromium
# (tests/integration/report_html.py, browser.py): fixtures built at test time,
# the page checked from inside the browser (verdict, reasons, countries chart,
# sorting, filtering, hostile strings shown as text, no console error), the
# PDF's text. Chromium missing: skipped, or failed when $CI is set.
set(PK_RHTML_ENV "PK_CLI=$<TARGET_FILE:parakh-cli>;PK_SRC=${CMAKE_SOURCE_DIR};PK_SHARED=${PK_SHARED_DATA}")
if(PK_SANITIZE)
  string(APPEND PK_RHTML_ENV ";PK_SANITIZED=1")
endif()
add_test(NAME integration_report_html COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/report_html.py)
set_tests_properties(integration_report_html PROPERTIES
  LABELS integration
  TIMEOUT 900
  ENVIRONMENT "${PK_RHTML_ENV}")
