# The accounts analyzer (lib/analyzers/accounts/, rules/accounts/): shadow,
# passwd, inittab, init scripts, systemd units, inetd, sshd_config,
# authorized_keys and Android properties made at test time (openssl passwd,
# ssh-keygen), and a firmware tree (squashfs in a tar.gz) through pk_scan.
pk_unit_test(test_accounts ${CMAKE_CURRENT_LIST_DIR}/test_accounts.c)
