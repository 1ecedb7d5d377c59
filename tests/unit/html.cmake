# The HTML report's text layer (lib/decide/html_text.c) and a whole page from a
# hostile, mistyped report: escaping, cutting, evidence paths, charts, CSP.
pk_unit_test(test_html ${CMAKE_CURRENT_LIST_DIR}/test_html.c)
