# Container readers (lib/source/squashfs.c, lib/source/ole.c): fixtures are
# built at test time with mksquashfs, libgsf and wixl or msibuild+gcab.
pk_unit_test(test_containers ${CMAKE_SOURCE_DIR}/tests/unit/test_containers.c)
