#!/usr/bin/perl
# mail_dkim.pl: verify every message of an mbox with Perl's Mail::DKIM, in one process.
#
#     perl mail_dkim.pl MBOX HOST:PORT NOW
#
# The peer runner for Mail::DKIM in bench/run.py. The mbox is read line by line as
# analyzer/sources.py reads it: an entry starts at a "From " line at the start of the file
# or after an empty line, the empty line before the next entry is the mbox's, ">From "
# lines are unquoted by one ">" (mboxrd). Each message goes to a new Mail::DKIM::Verifier
# whole, with CRLF line endings, as an MTA would hand it over.
#
# DNS: Mail::DKIM::DNS::resolver is a Net::DNS::Resolver whose one server is HOST:PORT
# (EDNS0 payload 1232, TCP when an answer is truncated), no cache: every key is asked from
# the loopback server like the other programs'.
#
# NOW is the Unix time x= is judged by: Mail::DKIM reads the clock with time(), which is
# overridden before Mail::DKIM is loaded.
#
# Output, per signature, in header order (Mail::DKIM verifies all of a message's
# signatures):  MESSAGE<TAB>SIGNATURE<TAB>d=<TAB>s=<TAB>result<TAB>result_detail
# and last:     summary messages=N signatures=N pass=N fail=N

use strict;
use warnings;

my $NOW;

BEGIN {
    die "usage: $0 MBOX HOST:PORT NOW\n" unless @ARGV == 3;
    $NOW = $ARGV[2];
    *CORE::GLOBAL::time = sub () { $NOW };
}

use Mail::DKIM::Verifier;
use Mail::DKIM::DNS;
use Net::DNS::Resolver;

my ( $mbox, $nameserver ) = @ARGV;
my ( $host, $port ) = $nameserver =~ /^(.*):(\d+)$/ or die "bad nameserver $nameserver\n";
my $resolver = Net::DNS::Resolver->new(
    nameservers => [$host],
    port        => $port,
    recurse     => 1,
    defnames    => 0,
    dnsrch      => 0,
);
$resolver->udppacketsize(1232);
Mail::DKIM::DNS::resolver($resolver);

my ( $messages, $signatures, $passed, $failed ) = ( 0, 0, 0, 0 );

sub verify {
    my ($message) = @_;
    my $dkim = Mail::DKIM::Verifier->new();
    $dkim->PRINT($message);
    $dkim->CLOSE();
    my $i = 0;
    for my $sig ( $dkim->signatures ) {
        my $result = $sig->result // 'none';
        my $detail = $sig->result_detail // '';
        $detail =~ s/[\t\r\n]+/ /g;
        print join( "\t", $messages, $i++, $sig->domain // '', $sig->selector // '',
            $result, $detail ), "\n";
        $signatures++;
        $result eq 'pass' ? $passed++ : $failed++;
    }
    $messages++;
}

open( my $in, '<:raw', $mbox ) or die "$mbox: $!\n";
my ( $message, $in_message, $blank ) = ( '', 0, 0 );
while ( my $line = <$in> ) {
    if ( substr( $line, 0, 5 ) eq 'From ' && ( $blank || !$in_message ) ) {
        verify($message) if $in_message;
        ( $message, $in_message, $blank ) = ( '', 1, 0 );
        next;    # the envelope "From " line is not the message's
    }
    next unless $in_message;    # bytes before the first "From " line: not a message
    $message .= "\r\n" if $blank;
    $blank = $line eq "\n";
    next if $blank;
    $line =~ s/^>(>*From )/$1/;
    $line =~ s/\r?\n\z/\r\n/;
    $message .= $line;
}
verify($message) if $in_message;
print "summary messages=$messages signatures=$signatures pass=$passed fail=$failed\n";
