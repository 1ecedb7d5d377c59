# The secrets analyzer (lib/analyzers/secrets/, rules/secrets/gitleaks.json):
# the rule count, credentials made at test time in text and in a compiled
# program, gitleaks' allowlists and entropy thresholds, redaction, the cap.
pk_unit_test(test_secrets ${CMAKE_CURRENT_LIST_DIR}/test_secrets.c)
