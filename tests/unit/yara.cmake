# The yara analyzer through the scan API: yara.timeout, refusals, several
# scans per process, worker threads sharing the rules (CLI cases: tests/integration/yara.py).
pk_unit_test(test_yara ${CMAKE_CURRENT_LIST_DIR}/test_yara.c)
