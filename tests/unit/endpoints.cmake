# The endpoints analyzer (lib/analyzers/endpoints/, rules/endpoints/): facts and
# findings on text fixtures and on a program compiled at test time (ASCII and
# UTF-16 URLs, IP, e-mail, telemetry, update, dynamic DNS), negatives, the cap.
pk_unit_test(test_endpoints ${CMAKE_CURRENT_LIST_DIR}/test_endpoints.c)
