# What an update changed (lib/diff/): each change kind on synthetic reports,
# absent sections "not compared", the verdict hook, the writers.
pk_unit_test(test_diff ${CMAKE_CURRENT_LIST_DIR}/test_diff.c)
