#!/usr/bin/perl
# Writes a tiny MaxMind-format database for test_geo_kb (Debian package
# libmaxmind-db-writer-perl): usage mkmmdb.pl OUT [4|6]. IPv4 ranges in a
# version 6 tree get MaxMind's usual aliases (::ffff:0:0/96, 2002::/16).
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($out, $ver) = @ARGV;
$ver ||= 6;
my %types = (country => 'map', registered_country => 'map', iso_code => 'utf8_string');
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => $ver,
    record_size           => 24,
    database_type         => 'parakh-test-country',
    languages             => ['en'],
    description           => { en => 'parakh test' },
    map_key_type_callback => sub { $types{ $_[0] } },
    alias_ipv6_to_ipv4    => ($ver == 6 ? 1 : 0),
    remove_reserved_networks => 0,
);
$tree->insert_network('1.0.0.0/24',    { country => { iso_code => 'AU' } });
$tree->insert_network('1.0.1.0/24',    { country => { iso_code => 'CN' } });
$tree->insert_network('1.0.2.0/23',    { country => { iso_code => 'CN' } });
$tree->insert_network('8.8.8.0/24',    { country => { iso_code => 'US' } });
$tree->insert_network('5.6.7.0/24',    { registered_country => { iso_code => 'DE' } });
if ($ver == 6) {
    $tree->insert_network('2001:200::/32', { country => { iso_code => 'JP' } });
    $tree->insert_network('2a00:1450::/32', { country => { iso_code => 'IE' } });
}
open my $fh, '>:raw', $out or die "$out: $!";
$tree->write_tree($fh);
close $fh or die "$out: $!";
