# The python analyzer (lib/analyzers/python/): core metadata of installed
# distributions and wheels, RECORD claims, hostile input.
pk_unit_test(test_python ${CMAKE_CURRENT_LIST_DIR}/test_python.c)
