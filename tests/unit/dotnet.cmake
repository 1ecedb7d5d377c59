# The dotnet analyzer (lib/analyzers/dotnet/): deps.json libraries, their
# hashes and exact dependency versions, hostile JSON.
pk_unit_test(test_dotnet ${CMAKE_CURRENT_LIST_DIR}/test_dotnet.c)
