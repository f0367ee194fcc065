#!/usr/bin/perl
# Checks the links of Markdown files: every relative link resolves to a file or directory inside
# ROOT, every anchor (`#...`) names a heading of its target file (GitHub's slugs), and no link
# leaves the repository (a `../` above ROOT, an absolute path, a `file:` URL, a `shared/`
# contract). Web links (http, https, mailto) are not followed.
#
#   check_links.pl ROOT FILE...      prints one line per bad link; exit 1 if there is any
#
# Written for perl-base (always installed on Debian): no modules.
use strict;
use warnings;

my ($root, @files) = @ARGV;
die "usage: check_links.pl ROOT FILE...\n" unless defined $root && @files;
$root =~ s{/+$}{};

# Normalizes a slash-separated path ("a/./b/../c" -> "a/c"); undef when it climbs above "".
sub normalize {
  my ($path) = @_;
  my @out;
  for my $part (split m{/}, $path) {
    next if $part eq '' || $part eq '.';
    if ($part eq '..') {
      return undef unless @out;
      pop @out;
    } else {
      push @out, $part;
    }
  }
  return join('/', @out);
}

sub read_lines {
  my ($file) = @_;
  open(my $fh, '<', $file) or return ();
  my @lines = <$fh>;
  close $fh;
  utf8::decode($_) for @lines;    # so that \w knows non-ASCII letters, as GitHub's slugs do
  return @lines;
}

# The lines of a Markdown file outside fenced code blocks, as [line number, text].
sub prose_lines {
  my ($file) = @_;
  my @out;
  my $fence;
  my $n = 0;
  for my $line (read_lines($file)) {
    $n++;
    chomp $line;
    if (defined $fence) {
      undef $fence if $line =~ /^\s{0,3}(\Q$fence\E)[`~]*\s*$/;
      next;
    }
    if ($line =~ /^\s{0,3}(```|~~~)/) {
      $fence = $1;
      next;
    }
    push @out, [$n, $line];
  }
  return @out;
}

# GitHub's heading anchor: markup dropped, lowercased, punctuation removed, spaces to hyphens;
# repeated headings get -1, -2, ...
my %anchor_cache;
sub anchors {
  my ($file) = @_;
  return $anchor_cache{$file} if $anchor_cache{$file};
  my (%seen, %anchors);
  for my $entry (prose_lines($file)) {
    my $line = $entry->[1];
    while ($line =~ /<a\s+(?:name|id)="([^"]+)"/g) { $anchors{$1} = 1; }
    next unless $line =~ /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
    my $text = $1;
    $text =~ s/!?\[([^\]]*)\]\([^)]*\)/$1/g;    # links and images: their text
    $text =~ s/<[^>]+>//g;                       # HTML tags
    $text = lc $text;
    $text =~ s/[^\w\- ]//g;                      # punctuation (keeps letters, digits, _ and -)
    $text =~ s/ /-/g;
    my $slug = $text;
    $slug .= '-' . $seen{$text} if $seen{$text};
    $seen{$text}++;
    $anchors{$slug} = 1;
  }
  $anchor_cache{$file} = \%anchors;
  return \%anchors;
}

binmode STDOUT, ':utf8';
my $bad = 0;
sub problem {
  my ($where, $target, $why) = @_;
  print "$where: ($target) $why\n";
  $bad++;
}

for my $file (@files) {
  my $rel = $file;
  utf8::decode($rel);
  $rel =~ s{^\Q$root\E/}{};
  my $dir = $rel =~ m{^(.*)/[^/]*$} ? $1 : '';
  for my $entry (prose_lines($file)) {
    my ($n, $line) = @$entry;
    $line =~ s/(`+).*?\1//g;    # code spans are not links
    my @targets;
    push @targets, $1 while $line =~ /\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g;
    push @targets, $1 if $line =~ /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/;
    for my $target (@targets) {
      my $where = "$rel:$n";
      if ($target eq '') {
        problem($where, $target, 'empty link');
        next;
      }
      next if $target =~ m{^(https?|mailto):}i;
      if ($target =~ m{^[a-z][a-z0-9+.-]*:}i) {
        problem($where, $target, 'points outside the repository (a URL scheme other than http, https, mailto)');
        next;
      }
      my ($path, $anchor) = $target =~ /^([^#]*)(?:#(.*))?$/;
      if ($path =~ m{^/}) {
        problem($where, $target, 'points outside the repository (an absolute path)');
        next;
      }
      my $resolved = $path eq '' ? $rel : normalize($dir eq '' ? $path : "$dir/$path");
      if (!defined $resolved) {
        problem($where, $target, 'points outside the repository (climbs above its root)');
        next;
      }
      if ($resolved =~ m{(^|/)shared(/|$)} || $resolved =~ m{(^|/)SPEC\.md$}) {
        problem($where, $target, 'points to a contract outside the repository (shared/, SPEC.md)');
        next;
      }
      my $full = $resolved eq '' ? $root : "$root/$resolved";
      if (!-e $full) {
        problem($where, $target, "does not resolve: no $resolved in the repository");
        next;
      }
      next unless defined $anchor && $anchor ne '';
      if (-d $full || $full !~ /\.md$/i) {
        problem($where, $target, "has an anchor but $resolved is not a Markdown file");
        next;
      }
      problem($where, $target, "no heading in $resolved has the anchor #$anchor")
        unless anchors($full)->{$anchor};
    }
  }
}
exit($bad ? 1 : 0);
