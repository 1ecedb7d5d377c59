# The java analyzer (lib/analyzers/java/): manifests, pom.properties, jar file
# names, hostile input, and a war of real jars (JDK or zip) scanned end to end.
pk_unit_test(test_java ${CMAKE_CURRENT_LIST_DIR}/test_java.c)
