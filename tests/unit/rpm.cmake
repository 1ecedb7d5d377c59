# The rpm analyzer (lib/analyzers/rpm/): a .rpm built with rpmbuild and an
# rpmdb.sqlite made by rpm --justdb at test time; hostile headers and databases.
pk_unit_test(test_rpm ${CMAKE_SOURCE_DIR}/tests/unit/test_rpm.c)
