# The decision engine (lib/decide/): each requirement test kind on synthetic
# reports, profiles and waivers refused with reasons, waivers in force and
# expired, verdict rules, score arithmetic, the shipped profiles.
pk_unit_test(test_decide ${CMAKE_CURRENT_LIST_DIR}/test_decide.c)
